import { systemClock, type Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import type { InfluxPrecision } from './influx-client';
import { InfluxRequestError } from './influx-client';
import { backoffDelayMs, DEFAULT_BACKOFF, type BackoffPolicy } from './retry-backoff';
import { comparePositions, type Spool, type SpoolDepth, type SpoolPosition, type SpoolRecord } from './spool';

/** The part of `InfluxClient` the writer uses. */
export interface InfluxWriteTarget {
  /** Writes line protocol given as text, bytes, or consecutive pieces of bytes. */
  write(
    lineProtocol: string | Uint8Array | readonly Uint8Array[],
    options?: { precision?: InfluxPrecision; retentionPolicy?: string },
  ): Promise<void>;
}

/** Options of the shipper. */
export interface InfluxWriterOptions {
  readonly spool: Spool;
  readonly client: InfluxWriteTarget;
  readonly logger: Logger;
  /** For lag and timestamps. Default: system clock. */
  readonly clock?: Clock;
  /** Records are coalesced into batches of up to this many lines (a bigger record ships alone). Default 5,000. */
  readonly maxBatchLines?: number;
  /**
   * Batches written concurrently. Default 1: InfluxDB may apply concurrent writes in any order,
   * so more is safe only where no point is ever corrected (same series and time) soon after.
   */
  readonly maxInFlight?: number;
  /** Retention policy written to; default: the database's default (autogen). */
  readonly retentionPolicy?: string;
  readonly backoff?: BackoffPolicy;
  /** Waits between retries; must resolve early (or reject) when `signal` aborts. Injected in tests. */
  readonly sleep?: (ms: number, signal: AbortSignal) => Promise<void>;
  /** [0, 1) source of jitter. Injected (seeded) in tests. */
  readonly random?: () => number;
}

/** Shipper figures for health checks and benchmarks. */
export interface InfluxWriterStats {
  readonly shippedPoints: number;
  readonly shippedRecords: number;
  readonly shippedBatches: number;
  /** Write attempts that failed and were retried. */
  readonly retries: number;
  readonly rejectedRecords: number;
  readonly lastError: { readonly code: string; readonly message: string; readonly atMs: number } | undefined;
  /** Age of the oldest record not yet shipped (0 when the spool is drained). */
  readonly lagMs: number;
  /** True while InfluxDB is failing and batches are being retried. */
  readonly outage: boolean;
  readonly inFlightBatches: number;
  readonly spool: SpoolDepth;
}

interface Batch {
  readonly records: readonly SpoolRecord[];
  readonly lines: number;
  state: 'sending' | 'done' | 'abandoned';
}

class Abandoned extends Error {}

/** Wakes waiters whenever something changed; `wait(seen)` returns at once if it already did. */
class ChangeSignal {
  version = 0;
  private waiters: Array<() => void> = [];
  notify(): void {
    this.version++;
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }
  wait(seen: number): Promise<void> {
    if (this.version !== seen) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }
}

const defaultSleep = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    }
    signal.addEventListener('abort', done);
  });

/** A 400 that concerns the data itself (the record can never be written as it is). */
function isRecordRejection(error: unknown): boolean {
  return (
    error instanceof InfluxRequestError &&
    error.code === ErrorCodes.STORAGE_REJECTED &&
    (error.influxStatus === 413 ||
      (error.influxStatus === 400 &&
        /partial write|unable to parse|field type conflict|invalid|bad timestamp|max-values-per-tag|beyond retention/i.test(
          error.message,
        )))
  );
}

/**
 * The shipper: reads records from the spool in order, coalesces them into batches of up to
 * `maxBatchLines` lines, writes up to `maxInFlight` batches to InfluxDB at once and advances the
 * spool's checkpoint strictly in spool order once each batch got a 2xx.
 *
 * - InfluxDB unreachable / 5xx / timeout (or a 401/403/404 that is not about the data): the batch
 *   is retried with exponential backoff and jitter; meanwhile only the oldest batch is retried and
 *   the spool keeps growing. Batches replay in order once InfluxDB is back.
 * - A 400 about the data (parse error, field type conflict): a coalesced batch is retried record by
 *   record, and a record still refused is moved to the spool's rejected/ folder with InfluxDB's
 *   message, then acknowledged — the queue never blocks on it, and nothing is dropped silently.
 *   (InfluxDB 1.x stores the valid lines of a partially refused request.)
 * - At-least-once: a crash between InfluxDB's 2xx and the checkpoint write means the batch is
 *   written again after restart. Harmless: a point with the same series and timestamp overwrites
 *   itself in InfluxDB.
 */
export class InfluxWriter {
  private readonly spool: Spool;
  private readonly client: InfluxWriteTarget;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly maxBatchLines: number;
  private readonly maxInFlight: number;
  private readonly retentionPolicy: string | undefined;
  private readonly backoff: BackoffPolicy;
  private readonly sleep: (ms: number, signal: AbortSignal) => Promise<void>;
  private readonly random: () => number;

  private readonly change = new ChangeSignal();
  private readonly inFlight: Batch[] = [];
  private readonly shipping = new Set<Promise<void>>();
  private commitChain: Promise<void> = Promise.resolve();
  private abort = new AbortController();
  private loop: Promise<void> | undefined;
  private unsubscribe: (() => void) | undefined;
  private stopping = false;
  private outage = false;
  private outageStartedMs = 0;
  private counters = { shippedPoints: 0, shippedRecords: 0, shippedBatches: 0, retries: 0, rejectedRecords: 0 };
  private lastError: InfluxWriterStats['lastError'];

  constructor(options: InfluxWriterOptions) {
    this.spool = options.spool;
    this.client = options.client;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.maxBatchLines = options.maxBatchLines ?? 5_000;
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
    this.retentionPolicy = options.retentionPolicy;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.sleep = options.sleep ?? defaultSleep;
    this.random = options.random ?? Math.random;
  }

  /** Starts shipping from the spool's checkpoint. */
  start(): void {
    if (this.loop) throw new Error('InfluxWriter.start() called twice');
    this.stopping = false;
    this.abort = new AbortController();
    this.unsubscribe = this.spool.onDurable(() => this.change.notify());
    this.loop = this.run().catch((error: unknown) => {
      this.logger.error({ err: error }, 'influx writer stopped by an unexpected error');
    });
  }

  /**
   * Stops reading new records, cuts retry waits short, and waits for writes already on the wire.
   * Unshipped records stay in the spool for the next start.
   */
  async stop(): Promise<void> {
    if (!this.loop) return;
    this.stopping = true;
    this.abort.abort();
    this.change.notify();
    await this.loop;
    await Promise.all([...this.shipping]);
    await this.commitChain;
    this.unsubscribe?.();
    // Unacknowledged batches stay in the spool; a later start() reads them again from the checkpoint.
    this.inFlight.length = 0;
    this.outage = false;
    this.loop = undefined;
  }

  /**
   * Resolves once everything appended to the spool before the call is in InfluxDB (or in
   * rejected/) and the checkpoint is durable. Throws STORAGE_UNAVAILABLE after `timeoutMs`.
   */
  async flush(options: { timeoutMs?: number } = {}): Promise<void> {
    if (!this.loop || this.stopping) throw new Error('InfluxWriter.flush() needs a started writer');
    await this.spool.sync();
    const target = this.spool.durableEnd;
    const deadline = options.timeoutMs === undefined ? undefined : Date.now() + options.timeoutMs;
    for (;;) {
      const seen = this.change.version;
      if (comparePositions(this.spool.checkpoint, target) >= 0) break;
      if (deadline === undefined) {
        await this.change.wait(seen);
        continue;
      }
      const left = deadline - Date.now();
      if (left <= 0) {
        throw new FinmonError(
          ErrorCodes.STORAGE_UNAVAILABLE,
          `InfluxDB writer: ${this.spool.depth().records} spool records still unshipped after ${options.timeoutMs} ms` +
            (this.lastError ? ` (last error: ${this.lastError.message})` : ''),
          503,
          true,
        );
      }
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.change.wait(seen), new Promise((r) => (timer = setTimeout(r, left)))]);
      clearTimeout(timer);
    }
    await this.commitChain;
  }

  /** Current figures. */
  stats(): InfluxWriterStats {
    const oldest = this.inFlight[0]?.records[0];
    return {
      ...this.counters,
      lastError: this.lastError,
      lagMs: oldest ? Math.max(0, this.clock.now() - oldest.appendedAtMs) : 0,
      outage: this.outage,
      inFlightBatches: this.inFlight.length,
      spool: this.spool.depth(),
    };
  }

  private async run(): Promise<void> {
    let position: SpoolPosition = this.spool.checkpoint;
    let readFailures = 0;
    while (!this.stopping) {
      const seen = this.change.version;
      const capacity = this.outage ? 1 : this.maxInFlight;
      if (this.inFlight.length >= capacity) {
        await this.change.wait(seen);
        continue;
      }
      let read: { records: SpoolRecord[]; next: SpoolPosition };
      try {
        read = await this.spool.read(position, { maxLines: this.maxBatchLines });
        readFailures = 0;
      } catch (error) {
        this.noteError(error, 'reading the spool failed');
        await this.sleep(backoffDelayMs(readFailures++, this.backoff, this.random), this.abort.signal);
        continue;
      }
      position = read.next;
      if (read.records.length === 0) {
        await this.change.wait(seen);
        continue;
      }
      const batch: Batch = {
        records: read.records,
        lines: read.records.reduce((n, r) => n + r.lineCount, 0),
        state: 'sending',
      };
      this.inFlight.push(batch);
      const shipping = this.ship(batch);
      this.shipping.add(shipping);
      void shipping.finally(() => this.shipping.delete(shipping));
    }
  }

  private async ship(batch: Batch): Promise<void> {
    try {
      await this.shipRecords(batch.records, batch);
      batch.state = 'done';
    } catch (error) {
      batch.state = 'abandoned';
      if (!(error instanceof Abandoned)) this.logger.error({ err: error }, 'influx writer: shipping a batch failed');
    }
    this.commitShipped();
    this.change.notify();
  }

  /** Acknowledges finished batches at the head of the queue, strictly in spool order. */
  private commitShipped(): void {
    while (this.inFlight[0]?.state === 'done') {
      const batch = this.inFlight.shift()!;
      this.commitChain = this.commitChain
        .then(() => this.spool.acknowledge(batch.records))
        .then(
          () => {
            this.counters.shippedBatches++;
            this.counters.shippedRecords += batch.records.length;
            this.counters.shippedPoints += batch.lines;
            this.change.notify();
          },
          (error: unknown) => this.noteError(error, 'writing the spool checkpoint failed'),
        );
    }
  }

  private async shipRecords(records: readonly SpoolRecord[], batch: Batch): Promise<void> {
    const body = joinPayloads(records);
    for (let attempt = 0; ; attempt++) {
      await this.awaitTurn(batch);
      try {
        await this.client.write(body, {
          precision: 'ns',
          ...(this.retentionPolicy ? { retentionPolicy: this.retentionPolicy } : {}),
        });
        this.endOutage();
        return;
      } catch (error) {
        if (isRecordRejection(error)) {
          if (records.length > 1) {
            for (const record of records) await this.shipRecords([record], batch);
          } else {
            await this.rejectRecord(records[0]!, error as FinmonError);
          }
          return;
        }
        this.beginOutage(error);
        this.counters.retries++;
        await this.sleep(backoffDelayMs(attempt, this.backoff, this.random), this.abort.signal);
      }
    }
  }

  /** While InfluxDB is failing, only the oldest batch keeps trying; the others wait their turn. */
  private async awaitTurn(batch: Batch): Promise<void> {
    for (;;) {
      if (this.stopping) throw new Abandoned();
      if (!this.outage || this.inFlight[0] === batch) return;
      await this.change.wait(this.change.version);
    }
  }

  private async rejectRecord(record: SpoolRecord, error: FinmonError): Promise<void> {
    const file = await this.spool.reject(record, error.message);
    this.counters.rejectedRecords++;
    this.noteError(error, 'InfluxDB rejected a spool record; moved to rejected/');
    this.logger.error({ code: ErrorCodes.STORAGE_REJECTED, file, lines: record.lineCount }, error.message);
    this.endOutage();
  }

  private beginOutage(error: unknown): void {
    this.noteError(error, undefined);
    if (this.outage) return;
    this.outage = true;
    this.outageStartedMs = this.clock.now();
    this.logger.warn(
      { code: this.lastError?.code, spool: this.spool.depth() },
      `InfluxDB write failed, retrying with backoff; points wait in the spool: ${this.lastError?.message}`,
    );
  }

  private endOutage(): void {
    if (!this.outage) return;
    this.outage = false;
    this.logger.info(
      { downMs: this.clock.now() - this.outageStartedMs, spool: this.spool.depth() },
      'InfluxDB writes succeed again; replaying the spool',
    );
    this.change.notify();
  }

  private noteError(error: unknown, logMessage: string | undefined): void {
    const code = error instanceof FinmonError ? error.code : 'UNEXPECTED';
    const raw = typeof error === 'object' && error !== null ? (error as { message?: unknown }).message : undefined;
    const message = typeof raw === 'string' ? raw : String(error);
    this.lastError = { code, message, atMs: this.clock.now() };
    if (logMessage) this.logger.error({ code, err: error }, logMessage);
  }
}

/** The records' payloads as pieces to send in order, a newline between records (nothing is copied). */
function joinPayloads(records: readonly SpoolRecord[]): Uint8Array | readonly Uint8Array[] {
  if (records.length === 1 && records[0]!.chunks.length === 1) return records[0]!.chunks[0]!;
  const parts: Buffer[] = [];
  for (const [i, record] of records.entries()) {
    if (i > 0) parts.push(NEWLINE);
    for (const chunk of record.chunks) parts.push(chunk);
  }
  return parts;
}

const NEWLINE = Buffer.from('\n');
