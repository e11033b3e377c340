/**
 * How the plugin reaches the collector: one request, JSON in and out. In Grafana the request goes
 * through the app's proxied route (the token is added by Grafana's server); the preview page
 * sends it straight to the collector with the token the user gave it.
 */
export type HttpMethod = 'GET' | 'POST' | 'DELETE';

export interface CollectorTransport {
  /** `path` starts with `/api/v1/`; resolves with the parsed JSON body or rejects with a CollectorError. */
  request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T>;
}

/** A failed call: the collector's `{ error: { code, message } }`, or what went wrong on the way. */
export class CollectorError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string
  ) {
    super(message);
    this.name = 'CollectorError';
  }
}

/**
 * Builds the error of a non-2xx answer from its status and body text: the collector's JSON error
 * when the body is one, else the status with the start of the body.
 */
export function collectorErrorFrom(status: number, bodyText: string, method: string, path: string): CollectorError {
  try {
    const parsed = JSON.parse(bodyText) as { error?: { code?: unknown; message?: unknown } };
    if (parsed && typeof parsed.error?.message === 'string') {
      const code = typeof parsed.error.code === 'string' ? parsed.error.code : `HTTP_${status}`;
      return new CollectorError(status, code, `${method} ${path}: ${parsed.error.message}`);
    }
  } catch {
    // not JSON: fall through
  }
  const snippet = bodyText.trim().slice(0, 200);
  return new CollectorError(
    status,
    `HTTP_${status}`,
    `${method} ${path} answered ${status}${snippet ? `: ${snippet}` : ''}`
  );
}

/** True for the collector's "no such endpoint / thing" answer. */
export function isNotFound(error: unknown): boolean {
  return error instanceof CollectorError && error.status === 404;
}
