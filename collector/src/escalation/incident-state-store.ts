import type { Incident } from '../alerting/alert-model';
import type { IncidentRecord } from '../consolidation/incident-record';
import type { EscalationRecord } from './escalation-record';

/** An incident to save, and which of its alerts changed since it was last saved. */
export interface IncidentChange {
  readonly record: IncidentRecord;
  /**
   * Fingerprints of the alerts added or changed since the last commit of this incident (alerts
   * are only ever added or replaced, never removed). Undefined: write them all.
   */
  readonly alerts?: readonly string[];
}

/**
 * Where incidents and their escalations live between restarts. One commit writes the records of a
 * step together (one transaction on SQL), so an incident and its escalation never disagree. The
 * alerts of an incident are kept one by one: a change writes only the alerts that changed.
 */
export interface IncidentStateStore {
  /** Inserts or replaces records, all or nothing. */
  commit(changes: { incidents?: readonly IncidentChange[]; escalations?: readonly EscalationRecord[] }): Promise<void>;
  /** Everything not closed: what a starting collector continues with. */
  loadOpen(): Promise<{ incidents: IncidentRecord[]; escalations: EscalationRecord[] }>;
  getIncident(id: string): Promise<IncidentRecord | undefined>;
  getEscalation(incidentId: string): Promise<EscalationRecord | undefined>;
  /** Incidents newest first (by opening time, then id), optionally of one state, at most `limit`. */
  listIncidents(filter?: { state?: Incident['state']; limit?: number }): Promise<IncidentRecord[]>;
  /** Forgets closed incidents (and their escalations) resolved before `before`; returns how many. */
  pruneClosed(before: number): Promise<number>;
}

/** Newest first: opening time, then id. */
export function compareNewestFirst(a: IncidentRecord, b: IncidentRecord): number {
  const x = a.incident;
  const y = b.incident;
  return y.openedAt - x.openedAt || (x.id < y.id ? -1 : x.id > y.id ? 1 : 0);
}

/** The record without its alerts (what the incident row holds). */
export function withoutAlerts(record: IncidentRecord): IncidentRecord {
  return { ...record, incident: { ...record.incident, alerts: [] } };
}

/** The alerts of a change to write, with their positions in the incident. */
export function changedAlerts(change: IncidentChange): { fingerprint: string; position: number; json: string }[] {
  const alerts = change.record.incident.alerts;
  const wanted = change.alerts === undefined ? undefined : new Set(change.alerts);
  const out: { fingerprint: string; position: number; json: string }[] = [];
  alerts.forEach((alert, position) => {
    if (wanted === undefined || wanted.has(alert.fingerprint)) out.push({ fingerprint: alert.fingerprint, position, json: JSON.stringify(alert) });
  });
  return out;
}
