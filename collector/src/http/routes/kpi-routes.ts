import type { FastifyInstance } from 'fastify';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { KpiSnapshotEntry } from '../../kpi/kpi-engine';
import { requireScope, type RequestAuthenticator } from '../authenticate';

export interface KpiRouteDeps {
  auth: RequestAuthenticator;
  catalog(): MetricsConfig;
  snapshot(): KpiSnapshotEntry[];
}

/**
 * GET /api/v1/kpis — the KPI catalog (definitions, formulas, targets, thresholds, rules) with each
 * KPI's current value; GET /api/v1/kpis/:id — one KPI. Read scope.
 */
export function registerKpiRoutes(app: FastifyInstance, deps: KpiRouteDeps): void {
  const read = { preHandler: requireScope(deps.auth, 'read') };
  const withCurrent = () => {
    const current = new Map(deps.snapshot().map((s) => [s.kpi, s]));
    return deps.catalog().kpis.map((kpi) => {
      const now = current.get(kpi.id);
      return { ...kpi, current: now ? { value: now.value, time: new Date(now.time).toISOString() } : null };
    });
  };
  app.get('/api/v1/kpis', read, async () => ({ company: deps.catalog().company, kpis: withCurrent() }));
  app.get('/api/v1/kpis/:id', read, async (request) => {
    const { id } = request.params as { id: string };
    const kpi = withCurrent().find((k) => k.id === id);
    if (!kpi) throw new FinmonError(ErrorCodes.NOT_FOUND, `no KPI "${id}" in metrics_config.json`, 404);
    return kpi;
  });
}
