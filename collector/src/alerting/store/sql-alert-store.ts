import type { Kysely } from 'kysely';
import type { Clock } from '../../core/clock';
import type { Database } from '../../storage/state/database';
import { runStateQuery } from '../../storage/state/state-db-errors';
import type { Alert, AlertTransition } from '../alert-model';
import type { StoredAlert, StoredTransition } from '../lifecycle/alert-lifecycle';
import {
  STORE_BATCH_ROWS,
  type AlertChanges,
  type AlertEngineSnapshot,
  type AlertListQuery,
  type AlertStore,
  type RuleStateRow,
} from './alert-store';
import { decodeStoredAlert, decodePersistedSeries, decodeTransitionAlert, filterValues } from './stored-alert-codec';

/** The `alerts` table (migration 0002-alerts). */
export interface AlertsTable {
  fingerprint: string;
  kpi: string;
  rule_id: string;
  origin: string;
  state: string;
  severity: string;
  category: string;
  alert_class: string;
  priority: number;
  starts_at: number;
  updated_at: number;
  resolved_at: number | null;
  /** 0 or 1. */
  manually_resolved: number;
  /** The Alert as JSON. */
  alert: string;
  /** The AlertRecordState as JSON. */
  lifecycle: string;
}

/** The `alert_history` table. */
export interface AlertHistoryTable {
  fingerprint: string;
  at: number;
  seq: number;
  from_state: string | null;
  to_state: string;
  actor_kind: string;
  actor_name: string;
  reason: string;
  /** The alert after the transition, as JSON. */
  alert: string;
}

/** The `alert_rule_state` table. */
export interface AlertRuleStateTable {
  rule_key: string;
  series_key: string;
  version: string;
  /** The PersistedSeries as JSON. */
  state: string;
  updated_at: number;
}

export type AlertTables = {
  alerts: AlertsTable;
  alert_history: AlertHistoryTable;
  alert_rule_state: AlertRuleStateTable;
};

type Db = Kysely<Database & AlertTables>;

/**
 * The AlertStore in the state database (kysely; SQLite and PostgreSQL). Rows that cannot be
 * decoded are skipped by `load` and listed in `problems` (the rest of the state still loads).
 */
export class SqlAlertStore implements AlertStore {
  private readonly db: Db;
  /** Rows `load` skipped, with why (for the log). */
  problems: string[] = [];

  constructor(
    db: Kysely<Database>,
    private readonly clock: Clock,
  ) {
    this.db = db.withTables<AlertTables>();
  }

  async apply(changes: AlertChanges): Promise<void> {
    const { alerts, history, ruleStates, staleRuleStates } = changes;
    if (alerts.length + history.length + ruleStates.length + staleRuleStates.length === 0) return;
    const now = this.clock.now();
    const alertRows = alerts.map(alertRow);
    const historyRows = history.map(historyRow);
    const upserts = ruleStates.filter((r) => r.persisted !== undefined);
    const deletes = ruleStates.filter((r) => r.persisted === undefined);
    await runStateQuery(`save ${alerts.length} alert(s), ${history.length} transition(s), ${ruleStates.length} rule state(s)`, () =>
      this.db.transaction().execute(async (tx) => {
        for (const stale of staleRuleStates) {
          let q = tx.deleteFrom('alert_rule_state').where('rule_key', '=', stale.ruleKey);
          if (stale.keepVersion !== undefined) q = q.where('version', '!=', stale.keepVersion);
          await q.execute();
        }
        for (const rows of chunks(historyRows)) {
          await tx
            .insertInto('alert_history')
            .values(rows)
            .onConflict((oc) => oc.columns(['fingerprint', 'at', 'seq']).doNothing())
            .execute();
        }
        for (const rows of chunks(alertRows)) {
          await tx
            .insertInto('alerts')
            .values(rows)
            .onConflict((oc) =>
              oc.column('fingerprint').doUpdateSet((eb) => ({
                kpi: eb.ref('excluded.kpi'),
                rule_id: eb.ref('excluded.rule_id'),
                origin: eb.ref('excluded.origin'),
                state: eb.ref('excluded.state'),
                severity: eb.ref('excluded.severity'),
                category: eb.ref('excluded.category'),
                alert_class: eb.ref('excluded.alert_class'),
                priority: eb.ref('excluded.priority'),
                starts_at: eb.ref('excluded.starts_at'),
                updated_at: eb.ref('excluded.updated_at'),
                resolved_at: eb.ref('excluded.resolved_at'),
                manually_resolved: eb.ref('excluded.manually_resolved'),
                alert: eb.ref('excluded.alert'),
                lifecycle: eb.ref('excluded.lifecycle'),
              })),
            )
            .execute();
        }
        for (const rows of chunks(upserts)) {
          await tx
            .insertInto('alert_rule_state')
            .values(
              rows.map((r) => ({ rule_key: r.ruleKey, series_key: r.series, version: r.version, state: JSON.stringify(r.persisted), updated_at: now })),
            )
            .onConflict((oc) =>
              oc.columns(['rule_key', 'series_key']).doUpdateSet((eb) => ({
                version: eb.ref('excluded.version'),
                state: eb.ref('excluded.state'),
                updated_at: eb.ref('excluded.updated_at'),
              })),
            )
            .execute();
        }
        for (const r of deletes) {
          await tx.deleteFrom('alert_rule_state').where('rule_key', '=', r.ruleKey).where('series_key', '=', r.series).execute();
        }
      }),
    );
  }

  async load(options: { resolvedSince: number }): Promise<AlertEngineSnapshot> {
    const problems: string[] = [];
    const alertRows = await runStateQuery('load alerts', () =>
      this.db
        .selectFrom('alerts')
        .selectAll()
        .where((eb) =>
          eb.or([eb('state', '!=', 'resolved'), eb('updated_at', '>=', options.resolvedSince), eb('manually_resolved', '=', 1)]),
        )
        .execute(),
    );
    const alerts: StoredAlert[] = [];
    for (const row of alertRows) {
      const decoded = decodeStoredAlert(row.alert, row.lifecycle);
      if (typeof decoded === 'string') problems.push(`alert ${row.fingerprint}: ${decoded}`);
      else alerts.push(decoded);
    }
    const stateRows = await runStateQuery('load alert rule state', () => this.db.selectFrom('alert_rule_state').selectAll().execute());
    const ruleStates: RuleStateRow[] = [];
    for (const row of stateRows) {
      const persisted = decodePersistedSeries(row.state);
      if (typeof persisted === 'string') problems.push(`rule state ${row.rule_key} ${row.series_key}: ${persisted}`);
      else ruleStates.push({ ruleKey: row.rule_key, version: row.version, series: row.series_key, persisted });
    }
    this.problems = problems;
    return { alerts, ruleStates };
  }

  async listAlerts(query: AlertListQuery = {}): Promise<Alert[]> {
    const rows = await runStateQuery('list alerts', () => {
      let q = this.db.selectFrom('alerts').select(['fingerprint', 'alert', 'lifecycle']);
      const state = filterValues(query.state);
      const severity = filterValues(query.severity);
      const category = filterValues(query.category);
      const alertClass = filterValues(query.alertClass);
      const kpi = filterValues(query.kpi);
      if (state !== undefined) q = q.where('state', 'in', state);
      if (severity !== undefined) q = q.where('severity', 'in', severity);
      if (category !== undefined) q = q.where('category', 'in', category);
      if (alertClass !== undefined) q = q.where('alert_class', 'in', alertClass);
      if (kpi !== undefined) q = q.where('kpi', 'in', kpi);
      // Open alerts first (resolved_at is null while open), then priority and start time.
      return q
        .orderBy((eb) => eb.case().when('state', '=', 'resolved').then(1).else(0).end())
        .orderBy('priority', 'desc')
        .orderBy('starts_at', 'desc')
        .orderBy('fingerprint')
        .limit(query.limit ?? 500)
        .execute();
    });
    const out: Alert[] = [];
    for (const row of rows) {
      const decoded = decodeStoredAlert(row.alert, row.lifecycle);
      if (typeof decoded !== 'string') out.push(decoded.alert);
    }
    return out;
  }

  async getAlert(fingerprint: string): Promise<{ alert: Alert; history: AlertTransition[] } | undefined> {
    const row = await runStateQuery(`read alert ${fingerprint}`, () =>
      this.db.selectFrom('alerts').select(['alert', 'lifecycle']).where('fingerprint', '=', fingerprint).executeTakeFirst(),
    );
    if (row === undefined) return undefined;
    const decoded = decodeStoredAlert(row.alert, row.lifecycle);
    if (typeof decoded === 'string') return undefined;
    return { alert: decoded.alert, history: await this.history(fingerprint) };
  }

  async history(fingerprint: string): Promise<AlertTransition[]> {
    const rows = await runStateQuery(`read history of alert ${fingerprint}`, () =>
      this.db.selectFrom('alert_history').selectAll().where('fingerprint', '=', fingerprint).orderBy('at').orderBy('seq').execute(),
    );
    const out: AlertTransition[] = [];
    for (const row of rows) {
      const alert = decodeTransitionAlert(row.alert);
      if (alert === undefined) continue;
      out.push({
        fingerprint: row.fingerprint,
        from: row.from_state as AlertTransition['from'],
        to: row.to_state as AlertTransition['to'],
        at: row.at,
        actor: { kind: row.actor_kind as AlertTransition['actor']['kind'], name: row.actor_name },
        reason: row.reason,
        alert,
      });
    }
    return out;
  }
}

function alertRow(stored: StoredAlert): AlertsTable {
  const a = stored.alert;
  return {
    fingerprint: a.fingerprint,
    kpi: a.kpi,
    rule_id: a.ruleId,
    origin: a.origin,
    state: a.state,
    severity: a.severity,
    category: a.category,
    alert_class: a.alertClass,
    priority: a.priority,
    starts_at: a.startsAt,
    updated_at: a.updatedAt,
    resolved_at: a.resolvedAt ?? null,
    manually_resolved: stored.lifecycle.manuallyResolved ? 1 : 0,
    alert: JSON.stringify(a),
    lifecycle: JSON.stringify(stored.lifecycle),
  };
}

function historyRow(entry: StoredTransition): AlertHistoryTable {
  const t = entry.transition;
  return {
    fingerprint: t.fingerprint,
    at: t.at,
    seq: entry.seq,
    from_state: t.from,
    to_state: t.to,
    actor_kind: t.actor.kind,
    actor_name: t.actor.name,
    reason: t.reason,
    alert: JSON.stringify(t.alert),
  };
}

function* chunks<T>(rows: readonly T[]): Generator<T[]> {
  for (let i = 0; i < rows.length; i += STORE_BATCH_ROWS) yield rows.slice(i, i + STORE_BATCH_ROWS);
}
