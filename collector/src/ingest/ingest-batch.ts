import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Point } from '../core/point';
import { sharedColumnarIngest } from './columnar-ingest';
import { parseJsonBatch } from './json-batch/parse-json-batch';
import {
  isPrecision,
  lineExcerpt,
  PRECISIONS,
  scanLineProtocol,
  type Precision,
} from './line-protocol/parse-line-protocol';
import type { PointColumns } from './point-columns';
import { DEFAULT_POINT_LIMITS, validatePoint, type KpiLookup, type PointLimits } from './validate-point';

/**
 * Ingest of one pushed request body: parse (line protocol or JSON), validate every point against
 * the KPI catalog, keep every good point of a mixed batch and list every bad line or item with
 * its reason. Pure: no I/O; the clock is read once per batch, so every point without a timestamp
 * gets the same time. The HTTP layer maps the result to a status code; body size is its job.
 */

export interface IngestLimits extends PointLimits {
  /** Most data lines a line protocol body may hold (default 100,000). */
  readonly maxLines: number;
  /** Most items a JSON batch may hold (default 100,000). */
  readonly maxPoints: number;
  /** Most rejections listed in a result; the rest are only counted (default 1,000). */
  readonly maxListedRejections: number;
}

export const DEFAULT_INGEST_LIMITS: IngestLimits = Object.freeze({
  ...DEFAULT_POINT_LIMITS,
  maxLines: 100_000,
  maxPoints: 100_000,
  maxListedRejections: 1_000,
});

export interface IngestOptions {
  readonly catalog: KpiLookup;
  readonly clock: Clock;
  readonly limits?: Partial<IngestLimits>;
}

export interface LineProtocolIngestOptions extends IngestOptions {
  /** Unit of the timestamps in the body (default ns). */
  readonly precision?: Precision;
}

/** A line (line protocol, 1-based `line`) or item (JSON, 0-based `index`) that was not stored. */
export interface IngestRejection {
  readonly line?: number;
  readonly index?: number;
  readonly reason: string;
  /** The offending line, truncated to about 200 characters (line protocol only). */
  readonly text?: string;
}

export interface IngestResult {
  /** Every accepted point, in body order (built on first access when `columns` is set). */
  readonly points: Point[];
  /**
   * The accepted points in columns, set when the body took the hot path (see columnar-ingest.ts):
   * hand these on instead of `points` to skip building a `Point` object per line.
   */
  readonly columns?: PointColumns;
  /** The first `maxListedRejections` rejections, in body order. */
  readonly rejected: IngestRejection[];
  /** All rejections, listed or not; `rejectedTotal - rejected.length` were left out of the list. */
  readonly rejectedTotal: number;
  /**
   * True when the body is exactly the accepted points' received `line`s joined by "\n" (with at
   * most one trailing "\n"): nothing was rejected, skipped or rewritten, so storage may keep the
   * received text as it is instead of serializing the points again.
   */
  readonly canonicalBody?: boolean;
}

/**
 * Parses and validates a line protocol body, given as text or as the received bytes (UTF-8). Throws
 * `FinmonError(INGEST_BODY_TOO_LARGE, 413)` when it holds more than `maxLines` data lines;
 * everything else is reported per line. For bytes, a body of plain lines takes the hot path
 * (`columns` set, same outcome), and `canonicalBody` says the bytes themselves can be stored (it is
 * false when invalid UTF-8 was replaced while decoding). O(body length).
 */
export function ingestLineProtocol(body: string | Buffer, options: LineProtocolIngestOptions): IngestResult {
  if (typeof body === 'string') return ingestLineProtocolText(body, options);
  if ((options.precision ?? 'ns') === 'ns') {
    const limits = resolveLimits(options.limits);
    const columns = sharedColumnarIngest.ingest(body, options.catalog, options.clock.now(), limits, limits.maxLines);
    if (columns !== undefined) return new ColumnarIngestResult(columns);
  }
  const text = body.toString('utf8');
  const result = ingestLineProtocolText(text, options);
  return result.canonicalBody === true && text.includes('\uFFFD') ? { ...result, canonicalBody: false } : result;
}

/** A body the hot path accepted whole: no rejections, canonical, points built on demand. */
class ColumnarIngestResult implements IngestResult {
  readonly rejected: IngestRejection[] = [];
  readonly rejectedTotal = 0;
  readonly canonicalBody = true;
  constructor(readonly columns: PointColumns) {}
  get points(): Point[] {
    return this.columns.toPoints();
  }
}

function ingestLineProtocolText(body: string, options: LineProtocolIngestOptions): IngestResult {
  const limits = resolveLimits(options.limits);
  const clock = frozenClock(options.clock);
  const catalog = options.catalog;
  const collector = new RejectionList(limits.maxListedRejections);
  const points: Point[] = [];
  const nanoseconds = (options.precision ?? 'ns') === 'ns';
  // Characters covered by accepted canonical lines, to tell whether they make up the whole body.
  let canonicalLines = 0;
  let canonicalChars = 0;
  const summary = scanLineProtocol(
    body,
    {
      record(record, lineStart, lineEnd) {
        const outcome = validatePoint(record, catalog, clock, limits);
        if (outcome.ok) {
          const p = outcome.point;
          if (nanoseconds && record.timestamp !== undefined && isCanonicalLine(body, lineStart, lineEnd)) {
            points.push({ kpi: p.kpi, tags: p.tags, value: p.value, time: p.time, ns: p.ns, line: body.slice(lineStart, lineEnd) });
            canonicalLines++;
            canonicalChars += lineEnd - lineStart;
          } else {
            points.push(p);
          }
        }
        else collector.add(() => ({ line: record.line, reason: outcome.reason, text: lineExcerpt(body, lineStart, lineEnd) }));
      },
      error(error) {
        collector.add(() => error);
      },
    },
    { precision: options.precision ?? 'ns', maxLines: limits.maxLines },
  );
  if (summary.exceededMaxLines) {
    throw new FinmonError(
      ErrorCodes.INGEST_BODY_TOO_LARGE,
      `line protocol body has more than ${limits.maxLines} data lines; send at most ${limits.maxLines} per request`,
      413,
    );
  }
  const bodyChars = body.charCodeAt(body.length - 1) === 10 ? body.length - 1 : body.length;
  const canonicalBody =
    collector.total === 0 &&
    canonicalLines > 0 &&
    canonicalLines === points.length &&
    canonicalChars + canonicalLines - 1 === bodyChars;
  return { points, rejected: collector.listed, rejectedTotal: collector.total, canonicalBody };
}

/**
 * Whether a validated line (with a timestamp) can be stored exactly as received: it ends in its
 * timestamp's last digit (no trailing blank or CR) and its value is a float — an `i` or `u`
 * suffix would store an integer field where finmon stores floats.
 */
function isCanonicalLine(body: string, lineStart: number, lineEnd: number): boolean {
  const last = body.charCodeAt(lineEnd - 1);
  if (last < 48 || last > 57) return false;
  const space = body.lastIndexOf(' ', lineEnd - 1);
  if (space <= lineStart) return false;
  const beforeTimestamp = body.charCodeAt(space - 1);
  return beforeTimestamp !== 105 /* i */ && beforeTimestamp !== 117 /* u */ && beforeTimestamp !== 32;
}

/**
 * Parses and validates a JSON batch (`{"points":[…]}`). Throws `FinmonError(INGEST_MALFORMED,
 * 400)` for a body that is not a JSON object with a `points` array and
 * `FinmonError(INGEST_BODY_TOO_LARGE, 413)` for more than `maxPoints` items; everything else is
 * reported per item. O(body length).
 */
export function ingestJsonBatch(body: string, options: IngestOptions): IngestResult {
  const limits = resolveLimits(options.limits);
  const clock = frozenClock(options.clock);
  const batch = parseJsonBatch(body, limits.maxPoints);
  const collector = new RejectionList(limits.maxListedRejections);
  const points: Point[] = [];
  // Items and shape errors are each in index order; merge them so rejections stay in body order.
  const errors = batch.errors;
  let next = 0;
  const listErrorsBefore = (index: number): void => {
    for (let error = errors[next]; error !== undefined && error.index < index; error = errors[++next]) {
      const listed = error;
      collector.add(() => listed);
    }
  };
  for (const item of batch.items) {
    listErrorsBefore(item.index);
    const outcome = validatePoint(item.record, options.catalog, clock, limits);
    if (outcome.ok) points.push(outcome.point);
    else collector.add(() => ({ index: item.index, reason: `points[${item.index}]: ${outcome.reason}` }));
  }
  listErrorsBefore(Infinity);
  return { points, rejected: collector.listed, rejectedTotal: collector.total };
}

/**
 * The precision named by a request's `precision` parameter (absent → ns). Throws
 * `FinmonError(INGEST_MALFORMED, 400)` naming the accepted values otherwise.
 */
export function parsePrecision(value: string | undefined): Precision {
  if (value === undefined || value === '') return 'ns';
  if (isPrecision(value)) return value;
  throw new FinmonError(
    ErrorCodes.INGEST_MALFORMED,
    `unknown precision ${JSON.stringify(value.slice(0, 20))}; expected one of ${PRECISIONS.join(', ')}`,
    400,
  );
}

function resolveLimits(limits: Partial<IngestLimits> | undefined): IngestLimits {
  return limits === undefined ? DEFAULT_INGEST_LIMITS : { ...DEFAULT_INGEST_LIMITS, ...limits };
}

/** One `now` for the whole batch. */
function frozenClock(clock: Clock): Clock {
  const now = clock.now();
  return { now: () => now };
}

/** Lists the first `max` rejections and counts all of them; builds only the listed ones. */
class RejectionList {
  readonly listed: IngestRejection[] = [];
  total = 0;
  constructor(private readonly max: number) {}
  add(build: () => IngestRejection): void {
    this.total++;
    if (this.listed.length < this.max) this.listed.push(build());
  }
}
