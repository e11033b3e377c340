import type { FastifyInstance } from 'fastify';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { KpiSnapshotEntry } from '../../kpi/kpi-engine';
import { requireScope, type RequestAuthenticator } from '../authenticate';

export interface KpiRouteDeps {
  auth: RequestAuthenticator;
  catalog(): MetricsConfig;
  snapshot(): KpiSnapshotEntry[];
  /** A KPI's values: daily totals without `series`, the series' own points with it; oldest first. */
  history?(kpi: string, series: Readonly<Record<string, string>> | undefined, fromMs: number, toMs: number): Promise<{ time: number; value: number }[]>;
  /** The KPI's current forecast (future points with the 80% band). */
  forecast?(kpi: string): Promise<{ time: number; yhat: number; lo80: number; hi80: number }[]>;
  now?(): number;
}

const DAY_MS = 86_400_000;
const MAX_RANGE_MS = 3 * 366 * DAY_MS;

/** `from`/`to` as ISO instants (default the last 90 days) and `series` as `tag=value,tag=value`. */
function historyQuery(query: unknown, dimensions: readonly string[], now: number) {
  const q = (query ?? {}) as Record<string, unknown>;
  const problems: string[] = [];
  const instant = (name: string, fallback: number): number => {
    const raw = q[name];
    if (raw === undefined) return fallback;
    const ms = typeof raw === 'string' ? Date.parse(raw) : NaN;
    if (!Number.isFinite(ms)) problems.push(`${name}: expected an ISO 8601 instant such as "2026-01-31T00:00:00Z", got ${JSON.stringify(raw)}`);
    return ms;
  };
  const to = instant('to', now);
  const from = instant('from', to - 90 * DAY_MS);
  if (problems.length === 0 && !(from < to)) problems.push('from must be before to');
  if (problems.length === 0 && to - from > MAX_RANGE_MS) problems.push('the range may span at most 3 years');
  let series: Record<string, string> | undefined;
  if (typeof q.series === 'string' && q.series !== '') {
    series = {};
    for (const pair of q.series.split(',')) {
      const [tag, value, extra] = pair.split('=');
      if (tag === undefined || value === undefined || value === '' || extra !== undefined) {
        problems.push(`series: expected tag=value pairs separated by commas, got ${JSON.stringify(pair)}`);
      } else if (!dimensions.includes(tag)) {
        problems.push(`series: "${tag}" is not a dimension of this KPI (${dimensions.length > 0 ? dimensions.join(', ') : 'it has none'})`);
      } else series[tag] = value;
    }
  }
  for (const key of Object.keys(q)) if (!['from', 'to', 'series'].includes(key)) problems.push(`unknown query parameter "${key}"`);
  if (problems.length > 0) throw new FinmonError(ErrorCodes.REQUEST_INVALID, `invalid history query: ${problems.join('; ')}`, 400);
  return { from, to, series };
}

/**
 * GET /api/v1/kpis — the KPI catalog (definitions, formulas, targets, thresholds, rules) with each
 * KPI's current value; GET /api/v1/kpis/:id — one KPI. Read scope.
 */
export function registerKpiRoutes(app: FastifyInstance, deps: KpiRouteDeps): void {
  const preHandler = requireScope(deps.auth, 'read');
  const withCurrent = () => {
    const current = new Map(deps.snapshot().map((s) => [s.kpi, s]));
    return deps.catalog().kpis.map((kpi) => {
      const now = current.get(kpi.id);
      return { ...kpi, current: now ? { value: now.value, time: new Date(now.time).toISOString() } : null };
    });
  };
  app.get('/api/v1/kpis', { preHandler, schema: { summary: 'The KPI catalog with current values', tags: ['kpis'] } }, async () => ({ company: deps.catalog().company, kpis: withCurrent() }));
  app.get('/api/v1/kpis/:id', { preHandler, schema: { summary: 'One KPI: definition, rules, current value', tags: ['kpis'] } }, async (request) => {
    const { id } = request.params as { id: string };
    const kpi = withCurrent().find((k) => k.id === id);
    if (!kpi) throw new FinmonError(ErrorCodes.NOT_FOUND, `no KPI "${id}" in metrics_config.json`, 404);
    return kpi;
  });
  const definition = (id: string) => {
    const kpi = deps.catalog().kpis.find((k) => k.id === id);
    if (!kpi) throw new FinmonError(ErrorCodes.NOT_FOUND, `no KPI "${id}" in metrics_config.json`, 404);
    return kpi;
  };
  const iso = (ms: number) => new Date(ms).toISOString();
  app.get(
    '/api/v1/kpis/:id/history',
    { preHandler, schema: { summary: 'A KPI over time: daily totals, or one series (?series=tag=value,…) between ?from= and ?to= (ISO)', tags: ['kpis'] } },
    async (request) => {
      const { id } = request.params as { id: string };
      const kpi = definition(id);
      const { from, to, series } = historyQuery(request.query, kpi.dimensions, deps.now?.() ?? Date.now());
      const points = deps.history ? await deps.history(id, series, from, to) : [];
      return { kpi: id, ...(series ? { series } : {}), points: points.map((p) => ({ time: iso(p.time), value: p.value })) };
    },
  );
  app.get('/api/v1/kpis/:id/forecast', { preHandler, schema: { summary: "A KPI's current forecast with its 80% band", tags: ['kpis'] } }, async (request) => {
    const { id } = request.params as { id: string };
    definition(id);
    const points = deps.forecast ? await deps.forecast(id) : [];
    return { kpi: id, points: points.map((p) => ({ time: iso(p.time), yhat: p.yhat, lo80: p.lo80, hi80: p.hi80 })) };
  });
}
