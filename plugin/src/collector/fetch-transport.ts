import { type CollectorTransport, CollectorError, collectorErrorFrom, type HttpMethod } from './collector-transport';

export interface FetchTransportOptions {
  /** The collector's base URL, e.g. `http://127.0.0.1:8080` (no trailing slash), or '' for the page's own origin. */
  baseUrl: string;
  /** Sent as `Authorization: Bearer <token>`; never put in a URL. */
  token: string;
  fetch?: typeof fetch;
}

/**
 * Calls the collector directly with `fetch` and a bearer token (the preview page, where no
 * Grafana proxy exists). The token goes only into the Authorization header.
 */
export function fetchTransport(options: FetchTransportOptions): CollectorTransport {
  const doFetch = options.fetch ?? ((input: RequestInfo | URL, init?: RequestInit) => fetch(input, init));
  const base = options.baseUrl.replace(/\/+$/, '');
  return {
    async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
      const headers: Record<string, string> = { authorization: `Bearer ${options.token}`, accept: 'application/json' };
      if (body !== undefined) {
        headers['content-type'] = 'application/json';
      }
      let response: Response;
      try {
        response = await doFetch(`${base}${path}`, {
          method,
          headers,
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      } catch (error) {
        throw new CollectorError(0, 'NETWORK', `${method} ${path}: ${(error as Error).message}`);
      }
      const text = await response.text();
      if (!response.ok) {
        throw collectorErrorFrom(response.status, text, method, path);
      }
      if (text === '') {
        return undefined as T;
      }
      try {
        return JSON.parse(text) as T;
      } catch {
        throw new CollectorError(response.status, 'BAD_JSON', `${method} ${path}: the answer is not JSON`);
      }
    },
  };
}
