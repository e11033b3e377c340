import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Point } from '../core/point';
import { serializeLineProtocol, serializePoint } from '../ingest/line-protocol/serialize-line-protocol';
import { backoffDelayMs, type BackoffPolicy } from '../storage/influx/retry-backoff';
import { BoundedQueue } from './bounded-queue';
import { realLiveTimers, type LiveTimers } from './live-timers';

/** Where to push: Grafana's root URL, a service-account token (a secret) and the stream id. */
export interface GrafanaLiveTarget {
  readonly url: string;
  readonly token: string;
  readonly stream: string;
}

export interface GrafanaLivePushOptions {
  readonly target: GrafanaLiveTarget;
  readonly logger: Logger;
  /** Decides which points are still live (`maxAgeMs`); the demo's accelerated clock works too. */
  readonly clock: Clock;
  /** Batch delay, backoff, request timeout and stop deadline. Default: real (unref'd) timers. */
  readonly timers?: LiveTimers;
  readonly fetch?: typeof fetch;
  /** A request carries at most this many lines. Default 5,000. */
  readonly maxBatchLines?: number;
  /** A queued point waits at most about this long for a batch to fill. Default 1 s. */
  readonly batchDelayMs?: number;
  /** Lines waiting beyond this evict the oldest (counted in `dropped.overflow`). Default 50,000. */
  readonly maxQueueLines?: number;
  /** Points older than this by `clock` are not pushed (backfills must not flood Grafana). Default 10 min. */
  readonly maxAgeMs?: number;
  /** A request not answered within this is aborted and counts as failed. Default 10 s. */
  readonly requestTimeoutMs?: number;
  /** Wait after consecutive failures. Default 1 s doubling up to 30 s, no jitter. */
  readonly backoff?: BackoffPolicy;
  /** How long `stop()` keeps pushing what is queued. Default 2 s. */
  readonly stopDeadlineMs?: number;
}

/** Figures for the health endpoint. Never contains the token. */
export interface GrafanaLiveStats {
  /** The push URL (`<url>/api/live/push/<stream>`). */
  readonly endpoint: string;
  readonly queuedLines: number;
  readonly pushedLines: number;
  readonly pushedRequests: number;
  /** Requests that failed (HTTP error, network error, timeout); their lines are dropped. */
  readonly failures: number;
  readonly consecutiveFailures: number;
  /** Lines given up on, in all. */
  readonly droppedLines: number;
  readonly dropped: {
    /** Evicted from a full queue (oldest first). */
    readonly overflow: number;
    /** In a request that failed. */
    readonly failedRequests: number;
    /** Not expressible as line protocol (a programming error upstream). */
    readonly unserializable: number;
    /** Still queued when `stop()`'s deadline passed. */
    readonly atStop: number;
  };
  /** Points not queued because they were older than `maxAgeMs` (backfills, late data). */
  readonly skippedOldPoints: number;
  /** True while waiting after a failure before the next request. */
  readonly backingOff: boolean;
  readonly lastError: { readonly message: string; readonly atMs: number } | null;
  readonly lastPushAtMs: number | null;
}

/** Analytics measurements: written for dashboards' queries, not streamed. */
const NOT_LIVE = new Set(['kpi_band', 'kpi_forecast', 'alert_events']);

/** Whether points of this measurement are pushed live: raw and derived KPIs; not rollups or analytics. */
export function isLiveMeasurement(kpi: string): boolean {
  return !kpi.startsWith('rollup_') && !NOT_LIVE.has(kpi);
}

const DEFAULT_BACKOFF: BackoffPolicy = { initialMs: 1_000, maxMs: 30_000, factor: 2, jitter: 0 };

/**
 * Pushes live KPI points to Grafana Live: `POST <url>/api/live/push/<stream>` with line protocol,
 * which Grafana publishes on channel `stream/<stream>/<kpi>` for dashboards to subscribe to.
 *
 * `offer()` is the ingest pipeline's listener: it only filters and queues, never waits or throws.
 * A batch goes out when 5,000 lines are queued or 1 s after its first point, one request at a
 * time. A failed batch is dropped and counted (live data is also in InfluxDB; replaying it late
 * would only confuse a live panel), then pushing pauses 1 s, 2 s, 4 s … up to 30 s. While Grafana is
 * down the queue is bounded and evicts the oldest lines.
 */
export class GrafanaLivePush {
  private readonly endpoint: string;
  private readonly token: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly timers: LiveTimers;
  private readonly fetchImpl: typeof fetch;
  private readonly maxBatchLines: number;
  private readonly batchDelayMs: number;
  private readonly maxAgeMs: number;
  private readonly requestTimeoutMs: number;
  private readonly backoff: BackoffPolicy;
  private readonly stopDeadlineMs: number;
  private readonly queue: BoundedQueue<Point>;

  private batchTimer: unknown;
  /** The batch delay of the oldest queued point has passed: send whatever is queued. */
  private batchDue = false;
  private backoffTimer: unknown;
  private inFlight: Promise<boolean> | undefined;
  private abortInFlight: (() => void) | undefined;
  /** Set by `stop()`: no more points are taken, no timers armed. */
  private closed = false;
  private stopping: Promise<void> | undefined;
  private overflowLogged = false;

  private pushedLines = 0;
  private pushedRequests = 0;
  private failures = 0;
  private consecutiveFailures = 0;
  private droppedOverflow = 0;
  private droppedFailed = 0;
  private droppedUnserializable = 0;
  private droppedAtStop = 0;
  private skippedOld = 0;
  private lastError: { message: string; atMs: number } | null = null;
  private lastPushAtMs: number | null = null;

  constructor(options: GrafanaLivePushOptions) {
    const { target } = options;
    this.endpoint = pushEndpoint(target.url, target.stream);
    this.token = target.token;
    this.logger = options.logger;
    this.clock = options.clock;
    this.timers = options.timers ?? realLiveTimers;
    this.fetchImpl = options.fetch ?? fetch;
    this.maxBatchLines = options.maxBatchLines ?? 5_000;
    this.batchDelayMs = options.batchDelayMs ?? 1_000;
    this.maxAgeMs = options.maxAgeMs ?? 10 * 60_000;
    this.requestTimeoutMs = options.requestTimeoutMs ?? 10_000;
    this.backoff = options.backoff ?? DEFAULT_BACKOFF;
    this.stopDeadlineMs = options.stopDeadlineMs ?? 2_000;
    this.queue = new BoundedQueue(options.maxQueueLines ?? 50_000);
    this.logger.info({ endpoint: this.endpoint }, 'pushing live KPI points to Grafana Live');
  }

  /** Queues the live ones of `points` (the pipeline's listener). Returns at once; never throws. */
  offer(points: readonly Point[]): void {
    if (this.closed || points.length === 0) return;
    const oldest = this.clock.now() - this.maxAgeMs;
    let evicted = 0;
    for (const point of points) {
      if (!isLiveMeasurement(point.kpi)) continue;
      if (point.time < oldest) {
        this.skippedOld++;
        continue;
      }
      if (this.queue.push(point)) evicted++;
    }
    if (evicted > 0) {
      this.droppedOverflow += evicted;
      if (!this.overflowLogged) {
        this.overflowLogged = true;
        this.logger.warn(
          { queuedLines: this.queue.length, droppedLines: this.droppedOverflow },
          'Grafana Live push queue is full: dropping the oldest points until Grafana takes them again',
        );
      }
    }
    this.pump();
  }

  stats(): GrafanaLiveStats {
    return {
      endpoint: this.endpoint,
      queuedLines: this.queue.length,
      pushedLines: this.pushedLines,
      pushedRequests: this.pushedRequests,
      failures: this.failures,
      consecutiveFailures: this.consecutiveFailures,
      droppedLines: this.droppedOverflow + this.droppedFailed + this.droppedUnserializable + this.droppedAtStop,
      dropped: {
        overflow: this.droppedOverflow,
        failedRequests: this.droppedFailed,
        unserializable: this.droppedUnserializable,
        atStop: this.droppedAtStop,
      },
      skippedOldPoints: this.skippedOld,
      backingOff: this.backoffTimer !== undefined,
      lastError: this.lastError,
      lastPushAtMs: this.lastPushAtMs,
    };
  }

  /** Resolves once no request is in flight (a request a finished one starts is waited for too). */
  async settled(): Promise<void> {
    while (this.inFlight !== undefined) await this.inFlight;
  }

  /**
   * Stops taking points and pushes what is queued (after the request in flight) until the queue
   * is empty, a request fails, or `deadlineMs` passes (the request then in flight is aborted).
   * What is left is dropped and counted. Idempotent.
   */
  stop(deadlineMs: number = this.stopDeadlineMs): Promise<void> {
    if (this.stopping === undefined) {
      this.closed = true;
      this.stopping = this.finish(deadlineMs);
    }
    return this.stopping;
  }

  /** Starts a request when one is due and none is in flight or backing off; arms the batch timer. */
  private pump(): void {
    if (this.closed) return;
    if (this.queue.length === 0) {
      this.batchDue = false;
      this.clearBatchTimer();
      return;
    }
    if (this.batchTimer === undefined && !this.batchDue) {
      this.batchTimer = this.timers.setTimeout(() => {
        this.batchTimer = undefined;
        this.batchDue = true;
        this.pump();
      }, this.batchDelayMs);
    }
    if (this.inFlight !== undefined || this.backoffTimer !== undefined) return;
    if (this.batchDue || this.queue.length >= this.maxBatchLines) void this.sendNext();
  }

  /** Sends the oldest batch; resolves true on success. Never rejects. */
  private sendNext(): Promise<boolean> {
    this.batchDue = false;
    const batch = this.queue.take(this.maxBatchLines);
    const sent = this.push(batch).then((ok) => {
      this.inFlight = undefined;
      this.afterPush(ok);
      return ok;
    });
    this.inFlight = sent;
    return sent;
  }

  private afterPush(ok: boolean): void {
    if (this.closed) return;
    if (!ok) {
      const delay = backoffDelayMs(this.consecutiveFailures - 1, this.backoff, Math.random);
      this.backoffTimer = this.timers.setTimeout(() => {
        this.backoffTimer = undefined;
        this.pump();
      }, delay);
      this.logger.warn(
        { error: this.lastError?.message, consecutiveFailures: this.consecutiveFailures, droppedLines: this.droppedFailed, retryInMs: delay },
        'Grafana Live push failed; the batch is dropped (the points are stored in InfluxDB)',
      );
    }
    this.pump();
  }

  /** One request. Resolves true on a 2xx; records and resolves false on any failure. */
  private async push(batch: readonly Point[]): Promise<boolean> {
    const { body, lines } = this.serialize(batch);
    if (lines === 0) return true;
    const controller = new AbortController();
    let timedOut = false;
    const timer = this.timers.setTimeout(() => {
      timedOut = true;
      controller.abort();
    }, this.requestTimeoutMs);
    this.abortInFlight = () => controller.abort();
    try {
      const response = await this.fetchImpl(this.endpoint, {
        method: 'POST',
        headers: { authorization: `Bearer ${this.token}`, 'content-type': 'text/plain' },
        body,
        signal: controller.signal,
      });
      const answer = await response.text();
      if (!response.ok) {
        this.recordFailure(lines, `Grafana answered HTTP ${response.status}${statusHint(response.status)}${quoteAnswer(answer)}`);
        return false;
      }
      this.pushedLines += lines;
      this.pushedRequests++;
      this.lastPushAtMs = this.clock.now();
      if (this.consecutiveFailures > 0) {
        this.logger.info({ failedRequests: this.consecutiveFailures }, 'Grafana Live push works again');
      }
      this.consecutiveFailures = 0;
      this.overflowLogged = false;
      return true;
    } catch (err) {
      const message = timedOut
        ? `Grafana did not answer within ${this.requestTimeoutMs} ms`
        : controller.signal.aborted
          ? 'stopped before Grafana answered'
          : describeNetworkError(err);
      this.recordFailure(lines, message);
      return false;
    } finally {
      this.timers.clearTimeout(timer);
      this.abortInFlight = undefined;
    }
  }

  private recordFailure(lines: number, message: string): void {
    this.failures++;
    this.consecutiveFailures++;
    this.droppedFailed += lines;
    this.lastError = { message: this.withoutToken(message), atMs: this.clock.now() };
  }

  /** The batch as line protocol; a point the serializer refuses is dropped, counted and logged. */
  private serialize(batch: readonly Point[]): { body: string; lines: number } {
    try {
      return { body: serializeLineProtocol(batch), lines: batch.length };
    } catch {
      const lines: string[] = [];
      for (const point of batch) {
        try {
          lines.push(point.line ?? serializePoint(point));
        } catch (err) {
          this.droppedUnserializable++;
          this.logger.error({ error: (err as Error).message }, 'a point cannot be written as line protocol; not pushed to Grafana Live');
        }
      }
      return { body: lines.length === 0 ? '' : `${lines.join('\n')}\n`, lines: lines.length };
    }
  }

  private async finish(deadlineMs: number): Promise<void> {
    this.clearBatchTimer();
    if (this.backoffTimer !== undefined) {
      this.timers.clearTimeout(this.backoffTimer);
      this.backoffTimer = undefined;
    }
    let expired = false;
    let deadlineTimer: unknown;
    const deadline = new Promise<void>((resolve) => {
      deadlineTimer = this.timers.setTimeout(() => {
        expired = true;
        this.abortInFlight?.();
        resolve();
      }, deadlineMs);
    });
    const flushing = (async () => {
      if (this.inFlight !== undefined) await this.inFlight;
      while (!expired && this.queue.length > 0) {
        if (!(await this.sendNext())) break;
      }
    })();
    await Promise.race([flushing, deadline]);
    await flushing;
    this.timers.clearTimeout(deadlineTimer);
    const left = this.queue.length;
    this.queue.clear();
    this.droppedAtStop += left;
    const { pushedLines, droppedLines, failures } = this.stats();
    if (left > 0) {
      this.logger.warn({ droppedLines: left, error: this.lastError?.message }, 'Grafana Live push stopped with points still queued; they are dropped');
    }
    this.logger.info({ pushedLines, droppedLines, failures }, 'Grafana Live push stopped');
  }

  private clearBatchTimer(): void {
    if (this.batchTimer === undefined) return;
    this.timers.clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
  }

  /** Defence in depth: no text this module keeps or logs may carry the token. */
  private withoutToken(text: string): string {
    return this.token === '' ? text : text.split(this.token).join('[redacted]');
  }
}

/** `<url>/api/live/push/<stream>`, without any user name or password in the URL. */
export function pushEndpoint(url: string, stream: string): string {
  const parsed = new URL(url);
  parsed.username = '';
  parsed.password = '';
  parsed.search = '';
  parsed.hash = '';
  return `${parsed.toString().replace(/\/+$/, '')}/api/live/push/${encodeURIComponent(stream)}`;
}

function statusHint(status: number): string {
  if (status === 401) return ' (Grafana refused the token: check FINMON_GRAFANA_TOKEN)';
  if (status === 403) return ' (the service account may not push: Grafana asks for the Admin role)';
  if (status === 404) return ' (is FINMON_GRAFANA_URL the root of a Grafana 8+ with Live enabled?)';
  return '';
}

function quoteAnswer(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '';
  return `: ${oneLine.length > 200 ? `${oneLine.slice(0, 200)}…` : oneLine}`;
}

/** fetch's "fetch failed" plus the cause that says why (ECONNREFUSED, ENOTFOUND, …). */
function describeNetworkError(err: unknown): string {
  // Duck-typed: fetch's errors may come from another realm (instanceof Error fails there).
  const e = err as { message?: unknown; cause?: { code?: unknown; message?: unknown } } | null | undefined;
  if (typeof e?.message !== 'string') return String(err);
  const cause = e.cause;
  const why = typeof cause?.code === 'string' ? cause.code : typeof cause?.message === 'string' ? cause.message : undefined;
  return why === undefined ? e.message : `${e.message}: ${why}`;
}
