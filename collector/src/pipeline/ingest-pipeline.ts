import type { Logger } from '../core/logger';
import type { Point } from '../core/point';
import { isPointColumns, pointsOf, withColumns, type PointsInput, type StoredPoints } from '../ingest/point-columns';

/** The durable write-ahead spool in front of InfluxDB: resolves once the lines are on disk. */
export interface DurableSpool {
  /**
   * Appends line protocol (text, its UTF-8 bytes, or consecutive pieces of either) as one record;
   * `lineCount`, when given, is its exact number of lines.
   */
  append(lineProtocol: string | Buffer | readonly (string | Buffer)[], lineCount?: number): Promise<void>;
}

/** The KPI engine as the pipeline sees it: points in, derived KPI values and rollups out. */
export interface KpiComputation {
  /** Points as `Point`s or, from the ingest hot path, in columns. */
  ingest(points: PointsInput): { derived: Point[]; rollups: Point[]; warnings: string[] };
  /** Rollups of the periods touched since the last flush (engines that defer them). */
  flushRollups?(): Point[];
}

/**
 * Later stages (rule evaluation) subscribe to every stored point: accepted, derived and rollup
 * points (rollups carry `kpi` = `rollup_daily|weekly|monthly` and the KPI id in the tag `kpi`).
 * Accepted points that came in columns come with them (see StoredPoints).
 */
export type PointsListener = (points: StoredPoints) => void;

export interface IngestPipelineDeps {
  spool: DurableSpool;
  engine: KpiComputation;
  serialize(points: readonly Point[]): string;
  logger: Logger;
  /** How long a repeated engine warning stays quiet in the log. */
  warningQuietMs?: number;
  now?: () => number;
}

/**
 * ingest → compute KPIs → store. `accept` resolves only after the points (and the KPI values
 * computed from them) are durably in the spool, so a 2xx reply never loses a point; the spool's
 * shipper moves them to InfluxDB. Listeners see the points after they are durable.
 */
export class IngestPipeline {
  private readonly listeners: PointsListener[] = [];
  private readonly warnedAt = new Map<string, number>();
  private readonly logger: Logger;
  private acceptedPoints = 0;
  private computedPoints = 0;

  constructor(private readonly deps: IngestPipelineDeps) {
    this.logger = deps.logger.child({ component: 'ingest-pipeline' });
  }

  onPoints(listener: PointsListener): void {
    this.listeners.push(listener);
  }

  /**
   * Computes KPIs from `points` and appends the points and the computed values to the spool as one
   * record. `received`, when given, must be exactly the points' line protocol (one line each, in
   * order, as the serializer would write them; see `IngestResult.canonicalBody`): it is stored as
   * it is instead of serializing the points again. Points given in columns become `Point` objects
   * only when a listener needs them.
   */
  async accept(points: PointsInput, received?: Buffer): Promise<void> {
    if (points.length === 0) return;
    const computed = this.deps.engine.ingest(points);
    let computedText = '';
    const extra = computed.derived.length + computed.rollups.length;
    if (computed.derived.length > 0) computedText += this.deps.serialize(computed.derived);
    if (computed.rollups.length > 0) computedText += this.deps.serialize(computed.rollups);
    const lines = points.length + extra;
    if (received === undefined) await this.deps.spool.append(this.deps.serialize(pointsOf(points)) + computedText, lines);
    else if (computedText === '') await this.deps.spool.append(received, lines);
    else await this.deps.spool.append(received[received.length - 1] === NEWLINE ? [received, computedText] : [received, '\n', computedText], lines);
    this.acceptedPoints += points.length;
    this.computedPoints += extra;
    this.logWarnings(computed.warnings);
    if (this.listeners.length > 0) {
      const stored = pointsOf(points);
      if (isPointColumns(points)) this.notify(withColumns([...stored, ...computed.derived, ...computed.rollups], points));
      else this.notify(extra > 0 ? [...stored, ...computed.derived, ...computed.rollups] : stored);
    }
  }

  /** Hands stored points to every listener; a failing listener never affects the others. */
  private notify(points: StoredPoints): void {
    for (const listener of this.listeners) {
      try {
        listener(points);
      } catch (err) {
        this.logger.error({ err }, 'a points listener failed; the points are stored');
      }
    }
  }

  /**
   * Stores the rollups the engine deferred (called on a timer and after each backfill chunk), so a
   * live stream writes each period's rollup once per flush rather than once per request.
   */
  async flushRollups(): Promise<number> {
    const rollups = this.deps.engine.flushRollups?.() ?? [];
    if (rollups.length === 0) return 0;
    await this.deps.spool.append(this.deps.serialize(rollups), rollups.length);
    this.computedPoints += rollups.length;
    if (this.listeners.length > 0) this.notify(rollups);
    return rollups.length;
  }

  stats(): { acceptedPoints: number; computedPoints: number } {
    return { acceptedPoints: this.acceptedPoints, computedPoints: this.computedPoints };
  }

  private logWarnings(warnings: readonly string[]): void {
    if (warnings.length === 0) return;
    const now = (this.deps.now ?? Date.now)();
    const quiet = this.deps.warningQuietMs ?? 60_000;
    for (const warning of warnings) {
      const last = this.warnedAt.get(warning);
      if (last !== undefined && now - last < quiet) continue;
      this.warnedAt.set(warning, now);
      this.logger.warn({ warning }, 'KPI engine warning');
    }
    if (this.warnedAt.size > 10_000) this.warnedAt.clear();
  }
}

const NEWLINE = 10;
