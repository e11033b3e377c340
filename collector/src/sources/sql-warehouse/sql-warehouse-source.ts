import { Pool, type PoolClient, type QueryResult } from 'pg';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Point } from '../../core/point';
import { isoOf, validatePoint, type KpiLookup } from '../../ingest/validate-point';
import type { PulledSource, PulledSourceContext, RetryPolicy } from '../../scheduling/pulled-source';
import type { KvStateStore } from '../../storage/state/kv-state-store';

/** Which result columns hold what. */
export interface WarehouseColumns {
  /** Column naming the KPI of each row; or give {@link WarehouseQueryOptions.kpi}. */
  readonly kpi?: string;
  readonly value: string;
  readonly time: string;
  /** Dimension → column, e.g. `{ region: "region_code" }`. */
  readonly tags?: Readonly<Record<string, string>>;
}

export interface WarehouseQueryOptions {
  readonly name: string;
  readonly schedule: string;
  /** PostgreSQL connection string (resolved from a secret reference). */
  readonly connectionString: string;
  /** One SELECT with `$1` (window start, inclusive) and `$2` (window end, exclusive), both timestamptz. */
  readonly query: string;
  /** The KPI of every row when the rows do not name one. */
  readonly kpi?: string;
  readonly columns: WarehouseColumns;
  /** How far back the first window reaches. */
  readonly lookbackMs: number;
  /** The window ends this long before now (rows committed late). Default 0. */
  readonly delayMs?: number;
  /** PostgreSQL statement_timeout of the query. Default 30 s. */
  readonly statementTimeoutMs?: number;
  /** Rows beyond this fail the run (a query missing its window). Default 100,000. */
  readonly maxRows?: number;
  readonly catalog: KpiLookup;
  /** Remembers where the last window ended across restarts (namespace `sql-warehouse`). */
  readonly state?: KvStateStore;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  /** Pool size (default 2). */
  readonly maxConnections?: number;
}

const WATERMARK_NAMESPACE = 'sql-warehouse';

/**
 * KPIs from a finance warehouse: on its schedule, runs one SELECT over the time window since the
 * last successful run, the window's bounds passed as bind parameters `$1` and `$2` (the SQL text is
 * never built from values), inside a READ ONLY transaction with `statement_timeout` set for that
 * transaction only. Each row becomes a point — KPI, value, time and dimensions from the configured
 * columns — checked against the catalog as pushed points are; a row that fails is left out and
 * logged with its reason, the others are kept. The window advances only after a successful run.
 *
 * Errors: a connection failure or a statement timeout is retryable; a query PostgreSQL refuses
 * (syntax, unknown table, a write in the read-only transaction) or a result without the
 * configured columns is not (`WAREHOUSE_QUERY_FAILED`). The connection string never appears in
 * errors or logs.
 */
export class SqlWarehouseSource implements PulledSource {
  readonly name: string;
  readonly schedule: string;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  private readonly pool: Pool;
  private windowStart: number | undefined;

  /** Throws `FinmonError(CONFIG_INVALID)` when the query does not use both `$1` and `$2`. */
  constructor(private readonly options: WarehouseQueryOptions) {
    for (const parameter of ['$1', '$2']) {
      if (!new RegExp(`\\${parameter}(?![0-9])`).test(options.query)) {
        throw new FinmonError(ErrorCodes.CONFIG_INVALID, `warehouse query "${options.name}": the query must use ${parameter} (${parameter === '$1' ? 'window start' : 'window end'}); the time window is passed as bind parameters`);
      }
    }
    this.name = options.name;
    this.schedule = options.schedule;
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
    if (options.retry !== undefined) this.retry = options.retry;
    this.pool = new Pool({
      connectionString: options.connectionString,
      max: options.maxConnections ?? 2,
      connectionTimeoutMillis: 10_000,
      idleTimeoutMillis: 30_000,
      application_name: `finmon ${options.name}`,
    });
    this.pool.on('error', () => undefined); // an idle client's error surfaces on the next query
  }

  async run(ctx: PulledSourceContext): Promise<Point[]> {
    const to = ctx.now - (this.options.delayMs ?? 0);
    const from = await this.startOfWindow(to);
    if (from >= to) return [];
    const result = await this.query(from, to, ctx.signal);
    const { points, rejected } = this.pointsOf(result, ctx.now);
    if (rejected.length > 0) {
      ctx.logger.warn({ rejected: rejected.slice(0, 10), count: rejected.length, from: isoOf(from), to: isoOf(to) }, 'warehouse rows left out');
    }
    this.windowStart = to;
    await this.options.state?.set(WATERMARK_NAMESPACE, this.name, { windowEnd: to });
    ctx.logger.debug({ rows: result.rowCount, points: points.length, from: isoOf(from), to: isoOf(to) }, 'warehouse query ran');
    return points;
  }

  /** Releases the connection pool. */
  async close(): Promise<void> {
    await this.pool.end();
  }

  private async startOfWindow(to: number): Promise<number> {
    if (this.windowStart !== undefined) return this.windowStart;
    const stored = await this.options.state?.get(WATERMARK_NAMESPACE, this.name);
    const end = (stored?.value as { windowEnd?: unknown } | undefined)?.windowEnd;
    if (typeof end === 'number' && Number.isFinite(end)) return end;
    return to - this.options.lookbackMs;
  }

  private async query(from: number, to: number, signal: AbortSignal): Promise<QueryResult> {
    const label = `warehouse query "${this.name}"`;
    let client: PoolClient;
    try {
      client = await this.pool.connect();
    } catch (error) {
      throw new FinmonError(ErrorCodes.SOURCE_FAILED, `${label}: cannot connect to the warehouse: ${describePgError(error)}`, 503, true, { cause: error });
    }
    let broken = false;
    const onAbort = (): void => {
      broken = true;
      client.release(true);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await client.query('BEGIN READ ONLY');
      await client.query("SELECT set_config('statement_timeout', $1, true)", [String(this.options.statementTimeoutMs ?? 30_000)]);
      const result = await client.query({ text: this.options.query, values: [new Date(from), new Date(to)] });
      await client.query('COMMIT');
      const maxRows = this.options.maxRows ?? 100_000;
      if ((result.rowCount ?? result.rows.length) > maxRows) {
        throw new FinmonError(ErrorCodes.WAREHOUSE_QUERY_FAILED, `${label}: returned ${result.rowCount} rows, more than the limit of ${maxRows}; does the query filter on $1 and $2?`, 502, false);
      }
      return result;
    } catch (error) {
      if (signal.aborted) throw signal.reason;
      if (!broken) await client.query('ROLLBACK').catch(() => undefined);
      if (error instanceof FinmonError) throw error;
      throw classify(error, label);
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (!broken) client.release();
    }
  }

  private pointsOf(result: QueryResult, now: number): { points: Point[]; rejected: string[] } {
    const o = this.options;
    const columns = new Set(result.fields.map((f) => f.name));
    const wanted = [o.columns.value, o.columns.time, ...(o.columns.kpi ? [o.columns.kpi] : []), ...Object.values(o.columns.tags ?? {})];
    const missing = wanted.filter((c) => !columns.has(c));
    if (missing.length > 0) {
      throw new FinmonError(
        ErrorCodes.WAREHOUSE_QUERY_FAILED,
        `warehouse query "${this.name}": the result has no column ${missing.map((c) => JSON.stringify(c)).join(', ')} (columns: ${[...columns].join(', ') || 'none'})`,
        502,
        false,
      );
    }
    const clock = { now: () => now };
    const points: Point[] = [];
    const rejected: string[] = [];
    result.rows.forEach((row: Record<string, unknown>, i) => {
      const where = `row ${i + 1}`;
      const kpi = o.columns.kpi ? row[o.columns.kpi] : o.kpi;
      if (typeof kpi !== 'string' || kpi === '') return void rejected.push(`${where}: KPI ${JSON.stringify(kpi ?? null)} is not a KPI id`);
      const value = numeric(row[o.columns.value]);
      if (value === undefined) return void rejected.push(`${where}: value ${JSON.stringify(row[o.columns.value] ?? null)} is not a number`);
      const time = instant(row[o.columns.time]);
      if (time === undefined) return void rejected.push(`${where}: time ${JSON.stringify(row[o.columns.time] ?? null)} is not a timestamp`);
      const tags: Record<string, string> = {};
      for (const [dimension, column] of Object.entries(o.columns.tags ?? {})) {
        const raw = row[column];
        if (raw === null || raw === undefined || raw === '') continue;
        tags[dimension] = String(raw);
      }
      const checked = validatePoint({ measurement: kpi, tags, fields: { value }, timestamp: BigInt(time) * 1_000_000n }, o.catalog, clock);
      if (!checked.ok) return void rejected.push(`${where}: ${checked.reason}`);
      points.push(checked.point);
    });
    return { points, rejected };
  }
}

function numeric(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw === 'bigint') return Number(raw);
  if (typeof raw === 'string' && /^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(raw.trim())) return Number(raw);
  return undefined;
}

function instant(raw: unknown): number | undefined {
  if (raw instanceof Date) return Number.isFinite(raw.getTime()) ? raw.getTime() : undefined;
  if (typeof raw === 'string') {
    const ms = Date.parse(raw);
    return Number.isFinite(ms) ? ms : undefined;
  }
  return undefined;
}

/** SQLSTATE classes worth retrying: connection (08), statement timeout / cancel (57014), shutdown (57P), serialization (40). */
function classify(error: unknown, label: string): FinmonError {
  const code = (error as { code?: string }).code ?? '';
  const retryable = code.startsWith('08') || code === '57014' || code.startsWith('57P') || code.startsWith('40') || code === '' || code.startsWith('E');
  const status = retryable ? 503 : 502;
  const errorCode = retryable ? ErrorCodes.SOURCE_FAILED : ErrorCodes.WAREHOUSE_QUERY_FAILED;
  return new FinmonError(errorCode, `${label}: ${describePgError(error)}`, status, retryable, { cause: error });
}

function describePgError(error: unknown): string {
  const e = error as { message?: string; code?: string; position?: string };
  const message = (e.message ?? String(error)).replace(/postgres(ql)?:\/\/\S+/gi, 'postgres://***');
  return `${message}${e.code ? ` (SQLSTATE ${e.code}${e.position ? `, at character ${e.position}` : ''})` : ''}`;
}
