import http from 'node:http';
import https from 'node:https';
import { ErrorCodes, FinmonError } from '../../core/errors';

/** Connection settings of an InfluxDB 1.x HTTP API. */
export interface InfluxClientOptions {
  /** Base URL, e.g. `http://127.0.0.1:8086` (credentials in the URL are not used; give them below). */
  readonly url: string;
  /** Database written to and queried by default. */
  readonly database: string;
  readonly username?: string;
  readonly password?: string;
  /** Per-request timeout. Default 10 s. */
  readonly timeoutMs?: number;
}

/** A value in an InfluxQL result row. */
export type InfluxValue = string | number | boolean | null;

/** One series of a query result, with its rows also given as objects keyed by column. */
export interface InfluxSeries {
  readonly name: string;
  readonly tags: Readonly<Record<string, string>>;
  readonly columns: readonly string[];
  readonly values: readonly (readonly InfluxValue[])[];
  /** `values` as objects, e.g. `{ time: 1700000000000, value: 12.5 }` (time in epoch ms with `epoch: 'ms'`). */
  readonly rows: readonly Readonly<Record<string, InfluxValue>>[];
}

/** The result of one statement of a query. */
export interface InfluxStatementResult {
  readonly statementId: number;
  readonly series: readonly InfluxSeries[];
}

export type InfluxPrecision = 'ns' | 'u' | 'ms' | 's' | 'm' | 'h';

/** An InfluxDB request that failed; `influxStatus` is InfluxDB's HTTP status when it answered. */
export class InfluxRequestError extends FinmonError {
  constructor(
    code: typeof ErrorCodes.STORAGE_UNAVAILABLE | typeof ErrorCodes.STORAGE_REJECTED,
    message: string,
    readonly influxStatus: number | undefined,
    options?: { cause?: unknown },
  ) {
    const unavailable = code === ErrorCodes.STORAGE_UNAVAILABLE;
    super(code, message, unavailable ? 503 : 502, unavailable, options);
    this.name = 'InfluxRequestError';
  }
}

interface RawQueryResponse {
  results?: Array<{
    statement_id?: number;
    error?: string;
    series?: Array<{ name?: string; tags?: Record<string, string>; columns?: string[]; values?: InfluxValue[][] }>;
  }>;
  error?: string;
}

/**
 * A minimal client of the InfluxDB 1.x HTTP API (`/ping`, `/write`, `/query`): queries on Node's
 * fetch; writes on node:http with a keep-alive agent, sending the body's pieces as they are (the
 * shipper's hot path: no joining, no copy into a web stream).
 *
 * Errors are FinmonErrors (`InfluxRequestError`): unreachable, timed out or 5xx →
 * STORAGE_UNAVAILABLE (retryable); 4xx or a failed statement → STORAGE_REJECTED (not retryable)
 * carrying InfluxDB's message. Credentials travel in an Authorization header, never in a URL, and
 * never appear in error messages.
 */
export class InfluxClient {
  readonly database: string;
  /** The base URL without credentials, safe to log. */
  readonly url: string;
  private readonly timeoutMs: number;
  private readonly authorization: string | undefined;
  private readonly transport: typeof http | typeof https;
  private readonly agent: http.Agent;

  constructor(options: InfluxClientOptions) {
    const parsed = new URL(options.url);
    parsed.username = '';
    parsed.password = '';
    this.url = parsed.toString().replace(/\/+$/, '');
    this.database = options.database;
    this.timeoutMs = options.timeoutMs ?? 10_000;
    this.transport = parsed.protocol === 'https:' ? https : http;
    // Idle keep-alive sockets are unref'd by the agent, so they never hold the process open.
    this.agent = parsed.protocol === 'https:' ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true });
    this.authorization =
      options.username !== undefined
        ? `Basic ${Buffer.from(`${options.username}:${options.password ?? ''}`).toString('base64')}`
        : undefined;
  }

  /** `GET /ping`; resolves with InfluxDB's version when it answers 204. */
  async ping(): Promise<{ version: string }> {
    const response = await this.request('GET', '/ping', undefined, undefined, 'ping');
    return { version: response.headers.get('x-influxdb-version') ?? 'unknown' };
  }

  /**
   * `POST /write` of line protocol (timestamps in `precision`, default ns), given as text, UTF-8
   * bytes, or consecutive pieces of bytes sent in order. Resolves on 2xx. A 400 may be a partial
   * write: InfluxDB stored the valid lines and names the rejected ones.
   */
  async write(
    lineProtocol: string | Uint8Array | readonly Uint8Array[],
    options: { precision?: InfluxPrecision; retentionPolicy?: string; database?: string } = {},
  ): Promise<void> {
    const params = new URLSearchParams({ db: options.database ?? this.database, precision: options.precision ?? 'ns' });
    if (options.retentionPolicy) params.set('rp', options.retentionPolicy);
    const pieces =
      typeof lineProtocol === 'string' ? [Buffer.from(lineProtocol, 'utf8')] : lineProtocol instanceof Uint8Array ? [lineProtocol] : lineProtocol;
    const where = `InfluxDB write at ${this.url}/write`;
    const answer = await this.post(`/write?${params.toString()}`, pieces, where);
    if (answer.status >= 200 && answer.status < 300) return;
    const message = errorMessageOf(answer.body, answer.statusText);
    const code = answer.status >= 500 ? ErrorCodes.STORAGE_UNAVAILABLE : ErrorCodes.STORAGE_REJECTED;
    throw new InfluxRequestError(code, `${where} answered ${answer.status}: ${message}`, answer.status);
  }

  /** POSTs `pieces` as a text/plain body over the keep-alive agent; resolves with the answer. */
  private post(
    pathAndQuery: string,
    pieces: readonly Uint8Array[],
    where: string,
  ): Promise<{ status: number; statusText: string; body: string }> {
    let length = 0;
    for (const piece of pieces) length += piece.byteLength;
    const headers: Record<string, string | number> = { 'content-type': 'text/plain; charset=utf-8', 'content-length': length };
    if (this.authorization) headers.authorization = this.authorization;
    return new Promise((resolve, reject) => {
      let timedOut = false;
      const request = this.transport.request(`${this.url}${pathAndQuery}`, { method: 'POST', headers, agent: this.agent });
      const timer = setTimeout(() => {
        timedOut = true;
        request.destroy(new Error('timed out'));
      }, this.timeoutMs);
      const fail = (error: unknown) => {
        clearTimeout(timer);
        const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : describeSocketError(error);
        reject(new InfluxRequestError(ErrorCodes.STORAGE_UNAVAILABLE, `${where} failed: ${reason}`, undefined, { cause: error }));
      };
      request.on('error', fail);
      request.on('response', (response) => {
        const parts: Buffer[] = [];
        response.on('data', (part: Buffer) => parts.push(part));
        response.on('error', fail);
        response.on('end', () => {
          clearTimeout(timer);
          resolve({ status: response.statusCode ?? 0, statusText: response.statusMessage ?? '', body: Buffer.concat(parts).toString('utf8') });
        });
      });
      for (const piece of pieces) request.write(piece);
      request.end();
    });
  }

  /**
   * Runs InfluxQL (one or more `;`-separated statements, POSTed so that CREATE/DROP/SELECT INTO
   * work) and returns the series of all statements in order. A failed statement throws
   * STORAGE_REJECTED naming it.
   */
  async query(influxql: string, options: { epoch?: 'ms' | 'ns'; database?: string } = {}): Promise<InfluxSeries[]> {
    const results = await this.queryStatements(influxql, options);
    return results.flatMap((r) => r.series);
  }

  /** Like `query`, keeping the statements apart. */
  async queryStatements(
    influxql: string,
    options: { epoch?: 'ms' | 'ns'; database?: string } = {},
  ): Promise<InfluxStatementResult[]> {
    const params = new URLSearchParams({ db: options.database ?? this.database, epoch: options.epoch ?? 'ms' });
    const body = new URLSearchParams({ q: influxql });
    const response = await this.request('POST', '/query', params, body, 'query');
    let parsed: RawQueryResponse;
    try {
      parsed = (await response.json()) as RawQueryResponse;
    } catch (error) {
      throw new InfluxRequestError(
        ErrorCodes.STORAGE_UNAVAILABLE,
        `InfluxDB at ${this.url} sent an unreadable query response`,
        response.status,
        { cause: error },
      );
    }
    return (parsed.results ?? []).map((result, index) => {
      if (result.error) {
        throw new InfluxRequestError(
          ErrorCodes.STORAGE_REJECTED,
          `InfluxDB rejected statement ${index} of query "${abbreviate(influxql)}": ${result.error}`,
          response.status,
        );
      }
      return {
        statementId: result.statement_id ?? index,
        series: (result.series ?? []).map(toSeries),
      };
    });
  }

  /** `CREATE DATABASE` (a no-op when it exists). */
  async createDatabase(name: string = this.database): Promise<void> {
    await this.query(`CREATE DATABASE ${quoteIdentifier(name)}`);
  }

  private async request(
    method: 'GET' | 'POST',
    pathname: string,
    params: URLSearchParams | undefined,
    body: string | Uint8Array | URLSearchParams | undefined,
    what: 'ping' | 'write' | 'query',
  ): Promise<Response> {
    const target = `${this.url}${pathname}${params ? `?${params.toString()}` : ''}`;
    const where = `InfluxDB ${what} at ${this.url}${pathname}`;
    const headers: Record<string, string> = {};
    if (this.authorization) headers.authorization = this.authorization;
    if (body !== undefined && !(body instanceof URLSearchParams)) headers['content-type'] = 'text/plain; charset=utf-8';
    let response: Response;
    try {
      response = await fetch(target, { method, headers, body, signal: AbortSignal.timeout(this.timeoutMs) });
    } catch (error) {
      const name = errorField(error, 'name');
      const timedOut = name === 'TimeoutError' || name === 'AbortError';
      const reason = timedOut ? `no answer within ${this.timeoutMs} ms` : describeNetworkError(error);
      throw new InfluxRequestError(ErrorCodes.STORAGE_UNAVAILABLE, `${where} failed: ${reason}`, undefined, {
        cause: error,
      });
    }
    if (response.status >= 200 && response.status < 300) {
      if (what !== 'query') await response.arrayBuffer().catch(() => undefined);
      return response;
    }
    const message = await readErrorMessage(response);
    const code = response.status >= 500 ? ErrorCodes.STORAGE_UNAVAILABLE : ErrorCodes.STORAGE_REJECTED;
    throw new InfluxRequestError(code, `${where} answered ${response.status}: ${message}`, response.status);
  }
}

/** Quotes an InfluxQL identifier (database, retention policy, measurement) with double quotes. */
export function quoteIdentifier(name: string): string {
  return `"${name.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** Quotes an InfluxQL string literal (tag values in WHERE) with single quotes. */
export function quoteString(value: string): string {
  return `'${value.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function toSeries(raw: {
  name?: string;
  tags?: Record<string, string>;
  columns?: string[];
  values?: InfluxValue[][];
}): InfluxSeries {
  const columns = raw.columns ?? [];
  const values = raw.values ?? [];
  const rows = values.map((row) => {
    const record: Record<string, InfluxValue> = {};
    columns.forEach((column, i) => {
      record[column] = row[i] ?? null;
    });
    return record;
  });
  return { name: raw.name ?? '', tags: raw.tags ?? {}, columns, values, rows };
}

async function readErrorMessage(response: Response): Promise<string> {
  const text = await response.text().catch(() => '');
  return errorMessageOf(text, response.statusText);
}

/** InfluxDB's error message: the `error` of a JSON body, else the body text, else the status text. */
function errorMessageOf(text: string, statusText: string): string {
  try {
    const parsed = JSON.parse(text) as { error?: unknown };
    if (typeof parsed.error === 'string') return parsed.error;
  } catch {
    // not JSON
  }
  return text.trim().slice(0, 500) || statusText || 'no message';
}

/** "CODE (message)" of a node:http request error, e.g. "ECONNREFUSED (connect ECONNREFUSED 127.0.0.1:8086)". */
function describeSocketError(error: unknown): string {
  const code = errorField(error, 'code');
  const message = errorField(error, 'message');
  if (code) return `${code}${message ? ` (${message})` : ''}`;
  return message ?? String(error);
}

/** Reads a string property of an error-like value (errors from fetch come from another realm under jest). */
function errorField(value: unknown, key: 'name' | 'message' | 'code'): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const field = (value as Record<string, unknown>)[key];
  return typeof field === 'string' ? field : undefined;
}

function describeNetworkError(error: unknown): string {
  const cause = typeof error === 'object' && error !== null ? (error as { cause?: unknown }).cause : undefined;
  const code = errorField(cause, 'code');
  const causeMessage = errorField(cause, 'message');
  if (code) return `${code}${causeMessage ? ` (${causeMessage})` : ''}`;
  if (causeMessage) return causeMessage;
  return errorField(error, 'message') ?? String(error);
}

function abbreviate(text: string, max = 200): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
