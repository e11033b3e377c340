import type { PanelModel } from '@grafana/data';
import { DEFAULT_KPI_GAUGE_OPTIONS } from './constants';
import type { KpiGaugeOptions } from './types';

/**
 * Brings a saved panel's options to the current shape. Version 1 is the first release: unknown
 * keys are dropped, missing ones take their defaults, and a target saved as a string ("165000",
 * as hand-written dashboards sometimes have) becomes a number.
 */
export function migrateKpiGaugeOptions(panel: PanelModel<Partial<KpiGaugeOptions>>): KpiGaugeOptions {
  const saved = (panel.options ?? {}) as Record<string, unknown>;
  const options: KpiGaugeOptions = { ...DEFAULT_KPI_GAUGE_OPTIONS };
  for (const key of Object.keys(DEFAULT_KPI_GAUGE_OPTIONS) as Array<keyof KpiGaugeOptions>) {
    if (saved[key] !== undefined) {
      (options as unknown as Record<string, unknown>)[key] = saved[key];
    }
  }
  if (typeof saved.target === 'string') {
    const parsed = Number(saved.target);
    options.target = saved.target.trim() !== '' && Number.isFinite(parsed) ? parsed : null;
  }
  return options;
}
