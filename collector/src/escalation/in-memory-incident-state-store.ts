import type { Alert, Incident } from '../alerting/alert-model';
import type { IncidentRecord } from '../consolidation/incident-record';
import type { EscalationRecord } from './escalation-record';
import {
  changedAlerts,
  compareNewestFirst,
  withoutAlerts,
  type IncidentChange,
  type IncidentStateStore,
} from './incident-state-store';

/**
 * An `IncidentStateStore` in Maps, for tests. It keeps incidents and their alerts apart and as JSON
 * like the SQL store, so a caller that forgets to name a changed alert loses it here too.
 */
export class InMemoryIncidentStateStore implements IncidentStateStore {
  private readonly incidents = new Map<string, string>();
  private readonly alerts = new Map<string, Map<string, { position: number; json: string }>>();
  private readonly escalations = new Map<string, string>();
  /** Commits made, for tests that check what was written. */
  commits = 0;

  async commit(changes: { incidents?: readonly IncidentChange[]; escalations?: readonly EscalationRecord[] }): Promise<void> {
    const rows = (changes.incidents ?? []).map((c) => ({ id: c.record.incident.id, meta: JSON.stringify(withoutAlerts(c.record)), alerts: changedAlerts(c) }));
    const escalations = (changes.escalations ?? []).map((r) => [r.incidentId, JSON.stringify(r)] as const);
    for (const row of rows) {
      this.incidents.set(row.id, row.meta);
      const own = this.alerts.get(row.id) ?? new Map<string, { position: number; json: string }>();
      for (const a of row.alerts) own.set(a.fingerprint, { position: a.position, json: a.json });
      this.alerts.set(row.id, own);
    }
    for (const [id, text] of escalations) this.escalations.set(id, text);
    this.commits++;
  }

  async loadOpen(): Promise<{ incidents: IncidentRecord[]; escalations: EscalationRecord[] }> {
    return {
      incidents: this.allIncidents().filter((r) => !r.closed).sort(compareNewestFirst),
      escalations: [...this.escalations.values()].map((t) => JSON.parse(t) as EscalationRecord).filter((r) => !r.closed),
    };
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    return this.incidents.has(id) ? this.read(id) : undefined;
  }

  async getEscalation(incidentId: string): Promise<EscalationRecord | undefined> {
    const text = this.escalations.get(incidentId);
    return text === undefined ? undefined : (JSON.parse(text) as EscalationRecord);
  }

  async listIncidents(filter: { state?: Incident['state']; limit?: number } = {}): Promise<IncidentRecord[]> {
    const all = this.allIncidents()
      .filter((r) => filter.state === undefined || r.incident.state === filter.state)
      .sort(compareNewestFirst);
    return filter.limit === undefined ? all : all.slice(0, filter.limit);
  }

  async pruneClosed(before: number): Promise<number> {
    let n = 0;
    for (const r of this.allIncidents()) {
      if (r.closed && r.incident.resolvedAt !== undefined && r.incident.resolvedAt < before) {
        this.incidents.delete(r.incident.id);
        this.alerts.delete(r.incident.id);
        this.escalations.delete(r.incident.id);
        n++;
      }
    }
    return n;
  }

  private allIncidents(): IncidentRecord[] {
    return [...this.incidents.keys()].map((id) => this.read(id));
  }

  private read(id: string): IncidentRecord {
    const meta = JSON.parse(this.incidents.get(id)!) as IncidentRecord;
    const alerts = [...(this.alerts.get(id)?.values() ?? [])].sort((a, b) => a.position - b.position).map((a) => JSON.parse(a.json) as Alert);
    return { ...meta, incident: { ...meta.incident, alerts } };
  }
}
