import type { Alert, Incident } from '../../alerting/alert-model';
import type { IncidentRecord } from '../../consolidation/incident-record';
import type { EscalationRecord } from '../../escalation/escalation-record';
import { compareNewestFirst, withoutAlerts, type IncidentChange, type IncidentStateStore } from '../../escalation/incident-state-store';

/**
 * An `IncidentStateStore` in memory for long replays. Same contract as the test fake
 * (escalation/in-memory-incident-state-store.ts: alerts kept one by one, only those a change
 * names are written, reads hand out copies) but it keeps the values themselves instead of JSON
 * text: the fake's hourly prune parses every stored incident again, which dominated a year's
 * replay with thousands of incidents kept for 90 days. Writes never copy (records are values the
 * incident manager replaces, never changes); reads copy.
 */
export class ReplayIncidentStateStore implements IncidentStateStore {
  /** Incident id → the record without its alerts. */
  private readonly meta = new Map<string, IncidentRecord>();
  private readonly alerts = new Map<string, Map<string, { position: number; alert: Alert }>>();
  private readonly escalations = new Map<string, EscalationRecord>();

  async commit(changes: { incidents?: readonly IncidentChange[]; escalations?: readonly EscalationRecord[] }): Promise<void> {
    for (const change of changes.incidents ?? []) {
      const id = change.record.incident.id;
      this.meta.set(id, withoutAlerts(change.record));
      const own = this.alerts.get(id) ?? new Map<string, { position: number; alert: Alert }>();
      const wanted = change.alerts === undefined ? undefined : new Set(change.alerts);
      change.record.incident.alerts.forEach((alert, position) => {
        if (wanted === undefined || wanted.has(alert.fingerprint)) own.set(alert.fingerprint, { position, alert });
      });
      this.alerts.set(id, own);
    }
    for (const escalation of changes.escalations ?? []) this.escalations.set(escalation.incidentId, escalation);
  }

  async loadOpen(): Promise<{ incidents: IncidentRecord[]; escalations: EscalationRecord[] }> {
    return {
      incidents: this.ids((r) => !r.closed).map((id) => this.read(id)).sort(compareNewestFirst),
      escalations: [...this.escalations.values()].filter((e) => !e.closed).map((e) => structuredClone(e)),
    };
  }

  async getIncident(id: string): Promise<IncidentRecord | undefined> {
    return this.meta.has(id) ? this.read(id) : undefined;
  }

  async getEscalation(incidentId: string): Promise<EscalationRecord | undefined> {
    const e = this.escalations.get(incidentId);
    return e === undefined ? undefined : structuredClone(e);
  }

  async listIncidents(filter: { state?: Incident['state']; limit?: number } = {}): Promise<IncidentRecord[]> {
    const all = this.ids((r) => filter.state === undefined || r.incident.state === filter.state)
      .map((id) => this.read(id))
      .sort(compareNewestFirst);
    return filter.limit === undefined ? all : all.slice(0, filter.limit);
  }

  async pruneClosed(before: number): Promise<number> {
    let n = 0;
    for (const [id, r] of this.meta) {
      if (r.closed && r.incident.resolvedAt !== undefined && r.incident.resolvedAt < before) {
        this.meta.delete(id);
        this.alerts.delete(id);
        this.escalations.delete(id);
        n++;
      }
    }
    return n;
  }

  /** Incidents kept (open, and closed within the retention). */
  get size(): number {
    return this.meta.size;
  }

  private ids(keep: (meta: IncidentRecord) => boolean): string[] {
    return [...this.meta].filter(([, r]) => keep(r)).map(([id]) => id);
  }

  private read(id: string): IncidentRecord {
    const meta = this.meta.get(id)!;
    const alerts = [...(this.alerts.get(id)?.values() ?? [])].sort((a, b) => a.position - b.position).map((a) => a.alert);
    return structuredClone({ ...meta, incident: { ...meta.incident, alerts } });
  }
}
