import type { Logger } from '../core/logger';
import type { Point } from '../core/point';

/** The durable write-ahead spool in front of InfluxDB: resolves once the lines are on disk. */
export interface DurableSpool {
  /** Appends line protocol (text, or its UTF-8 bytes) as one record. */
  append(lineProtocol: string | Buffer): Promise<void>;
}

/** The KPI engine as the pipeline sees it: points in, derived KPI values and rollups out. */
export interface KpiComputation {
  ingest(points: readonly Point[]): { derived: Point[]; rollups: Point[]; warnings: string[] };
  /** Rollups of the periods touched since the last flush (engines that defer them). */
  flushRollups?(): Point[];
}

/** Later stages (rule evaluation) subscribe to every accepted and derived point. */
export type PointsListener = (points: readonly Point[]) => void;

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
   * it is instead of serializing the points again.
   */
  async accept(points: readonly Point[], received?: Buffer): Promise<void> {
    if (points.length === 0) return;
    const computed = this.deps.engine.ingest(points);
    let computedText = '';
    const extra = computed.derived.length + computed.rollups.length;
    if (computed.derived.length > 0) computedText += this.deps.serialize(computed.derived);
    if (computed.rollups.length > 0) computedText += this.deps.serialize(computed.rollups);
    await this.deps.spool.append(
      received ? joinReceived(received, computedText) : this.deps.serialize(points) + computedText,
    );
    this.acceptedPoints += points.length;
    this.computedPoints += extra;
    this.logWarnings(computed.warnings);
    if (this.listeners.length > 0) {
      const all = computed.derived.length > 0 ? [...points, ...computed.derived] : points;
      for (const listener of this.listeners) {
        try {
          listener(all);
        } catch (err) {
          this.logger.error({ err }, 'a points listener failed; the points are stored');
        }
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
    await this.deps.spool.append(this.deps.serialize(rollups));
    this.computedPoints += rollups.length;
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

/** The received line protocol, a newline, then the serialized computed points (if any). */
function joinReceived(received: Buffer, computedText: string): Buffer {
  if (computedText === '') return received;
  const head = received[received.length - 1] === NEWLINE ? received.subarray(0, received.length - 1) : received;
  const tailBytes = Buffer.byteLength(computedText);
  const joined = Buffer.allocUnsafe(head.length + 1 + tailBytes);
  head.copy(joined, 0);
  joined[head.length] = NEWLINE;
  joined.write(computedText, head.length + 1, 'utf8');
  return joined;
}
