import type { Kysely, Transaction } from 'kysely';
import type { Alert, Incident } from '../alerting/alert-model';
import type { IncidentRecord } from '../consolidation/incident-record';
import type { Database } from '../storage/state/database';
import { runStateQuery } from '../storage/state/state-db-errors';
import type { EscalationRecord } from './escalation-record';
import {
  changedAlerts,
  compareNewestFirst,
  withoutAlerts,
  type IncidentChange,
  type IncidentStateStore,
} from './incident-state-store';

/** The `incidents` table (migration 0003-consolidation-escalation). */
export interface IncidentsTable {
  id: string;
  group_key: string;
  state: string;
  severity: string;
  priority: number;
  opened_at: number;
  updated_at: number;
  resolved_at: number | null;
  next_flush_at: number | null;
  /** 0 or 1. */
  closed: number;
  /** The `IncidentRecord` as JSON, without its alerts. */
  record: string;
}

/** The `incident_alerts` table: one alert of one incident. */
export interface IncidentAlertsTable {
  incident_id: string;
  fingerprint: string;
  /** Index in the incident's alerts. */
  position: number;
  /** The `Alert` as JSON. */
  alert: string;
}

/** The `escalations` table (migration 0003-consolidation-escalation). */
export interface EscalationsTable {
  incident_id: string;
  /** The first track's status, `none` or `closed`. */
  status: string;
  policy: string | null;
  level: number;
  /** The earliest timer (next level or ack timeout). */
  next_at: number | null;
  closed: number;
  /** The `EscalationRecord` as JSON. */
  record: string;
  updated_at: number;
}

export type IncidentStateTables = {
  incidents: IncidentsTable;
  incident_alerts: IncidentAlertsTable;
  escalations: EscalationsTable;
};

type Tables = Database & IncidentStateTables;
type Db = Kysely<Tables>;

/** Rows per multi-row insert (4 parameters each; well under SQLite's and PostgreSQL's limits). */
const CHUNK = 250;

/** Incidents, their alerts and escalations in the state database; works on SQLite and PostgreSQL. */
export class SqlIncidentStateStore implements IncidentStateStore {
  private readonly db: Db;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<IncidentStateTables>();
  }

  async commit(changes: { incidents?: readonly IncidentChange[]; escalations?: readonly EscalationRecord[] }): Promise<void> {
    const incidents = changes.incidents ?? [];
    const escalations = (changes.escalations ?? []).map(escalationRow);
    if (incidents.length === 0 && escalations.length === 0) return;
    const alertRows = incidents.flatMap((c) =>
      changedAlerts(c).map((a) => ({ incident_id: c.record.incident.id, fingerprint: a.fingerprint, position: a.position, alert: a.json })),
    );
    await runStateQuery(`save ${incidents.length} incident(s), ${alertRows.length} alert(s) and ${escalations.length} escalation(s)`, () =>
      this.db.transaction().execute(async (trx: Transaction<Tables>) => {
        for (const change of incidents) {
          const row = incidentRow(change.record);
          const { id, ...rest } = row;
          void id;
          await trx.insertInto('incidents').values(row).onConflict((oc) => oc.column('id').doUpdateSet(rest)).execute();
        }
        for (let i = 0; i < alertRows.length; i += CHUNK) {
          await trx
            .insertInto('incident_alerts')
            .values(alertRows.slice(i, i + CHUNK))
            .onConflict((oc) =>
              oc.columns(['incident_id', 'fingerprint']).doUpdateSet((eb) => ({
                position: eb.ref('excluded.position'),
                alert: eb.ref('excluded.alert'),
              })),
            )
            .execute();
        }
        for (const row of escalations) {
          const { incident_id, ...rest } = row;
          void incident_id;
          await trx.insertInto('escalations').values(row).onConflict((oc) => oc.column('incident_id').doUpdateSet(rest)).execute();
        }
      }),
    );
  }

  async loadOpen(): Promise<{ incidents: IncidentRecord[]; escalations: EscalationRecord[] }> {
    return runStateQuery('load open incidents', async () => {
      const rows = await this.db.selectFrom('incidents').select(['id', 'record']).where('closed', '=', 0).execute();
      const alerts = await this.db
        .selectFrom('incident_alerts')
        .select(['incident_id', 'position', 'alert'])
        .where('incident_id', 'in', this.db.selectFrom('incidents').select('id').where('closed', '=', 0))
        .execute();
      const escalations = await this.db.selectFrom('escalations').select('record').where('closed', '=', 0).execute();
      return {
        incidents: assemble(rows, alerts).sort(compareNewestFirst),
        escalations: escalations.map((r) => JSON.parse(r.record) as EscalationRecord),
      };
    });
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    return runStateQuery(`read incident ${id}`, async () => {
      const rows = await this.db.selectFrom('incidents').select(['id', 'record']).where('id', '=', id).execute();
      if (rows.length === 0) return undefined;
      const alerts = await this.db.selectFrom('incident_alerts').select(['incident_id', 'position', 'alert']).where('incident_id', '=', id).execute();
      return assemble(rows, alerts)[0];
    });
  }

  async getEscalation(incidentId: string): Promise<EscalationRecord | undefined> {
    const row = await runStateQuery(`read escalation of incident ${incidentId}`, () =>
      this.db.selectFrom('escalations').select('record').where('incident_id', '=', incidentId).executeTakeFirst(),
    );
    return row === undefined ? undefined : (JSON.parse(row.record) as EscalationRecord);
  }

  async listIncidents(filter: { state?: Incident['state']; limit?: number } = {}): Promise<IncidentRecord[]> {
    return runStateQuery('list incidents', async () => {
      let query = this.db.selectFrom('incidents').select(['id', 'record']).orderBy('opened_at', 'desc').orderBy('id', 'asc');
      if (filter.state !== undefined) query = query.where('state', '=', filter.state);
      if (filter.limit !== undefined) query = query.limit(filter.limit);
      const rows = await query.execute();
      if (rows.length === 0) return [];
      const alerts = await this.db
        .selectFrom('incident_alerts')
        .select(['incident_id', 'position', 'alert'])
        .where('incident_id', 'in', rows.map((r) => r.id))
        .execute();
      return assemble(rows, alerts).sort(compareNewestFirst);
    });
  }

  async pruneClosed(before: number): Promise<number> {
    return runStateQuery('prune closed incidents', () =>
      this.db.transaction().execute(async (trx) => {
        const old = () => trx.selectFrom('incidents').select('id').where('closed', '=', 1).where('resolved_at', '<', before);
        await trx.deleteFrom('escalations').where('incident_id', 'in', old()).execute();
        await trx.deleteFrom('incident_alerts').where('incident_id', 'in', old()).execute();
        const result = await trx.deleteFrom('incidents').where('closed', '=', 1).where('resolved_at', '<', before).executeTakeFirst();
        return Number(result.numDeletedRows);
      }),
    );
  }
}

function assemble(
  rows: readonly { id: string; record: string }[],
  alertRows: readonly { incident_id: string; position: number; alert: string }[],
): IncidentRecord[] {
  const byIncident = new Map<string, { position: number; alert: string }[]>();
  for (const a of alertRows) {
    const list = byIncident.get(a.incident_id) ?? [];
    list.push(a);
    byIncident.set(a.incident_id, list);
  }
  return rows.map((row) => {
    const meta = JSON.parse(row.record) as IncidentRecord;
    const alerts = (byIncident.get(row.id) ?? []).sort((a, b) => a.position - b.position).map((a) => JSON.parse(a.alert) as Alert);
    return { ...meta, incident: { ...meta.incident, alerts } };
  });
}

function incidentRow(r: IncidentRecord): IncidentsTable {
  const i = r.incident;
  return {
    id: i.id,
    group_key: i.groupKey,
    state: i.state,
    severity: i.severity,
    priority: i.priority,
    opened_at: i.openedAt,
    updated_at: i.updatedAt,
    resolved_at: i.resolvedAt ?? null,
    next_flush_at: r.nextFlushAt ?? null,
    closed: r.closed ? 1 : 0,
    record: JSON.stringify(withoutAlerts(r)),
  };
}

function escalationRow(r: EscalationRecord): EscalationsTable {
  const first = r.tracks[0];
  let next: number | null = null;
  for (const t of r.tracks) if (t.nextAt !== undefined && (next === null || t.nextAt < next)) next = t.nextAt;
  return {
    incident_id: r.incidentId,
    status: r.closed ? 'closed' : (first?.status ?? 'none'),
    policy: first?.policy ?? null,
    level: first?.level ?? 0,
    next_at: r.closed ? null : next,
    closed: r.closed ? 1 : 0,
    record: JSON.stringify(r),
    updated_at: r.updatedAt,
  };
}
