import { useCollector } from '../../src/collector/CollectorContext';
import { isNotFound } from '../../src/collector/collector-transport';
import type { KpiEntry } from '../../src/collector/collector-types';
import { useCollectorQuery } from '../../src/collector/useCollectorQuery';
import { gaugeInput, type GaugeInput } from './kpi-frames';

export const HISTORY_DAYS = 30;

/**
 * Loads history (and a forecast, when the collector serves one) of each KPI and turns it into
 * gauge input. A missing history or forecast endpoint (404) leaves the gauge with the current
 * value only; other errors are reported.
 */
export function useKpiGauges(kpis: readonly KpiEntry[], now: number, refreshMs = 30_000) {
  const { client } = useCollector();
  const ids = kpis.map((k) => k.id).join(',');
  return useCollectorQuery<Record<string, GaugeInput>>(
    async () => {
      const from = new Date(now - HISTORY_DAYS * 86_400_000).toISOString();
      const to = new Date(now + 60_000).toISOString();
      const entries = await Promise.all(
        kpis.map(async (kpi) => {
          const [history, forecast] = await Promise.all([
            client.kpiHistory(kpi.id, { from, to }).then((h) => h.points, orEmptyOn404),
            client.kpiForecast(kpi.id).then((f) => f.points, orEmptyOn404),
          ]);
          return [kpi.id, gaugeInput(kpi, history, forecast)] as const;
        })
      );
      return Object.fromEntries(entries);
    },
    [client, ids, now],
    refreshMs
  );
}

function orEmptyOn404(error: unknown): never[] {
  if (isNotFound(error)) {
    return [];
  }
  throw error;
}
