import pluginJson from './plugin.json';

export const PLUGIN_ID = pluginJson.id;
export const PLUGIN_BASE_URL = `/a/${pluginJson.id}`;

/** Grafana's proxy in front of the collector (plugin.json `routes`, path `collector`). */
export const COLLECTOR_PROXY_BASE = `/api/plugin-proxy/${pluginJson.id}/collector`;

/** The app's pages, under PLUGIN_BASE_URL. */
export enum ROUTES {
  Alerts = 'alerts',
  Kpis = 'kpis',
  Escalation = 'escalation',
  Health = 'health',
}

/** Prefixes a page route with the app's base URL. */
export function prefixRoute(route: string): string {
  return `${PLUGIN_BASE_URL}/${route}`;
}
