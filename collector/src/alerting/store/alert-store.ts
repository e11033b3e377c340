import type { AlertFilter } from '../alert-filter';
import type { Alert, AlertTransition } from '../alert-model';
import type { StoredAlert, StoredTransition } from '../lifecycle/alert-lifecycle';
import type { PersistedSeries } from '../rules/series-table';

/**
 * The alert store: current alerts (one row per fingerprint, with the lifecycle bookkeeping that
 * lets a restart resume `for` timers, event holds and flapping), the full audit history of
 * transitions (who, when, why), and the rules' per-series state (hysteresis, windows, last seen).
 *
 * The engine is pure; the composition root moves its changes here:
 *   await store.apply(engine.drainChanges())        after calls that returned transitions, and on an interval
 *   engine.restore(await store.load({ resolvedSince: now - RESOLVED_RETENTION_MS }), now)   at start
 */

/** One rule's state for one series, as stored. */
export interface RuleStateRow {
  /** `<kpi>/<ruleId>`. */
  readonly ruleKey: string;
  /** The rule's version when the state was written; state of another version is not restored. */
  readonly version: string;
  readonly series: string;
  readonly persisted: PersistedSeries;
}

/** A changed series state; `persisted` undefined = the series was dropped. */
export interface RuleStateChange {
  readonly ruleKey: string;
  readonly version: string;
  readonly series: string;
  readonly persisted: PersistedSeries | undefined;
}

/** Stored rule state that no longer applies: every row of `ruleKey`, except those of `keepVersion`. */
export interface StaleRuleState {
  readonly ruleKey: string;
  readonly keepVersion?: string;
}

/** What changed in the engine since the last drain. Applied atomically. */
export interface AlertChanges {
  readonly alerts: readonly StoredAlert[];
  readonly history: readonly StoredTransition[];
  readonly ruleStates: readonly RuleStateChange[];
  readonly staleRuleStates: readonly StaleRuleState[];
}

/** What a restarted engine resumes from. */
export interface AlertEngineSnapshot {
  readonly alerts: readonly StoredAlert[];
  readonly ruleStates: readonly RuleStateRow[];
}

export interface AlertListQuery extends AlertFilter {
  /** At most this many alerts (default 500). */
  readonly limit?: number;
}

export interface AlertStore {
  /**
   * Applies one batch of changes in one transaction: history rows appended (a row already stored
   * is left alone, so applying a batch twice is harmless), alerts and rule states upserted, stale
   * rule state deleted. Throws FinmonError STORAGE_UNAVAILABLE / STORAGE_REJECTED; nothing is
   * applied then.
   */
  apply(changes: AlertChanges): Promise<void>;
  /** Open alerts, alerts resolved at or after `resolvedSince` or held by a manual resolve, and every rule state. */
  load(options: { resolvedSince: number }): Promise<AlertEngineSnapshot>;
  /** Alerts of every age, filtered; open first, then by priority and start time. */
  listAlerts(query?: AlertListQuery): Promise<Alert[]>;
  /** One alert with its history (oldest first); undefined when unknown. */
  getAlert(fingerprint: string): Promise<{ alert: Alert; history: AlertTransition[] } | undefined>;
  /** The history of one fingerprint, oldest first (all cycles). */
  history(fingerprint: string): Promise<AlertTransition[]>;
}

/** Rows per INSERT statement (well below SQLite's parameter limit). */
export const STORE_BATCH_ROWS = 200;
