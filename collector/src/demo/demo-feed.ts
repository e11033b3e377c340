import type { Clock } from '../core/clock';
import type { Point } from '../core/point';

/** Anything that can produce the points of a time window [fromMs, toMs), chunk-independently. */
export interface PointGenerator {
  generate(fromMs: number, toMs: number): Point[];
}

export interface DemoFeedDeps {
  generator: PointGenerator;
  accept(points: readonly Point[]): Promise<void>;
  clock: Clock;
  /** Size of one backfill chunk in simulated time. */
  chunkMs?: number;
  /** Called after each backfill chunk is stored (the collector writes deferred rollups there). */
  afterChunk?(): Promise<unknown>;
}

const DAY_MS = 86_400_000;

/**
 * Feeds the demo company into the pipeline: first its history up to now in chunks (backfill),
 * then, at each tick (a scheduled source calls `tick`), whatever fell due since the last one on
 * the (possibly accelerated) clock.
 */
export class DemoFeed {
  private cursor: number | undefined;

  constructor(private readonly deps: DemoFeedDeps) {}

  /**
   * Feeds [fromMs, toMs) and leaves the cursor at toMs. `generator` may be a narrower one (e.g.
   * daily KPIs only for a warm-up period). Returns the number of points fed.
   */
  async backfill(fromMs: number, toMs: number, generator: PointGenerator = this.deps.generator): Promise<number> {
    const chunk = this.deps.chunkMs ?? DAY_MS;
    let fed = 0;
    for (let start = fromMs; start < toMs; start += chunk) {
      const points = generator.generate(start, Math.min(start + chunk, toMs));
      await this.deps.accept(points);
      await this.deps.afterChunk?.();
      fed += points.length;
    }
    this.cursor = toMs;
    return fed;
  }

  /** Feeds everything due between the cursor and now; the cursor moves only when it was stored. */
  async tick(): Promise<number> {
    const now = this.deps.clock.now();
    const from = this.cursor ?? now;
    if (now <= from) return 0;
    const points = this.deps.generator.generate(from, now);
    await this.deps.accept(points);
    this.cursor = now;
    return points.length;
  }

}
