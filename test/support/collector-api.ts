/**
 * Small typed calls to the collector's HTTP API over real HTTP (global fetch), for system tests.
 */

export interface ApiResponse<T = unknown> {
  readonly status: number;
  /** The body as received (for checks that nothing secret is in it). */
  readonly text: string;
  /** The body parsed as JSON, or undefined when it is not JSON. */
  readonly json: T;
}

/** Sends one request; `token` becomes `Authorization: Bearer <token>`, `authorization` is sent verbatim. */
export async function callApi<T = unknown>(
  baseUrl: string,
  method: string,
  path: string,
  options: { token?: string; authorization?: string; body?: string; contentType?: string; timeoutMs?: number } = {},
): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = {};
  if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
  if (options.authorization !== undefined) headers.authorization = options.authorization;
  if (options.contentType !== undefined) headers['content-type'] = options.contentType;
  const response = await fetch(`${baseUrl}${path}`, {
    method,
    headers,
    body: options.body,
    signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
  });
  const text = await response.text();
  let json: T;
  try {
    json = JSON.parse(text) as T;
  } catch {
    json = undefined as T;
  }
  return { status: response.status, text, json };
}

/** The reply of POST /api/v1/write and /api/v1/metrics. */
export interface IngestReply {
  accepted: number;
  rejectedCount: number;
  rejected: Array<{ line?: number; index?: number; reason: string; text?: string }>;
  error?: { code: string; message: string };
}

/** POST /api/v1/write with line protocol (timestamps in `precision`, default ns). */
export function writeLines(baseUrl: string, token: string, lines: readonly string[], precision = 'ns'): Promise<ApiResponse<IngestReply>> {
  return callApi<IngestReply>(baseUrl, 'POST', `/api/v1/write?precision=${precision}`, {
    token,
    body: lines.join('\n'),
    contentType: 'text/plain',
  });
}

/** The part of GET /api/v1/health the system tests read (see app/start-collector.ts). */
export interface HealthDetails {
  status: string;
  storage: {
    influxUrl: string;
    database: string;
    spool: { records: number; bytes: number; segments: number };
    writer: {
      shippedPoints: number;
      retries: number;
      rejectedRecords: number;
      lagMs: number;
      outage: boolean;
      inFlightBatches: number;
      lastError?: { code: string; message: string; atMs: number };
    };
  };
  ingest: { acceptedPoints: number; computedPoints: number };
  configuration: { generation: number; loadedAt: string; lastError: string | null };
}

/** GET /api/v1/health; throws unless it answers 200. */
export async function getHealth(baseUrl: string, token: string): Promise<HealthDetails> {
  const response = await callApi<HealthDetails>(baseUrl, 'GET', '/api/v1/health', { token, timeoutMs: 10_000 });
  if (response.status !== 200) throw new Error(`GET /api/v1/health answered ${response.status}: ${response.text.slice(0, 300)}`);
  return response.json;
}

/** True when everything accepted so far has been shipped to InfluxDB. */
export function spoolDrained(health: HealthDetails): boolean {
  const { spool, writer } = health.storage;
  return spool.records === 0 && writer.inFlightBatches === 0 && writer.lagMs === 0 && !writer.outage;
}

/** A one-line summary of the storage part of a health payload, for failure messages. */
export function describeStorage(health: HealthDetails): string {
  const { spool, writer } = health.storage;
  return (
    `spool records=${spool.records} bytes=${spool.bytes}; writer outage=${writer.outage} lagMs=${writer.lagMs} ` +
    `inFlight=${writer.inFlightBatches} shipped=${writer.shippedPoints} retries=${writer.retries} ` +
    `rejected=${writer.rejectedRecords} lastError=${writer.lastError?.message ?? 'none'}`
  );
}
