import { PanelPlugin } from '@grafana/data';
import { DEFAULT_KPI_GAUGE_OPTIONS as D } from './constants';
import { KpiGaugePanel } from './KpiGaugePanel';
import { migrateKpiGaugeOptions } from './migrations';
import type { KpiGaugeOptions } from './types';

export const plugin = new PanelPlugin<KpiGaugeOptions>(KpiGaugePanel)
  .setMigrationHandler(migrateKpiGaugeOptions)
  .useFieldConfig()
  .setPanelOptions((builder) =>
    builder
      .addTextInput({
        category: ['KPI'],
        path: 'kpiId',
        name: 'KPI id',
        description: 'metrics_config.json id; `${kpi}` in the drill-down URL',
        defaultValue: D.kpiId,
      })
      .addTextInput({
        category: ['KPI'],
        path: 'title',
        name: 'Title',
        description: 'Empty: the field name',
        defaultValue: D.title,
      })
      .addRadio({
        category: ['KPI'],
        path: 'direction',
        name: 'Better is',
        defaultValue: D.direction,
        settings: {
          options: [
            { value: 'higher_is_better', label: 'Higher' },
            { value: 'lower_is_better', label: 'Lower' },
            { value: 'target_is_best', label: 'On target' },
          ],
        },
      })
      .addNumberInput({
        category: ['Target'],
        path: 'target',
        name: 'Fixed target',
        description: 'Used when the target query returns nothing',
        defaultValue: undefined,
      })
      .addNumberInput({
        category: ['Target'],
        path: 'warnRatio',
        name: 'On track from',
        description: 'Attainment of target (1 = 100 %)',
        defaultValue: D.warnRatio,
        settings: { min: 0, step: 0.01 },
      })
      .addNumberInput({
        category: ['Target'],
        path: 'critRatio',
        name: 'Off track below',
        description: 'Attainment of target (1 = 100 %)',
        defaultValue: D.critRatio,
        settings: { min: 0, step: 0.01 },
      })
      .addTextInput({
        category: ['Comparison'],
        path: 'comparisonLabel',
        name: 'Label',
        defaultValue: D.comparisonLabel,
      })
      .addBooleanSwitch({
        category: ['Sparkline'],
        path: 'showSparkline',
        name: 'Show sparkline',
        defaultValue: D.showSparkline,
      })
      .addBooleanSwitch({
        category: ['Sparkline'],
        path: 'showTrend',
        name: 'Trend line',
        defaultValue: D.showTrend,
        showIf: (o) => o.showSparkline,
      })
      .addBooleanSwitch({
        category: ['Sparkline'],
        path: 'showForecastBand',
        name: 'Forecast band',
        defaultValue: D.showForecastBand,
        showIf: (o) => o.showSparkline,
      })
      .addTextInput({ category: ['Queries'], path: 'valueRefId', name: 'Value query', defaultValue: D.valueRefId })
      .addTextInput({ category: ['Queries'], path: 'targetRefId', name: 'Target query', defaultValue: D.targetRefId })
      .addTextInput({
        category: ['Queries'],
        path: 'comparisonRefId',
        name: 'Comparison query',
        defaultValue: D.comparisonRefId,
      })
      .addTextInput({
        category: ['Queries'],
        path: 'forecastRefId',
        name: 'Forecast query',
        defaultValue: D.forecastRefId,
      })
      .addTextInput({
        category: ['Queries'],
        path: 'forecastField',
        name: 'Forecast column',
        defaultValue: D.forecastField,
      })
      .addTextInput({
        category: ['Queries'],
        path: 'bandLowerField',
        name: 'Band lower column',
        defaultValue: D.bandLowerField,
      })
      .addTextInput({
        category: ['Queries'],
        path: 'bandUpperField',
        name: 'Band upper column',
        defaultValue: D.bandUpperField,
      })
      .addTextInput({
        category: ['Drill-down'],
        path: 'drilldownUrl',
        name: 'Detail URL',
        description: 'Used when the field has no data link; template variables and ${kpi} are interpolated',
        defaultValue: D.drilldownUrl,
      })
  );
