import type { AlertCategory, ChannelName } from '../config/notification-settings-schema';
import type { RuleType } from '../config/rule-schema';
import type { Severity } from '../config/scalar-schemas';

/**
 * The shared vocabulary of the alerting pipeline:
 *
 *   evaluate rules → alert lifecycle → consolidate (group, inhibit, silence, correlate)
 *     → escalate → route → deliver
 *
 * Every stage passes these plain, immutable values on; none of them holds I/O. Times are epoch ms
 * from the injected clock.
 */

export type { AlertCategory, ChannelName, RuleType, Severity };

/** pending → firing → acknowledged → resolved (pending may also go straight to resolved). */
export type AlertState = 'pending' | 'firing' | 'acknowledged' | 'resolved';

/** The four alert classes people see: critical, warning, information and predictive (forecast rules). */
export type AlertClass = 'critical' | 'warning' | 'information' | 'predictive';

/** Rule kinds plus the alerts the collector raises about itself (a source's error streak). */
export type AlertOrigin = RuleType | 'source_failure';

/** One alert: a rule's condition on one series (or one source), identified by its fingerprint. */
export interface Alert {
  /** Stable over restarts: a hash of kpi, rule id and the series' tags (see `alertFingerprint`). */
  readonly fingerprint: string;
  readonly kpi: string;
  /** The rule's id (`rules[i].id`, or `<type>-<i>` when the rule has none). */
  readonly ruleId: string;
  readonly origin: AlertOrigin;
  /** The series' tags (account, currency, department…); empty for KPI-wide alerts. */
  readonly series: Readonly<Record<string, string>>;
  /**
   * Labels for grouping, routing and matching: `kpi`, `rule`, `severity`, `category`, `class`,
   * `source` (the KPI's source), the KPI's and rule's labels (e.g. `team`) and the series' tags.
   */
  readonly labels: Readonly<Record<string, string>>;
  readonly severity: Severity;
  readonly category: AlertCategory;
  readonly alertClass: AlertClass;
  readonly state: AlertState;
  /** One line for people, e.g. "Cash position ops-usd 812,400 USD is below 1,000,000 USD". */
  readonly summary: string;
  /** The value that triggered or last updated the alert, and the threshold it was compared with. */
  readonly value?: number;
  readonly threshold?: number;
  /** Kind-specific facts (window, target, variance %, headroom %, probability, band…). */
  readonly details: Readonly<Record<string, string | number | boolean>>;
  /** 0–100 from severity and the KPI's business impact (see `alertPriority`). */
  readonly priority: number;
  /** When the condition was first seen (pending since). */
  readonly startsAt: number;
  readonly firingAt?: number;
  readonly acknowledgedAt?: number;
  readonly acknowledgedBy?: string;
  readonly resolvedAt?: number;
  readonly updatedAt: number;
  /** Too many state changes within the flapping window: notifications wait until it settles. */
  readonly flapping: boolean;
  /** The configuration file the rule came from, e.g. "metrics_config.json". */
  readonly ruleFile: string;
}

/** Who or what caused a transition: the engine, a person (token name), Slack user, API… */
export interface Actor {
  readonly kind: 'system' | 'user' | 'slack' | 'api';
  readonly name: string;
}

/** One state change of one alert, kept in the audit history. */
export interface AlertTransition {
  readonly fingerprint: string;
  readonly from: AlertState | null;
  readonly to: AlertState;
  readonly at: number;
  readonly actor: Actor;
  /** Why, in words: "value 812,400 below 1,000,000 for 15m", "acknowledged: looking into it". */
  readonly reason: string;
  /** The alert after the transition. */
  readonly alert: Alert;
}

/** An incident: alerts consolidated into one thing to notify about (a group or a correlation). */
export interface Incident {
  readonly id: string;
  /** The grouping key (label values of the group-by labels) or correlation key. */
  readonly groupKey: string;
  readonly title: string;
  /** Highest of its alerts. */
  readonly severity: Severity;
  readonly category: AlertCategory;
  readonly alertClass: AlertClass;
  readonly priority: number;
  /** firing while any alert fires; acknowledged when all firing alerts are acknowledged. */
  readonly state: Exclude<AlertState, 'pending'>;
  readonly alerts: readonly Alert[];
  readonly kpis: readonly string[];
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly resolvedAt?: number;
}

/** Why a dispatch is sent. */
export type DispatchReason =
  | 'firing' // first notification of an incident (after group wait)
  | 'update' // new alerts joined the incident (after group interval)
  | 'repeat' // still firing after the repeat interval
  | 'escalation' // the next escalation level
  | 'ack_timeout' // acknowledged but still unresolved after the policy's ackTimeout
  | 'resolved' // the incident resolved: everyone paged so far is told at once
  | 'information'; // info alerts (milestones); daily summaries are digests, built by the notify layer

/**
 * What escalation hands to delivery: one message about one incident for some recipients.
 * Delivery (the notify layer) expands it per recipient × channel, applying preferences, quiet
 * hours, rate limits, deduplication and fallback, and stores it in the outbox before sending.
 */
export interface Dispatch {
  /**
   * Idempotency key, deterministic: `${incident.id}:${reason}:${sequence}`. The same key is never
   * delivered twice to the same recipient on the same channel, also across restarts.
   */
  readonly key: string;
  readonly reason: DispatchReason;
  readonly incident: Incident;
  /** Recipient ids (roles and on-call schedules already resolved at `at`). */
  readonly recipients: readonly string[];
  /** Channels to use; undefined = each recipient's own channels. */
  readonly channels?: readonly ChannelName[];
  /** Escalation level (0-based) and policy, when sent by escalation. */
  readonly level?: number;
  readonly policy?: string;
  readonly at: number;
}

/** The delivery side as escalation sees it: resolves once the dispatch is durably stored. */
export interface DispatchSink {
  submit(dispatch: Dispatch): Promise<void>;
}

/** Severity order: critical > warning > info. */
export const SEVERITY_RANK: Readonly<Record<Severity, number>> = { critical: 3, warning: 2, info: 1 };
