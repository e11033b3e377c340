import { lastValueFrom } from 'rxjs';
import { getBackendSrv, isFetchError } from '@grafana/runtime';
import { COLLECTOR_PROXY_BASE } from '../constants';
import { type CollectorTransport, CollectorError, type HttpMethod } from './collector-transport';

/**
 * Calls the collector through the app's proxied route (plugin.json `routes`, path `collector`):
 * Grafana's server adds the token from the app's secureJsonData, so the browser never holds it.
 */
export function grafanaProxyTransport(base: string = COLLECTOR_PROXY_BASE): CollectorTransport {
  return {
    async request<T>(method: HttpMethod, path: string, body?: unknown): Promise<T> {
      try {
        const response = await lastValueFrom(
          getBackendSrv().fetch<T>({ url: `${base}${path}`, method, data: body, showErrorAlert: false })
        );
        return response.data;
      } catch (error) {
        if (isFetchError(error)) {
          const data = error.data as { error?: { code?: string; message?: string }; message?: string } | undefined;
          const message = data?.error?.message ?? data?.message ?? error.statusText ?? 'request failed';
          throw new CollectorError(
            error.status,
            data?.error?.code ?? `HTTP_${error.status}`,
            `${method} ${path}: ${message}`
          );
        }
        throw new CollectorError(0, 'NETWORK', `${method} ${path}: ${(error as Error).message}`);
      }
    },
  };
}
