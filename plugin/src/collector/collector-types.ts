/**
 * The collector's HTTP API as the plugin reads it (see the collector's `alerting/alert-model.ts`
 * and `http/routes/`). Only the fields the panels and pages use are typed; the collector may send
 * more. Times of alerts and incidents are epoch milliseconds; KPI values carry ISO strings.
 */

export type Severity = 'critical' | 'warning' | 'info';
export type AlertCategory = 'financial' | 'operational' | 'market' | 'system';
export type AlertState = 'pending' | 'firing' | 'acknowledged' | 'resolved';
export type AlertClass = 'critical' | 'warning' | 'information' | 'predictive';
export type KpiDirection = 'higher_is_better' | 'lower_is_better' | 'target_is_best';

export const SEVERITIES: readonly Severity[] = ['critical', 'warning', 'info'];
export const ALERT_CATEGORIES: readonly AlertCategory[] = ['financial', 'operational', 'market', 'system'];

export interface Alert {
  fingerprint: string;
  kpi: string;
  ruleId: string;
  series: Record<string, string>;
  labels: Record<string, string>;
  severity: Severity;
  category: AlertCategory;
  alertClass: AlertClass;
  state: AlertState;
  summary: string;
  value?: number;
  threshold?: number;
  priority: number;
  startsAt: number;
  firingAt?: number;
  acknowledgedAt?: number;
  acknowledgedBy?: string;
  resolvedAt?: number;
  updatedAt: number;
  flapping?: boolean;
}

export interface Actor {
  kind: 'system' | 'user' | 'slack' | 'api';
  name: string;
}

export interface AlertTransition {
  fingerprint: string;
  from: AlertState | null;
  to: AlertState;
  at: number;
  actor: Actor;
  reason: string;
}

export interface Incident {
  id: string;
  groupKey: string;
  title: string;
  severity: Severity;
  category: AlertCategory;
  alertClass: AlertClass;
  priority: number;
  state: Exclude<AlertState, 'pending'>;
  alerts: Alert[];
  kpis: string[];
  openedAt: number;
  updatedAt: number;
  resolvedAt?: number;
}

/** Where an incident's escalation stands (0-based level; `paged`: everyone told so far). */
export interface EscalationStatus {
  policy?: string;
  level: number;
  cycle?: number;
  state?: 'none' | 'notified' | 'active' | 'acknowledged' | 'exhausted' | 'resolved';
  /** Next level, or the acknowledgement timeout. */
  nextAt?: number;
  paged: string[];
}

/** GET /api/v1/incidents/:id. */
export interface IncidentDetail {
  incident: Incident;
  escalation: EscalationStatus;
  muted?: Array<{ fingerprint: string; reason: string; text: string }>;
  history: AlertTransition[];
}

/** One row of GET /api/v1/escalations: who is on which level of which open incident now. */
export interface EscalationEntry {
  incidentId: string;
  title: string;
  severity: Severity;
  priority?: number;
  incidentState?: Incident['state'];
  policy: string;
  policyName?: string;
  status?: string;
  cycle?: number;
  /** 0-based. */
  level: number;
  levelAt?: number;
  nextAt?: number;
  /** The current level's targets, resolved now (on-call schedules included). */
  targets: string[];
  channels?: string[];
}

/** One entry of the news feed (GET /api/v1/feed, newest first). `time` is epoch ms (ISO strings are read too). */
export interface FeedEvent {
  id?: string;
  time: number | string;
  title: string;
  text?: string;
  severity?: Severity;
  category?: AlertCategory;
  kpi?: string;
  from?: AlertState | null;
  to?: AlertState;
  fingerprint?: string;
  incident?: string;
}

export type MatcherOp = '=' | '!=' | '=~' | '!~';

export interface Matcher {
  name: string;
  value: string;
  op: MatcherOp;
}

/** POST /api/v1/silences: from the collector's now for `duration` ("30m", "4h", "2d"). */
export interface SilenceRequest {
  matchers: Matcher[];
  duration: string;
  comment: string;
  /** The person acting (recorded as "<user> (via <token name>)"). */
  user?: string;
}

export interface Silence {
  id: string;
  matchers: Matcher[];
  /** Epoch ms. */
  startsAt: number;
  endsAt: number;
  createdBy: string;
  comment: string;
  status?: 'pending' | 'active' | 'expired';
}

export interface PerPeriod {
  daily?: number;
  weekly?: number;
  monthly?: number;
}

export interface Bound {
  above?: number;
  below?: number;
}

/** One KPI of GET /api/v1/kpis: its definition from metrics_config.json and its current value. */
export interface KpiEntry {
  id: string;
  name: string;
  unit: string;
  category: 'financial' | 'operational' | 'market';
  description: string;
  source: string;
  dimensions: string[];
  cadence: string;
  kind: 'stock' | 'flow' | 'rate';
  rollups?: Array<'daily' | 'weekly' | 'monthly'>;
  formula?: string;
  direction?: KpiDirection;
  decimals?: number;
  target?: PerPeriod;
  budget?: PerPeriod;
  thresholds?: { critical?: Bound; warning?: Bound };
  impact?: number;
  labels?: Record<string, string>;
  rules?: Array<{ type: string; id?: string; severity?: Severity }>;
  current: { value: number; time: string } | null;
}

export interface KpiCatalog {
  company: { name: string; reportingCurrency: string; timezone: string };
  kpis: KpiEntry[];
}

export interface HistoryPoint {
  time: string | number;
  value: number;
}

/** GET /api/v1/health (the parts the Health page shows; everything else is listed as raw JSON). */
export interface HealthReport {
  status: string;
  storage?: {
    influxUrl?: string;
    database?: string;
    spool?: { records: number; bytes: number; segments?: number };
    writer?: {
      shippedPoints?: number;
      retries?: number;
      rejectedRecords?: number;
      lagMs?: number;
      outage?: boolean;
      inFlightBatches?: number;
      lastError?: { code: string; message: string; atMs: number };
    };
  };
  ingest?: { acceptedPoints?: number; computedPoints?: number };
  configuration?: { generation?: number; loadedAt?: string; lastError?: string | null };
  sources?: unknown;
  /** Outbox counts by delivery status and channel circuit breakers. */
  notifications?: unknown;
  [key: string]: unknown;
}
