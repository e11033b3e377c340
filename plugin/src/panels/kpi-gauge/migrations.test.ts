import type { PanelModel } from '@grafana/data';
import { DEFAULT_KPI_GAUGE_OPTIONS } from './constants';
import { migrateKpiGaugeOptions } from './migrations';

const panel = (options: Record<string, unknown>) =>
  ({ id: 1, options, fieldConfig: { defaults: {}, overrides: [] } }) as unknown as PanelModel;

describe('migrateKpiGaugeOptions', () => {
  it('fills defaults for a new panel', () => {
    expect(migrateKpiGaugeOptions(panel({}))).toEqual(DEFAULT_KPI_GAUGE_OPTIONS);
  });

  it('keeps saved values, drops unknown keys and reads a target written as text', () => {
    const migrated = migrateKpiGaugeOptions(panel({ kpiId: 'revenue', showTrend: false, target: '165000', legacy: 1 }));
    expect(migrated).toEqual({ ...DEFAULT_KPI_GAUGE_OPTIONS, kpiId: 'revenue', showTrend: false, target: 165000 });
    expect(migrated).not.toHaveProperty('legacy');
  });

  it('turns an unreadable target into no target', () => {
    expect(migrateKpiGaugeOptions(panel({ target: 'soon' })).target).toBeNull();
    expect(migrateKpiGaugeOptions(panel({ target: ' ' })).target).toBeNull();
  });
});
