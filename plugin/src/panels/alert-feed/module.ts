import { PanelPlugin, type SelectableValue } from '@grafana/data';
import { ALERT_CATEGORIES, SEVERITIES } from '../../collector/collector-types';
import { AlertFeedPanel } from './AlertFeedPanel';
import { DEFAULT_ALERT_FEED_OPTIONS as D, SILENCE_DURATIONS } from './constants';
import { migrateAlertFeedOptions } from './migrations';
import type { AlertFeedOptions } from './types';

/**
 * Options of a multi-select editor. Grafana types them by the option's value (a list here) while
 * the editor offers single values; the cast bridges that.
 */
function choices<T extends string>(values: readonly T[]): Array<SelectableValue<T[]>> {
  return values.map((v) => ({ value: v, label: v })) as unknown as Array<SelectableValue<T[]>>;
}

export const plugin = new PanelPlugin<AlertFeedOptions>(AlertFeedPanel)
  .setMigrationHandler(migrateAlertFeedOptions)
  .setNoPadding()
  .setPanelOptions((builder) =>
    builder
      .addBooleanSwitch({
        category: ['Content'],
        path: 'showActive',
        name: 'Active alerts',
        defaultValue: D.showActive,
      })
      .addBooleanSwitch({
        category: ['Content'],
        path: 'showEvents',
        name: 'Recent events',
        defaultValue: D.showEvents,
      })
      .addNumberInput({
        category: ['Content'],
        path: 'limit',
        name: 'Most events',
        defaultValue: D.limit,
        settings: { min: 1, integer: true },
      })
      .addMultiSelect({
        category: ['Filters'],
        path: 'severities',
        name: 'Severities',
        description: 'None selected: all',
        defaultValue: D.severities,
        settings: { options: choices(SEVERITIES) },
      })
      .addMultiSelect({
        category: ['Filters'],
        path: 'categories',
        name: 'Categories',
        description: 'None selected: all',
        defaultValue: D.categories,
        settings: { options: choices(ALERT_CATEGORIES) },
      })
      .addStringArray({
        category: ['Filters'],
        path: 'kpis',
        name: 'KPIs',
        description: 'KPI ids; empty: all',
        defaultValue: D.kpis,
      })
      .addBooleanSwitch({
        category: ['Actions'],
        path: 'allowActions',
        name: 'Acknowledge and Silence buttons',
        defaultValue: D.allowActions,
      })
      .addSelect({
        category: ['Actions'],
        path: 'silenceDuration',
        name: 'Silence for',
        defaultValue: D.silenceDuration,
        settings: { options: SILENCE_DURATIONS.map((d) => ({ value: d, label: d })) },
        showIf: (o) => o.allowActions,
      })
      .addNumberInput({
        category: ['Content'],
        path: 'refreshSeconds',
        name: 'Reload every (s)',
        description: '0: with the dashboard only',
        defaultValue: D.refreshSeconds,
        settings: { min: 0, integer: true },
      })
  );
