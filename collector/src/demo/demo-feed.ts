import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Point } from '../core/point';

/** Anything that can produce the points of a time window [fromMs, toMs), chunk-independently. */
export interface PointGenerator {
  generate(fromMs: number, toMs: number): Point[];
}

export interface DemoFeedDeps {
  generator: PointGenerator;
  accept(points: readonly Point[]): Promise<void>;
  clock: Clock;
  logger: Logger;
  /** Size of one backfill chunk in simulated time. */
  chunkMs?: number;
  /** Real milliseconds between two live ticks. */
  tickMs?: number;
}

const DAY_MS = 86_400_000;

/**
 * Feeds the demo company into the pipeline: first its history up to now in chunks (backfill),
 * then, live, whatever falls due between two ticks of the (possibly accelerated) clock.
 */
export class DemoFeed {
  private cursor: number | undefined;
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<void> = Promise.resolve();
  private readonly logger: Logger;

  constructor(private readonly deps: DemoFeedDeps) {
    this.logger = deps.logger.child({ component: 'demo-feed' });
  }

  /** Feeds [fromMs, toMs) and leaves the cursor at toMs. Returns the number of points fed. */
  async backfill(fromMs: number, toMs: number): Promise<number> {
    const chunk = this.deps.chunkMs ?? DAY_MS;
    let fed = 0;
    for (let start = fromMs; start < toMs; start += chunk) {
      const points = this.deps.generator.generate(start, Math.min(start + chunk, toMs));
      await this.deps.accept(points);
      fed += points.length;
    }
    this.cursor = toMs;
    return fed;
  }

  /** Starts live ticks from the cursor (or from now when nothing was backfilled). */
  startLive(): void {
    if (this.timer) return;
    this.cursor ??= this.deps.clock.now();
    this.timer = setInterval(() => {
      this.running = this.running.then(async () => void (await this.tick())).catch((err) => {
        this.logger.error({ err }, 'demo tick failed; the next tick retries the same window');
      });
    }, this.deps.tickMs ?? 5_000);
    this.timer.unref();
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

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
    await this.running;
  }
}
