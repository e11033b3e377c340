import type { AlertCategory, Severity } from '../../collector/collector-types';

/** Options of the alert status / news feed panel (`finmon-alertfeed-panel`); defaults in constants.ts. */
export interface AlertFeedOptions {
  /** Active alerts (pending, firing, acknowledged). */
  showActive: boolean;
  /** Recent events of the news feed. */
  showEvents: boolean;
  /** Initial filters; empty = all. People can change them in the panel. */
  severities: Severity[];
  categories: AlertCategory[];
  /** Only alerts and events of these KPIs; empty = all (a KPI's detail page uses one). */
  kpis: string[];
  /** Most events shown. */
  limit: number;
  /** Acknowledge and Silence buttons. */
  allowActions: boolean;
  /** Length of a silence made with the Silence button: 30m, 1h, 4h, 1d… */
  silenceDuration: string;
  /** How often the panel reloads; 0 = only with the dashboard. */
  refreshSeconds: number;
}
