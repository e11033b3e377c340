import type { AlertFeedOptions } from './types';

export const ALERT_FEED_PANEL_ID = 'finmon-alertfeed-panel';

export const DEFAULT_ALERT_FEED_OPTIONS: AlertFeedOptions = {
  showActive: true,
  showEvents: true,
  severities: [],
  categories: [],
  kpis: [],
  limit: 50,
  allowActions: true,
  silenceDuration: '1h',
  refreshSeconds: 30,
};

export const SILENCE_DURATIONS = ['30m', '1h', '4h', '1d', '1w'];
