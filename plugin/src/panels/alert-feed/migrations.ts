import type { PanelModel } from '@grafana/data';
import { ALERT_CATEGORIES, SEVERITIES, type AlertCategory, type Severity } from '../../collector/collector-types';
import { DEFAULT_ALERT_FEED_OPTIONS } from './constants';
import type { AlertFeedOptions } from './types';

/**
 * Brings saved options to the current shape (version 1, the first release): defaults for what is
 * missing, unknown severities and categories dropped, a single severity or category given as a
 * string (hand-written dashboards) turned into a list.
 */
export function migrateAlertFeedOptions(panel: PanelModel<Partial<AlertFeedOptions>>): AlertFeedOptions {
  const saved = (panel.options ?? {}) as Record<string, unknown>;
  const options: AlertFeedOptions = { ...DEFAULT_ALERT_FEED_OPTIONS };
  for (const key of Object.keys(DEFAULT_ALERT_FEED_OPTIONS) as Array<keyof AlertFeedOptions>) {
    if (saved[key] !== undefined) {
      (options as unknown as Record<string, unknown>)[key] = saved[key];
    }
  }
  options.severities = listOf(saved.severities).filter((s): s is Severity =>
    (SEVERITIES as readonly string[]).includes(s)
  );
  options.categories = listOf(saved.categories).filter((c): c is AlertCategory =>
    (ALERT_CATEGORIES as readonly string[]).includes(c)
  );
  options.kpis = listOf(saved.kpis);
  return options;
}

function listOf(value: unknown): string[] {
  if (typeof value === 'string') {
    return value ? [value] : [];
  }
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}
