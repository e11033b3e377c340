import type { IncidentRecord } from '../../consolidation/incident-record';
import { buildIncident } from '../../consolidation/incident-record';
import { alert, HOUR, T0 } from '../../consolidation/test-support/alert-fixtures';
import type { EscalationRecord } from '../escalation-record';
import type { IncidentStateStore } from '../incident-state-store';

export type IncidentStoreFactory = () => Promise<{ store: IncidentStateStore; dispose(): Promise<void> }>;

export function incidentRecord(id: string, openedAt: number, options: { resolved?: number; closed?: boolean; acked?: boolean } = {}): IncidentRecord {
  const state = options.resolved !== undefined ? 'resolved' : options.acked ? 'acknowledged' : 'firing';
  const a = alert({ fingerprint: `${id}-a`, firingAt: openedAt, state, ...(options.resolved === undefined ? {} : { resolvedAt: options.resolved }) });
  return {
    incident: buildIncident({ id, groupKey: `{kpi="${id}"}`, alerts: [a], openedAt, updatedAt: options.resolved ?? openedAt }),
    groupKeys: [`{kpi="${id}"}`],
    firstFlushAt: openedAt + 30_000,
    nextFlushAt: openedAt + 30_000,
    notifications: 0,
    closed: options.closed ?? false,
  };
}

export function escalationRecord(incidentId: string, nextAt: number | undefined, closed = false): EscalationRecord {
  return {
    incidentId,
    routes: ['critical-treasury'],
    tracks: [{ policy: 'finance-critical', status: 'active', cycle: 0, level: 1, levelAt: T0, ...(nextAt === undefined ? {} : { nextAt }) }],
    paged: [{ id: 'priya', channels: ['sms'], at: T0 }],
    sequence: 2,
    closed,
    updatedAt: T0,
  };
}

/** The behaviour every `IncidentStateStore` shares; call inside a describe block. */
export function incidentStateStoreContract(factory: IncidentStoreFactory): void {
  let store: IncidentStateStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory());
  });
  afterEach(async () => dispose());

  it('round-trips incidents and escalations and replaces them on a second commit', async () => {
    const open = incidentRecord('inc-a', T0);
    const esc = escalationRecord('inc-a', T0 + HOUR);
    await store.commit({ incidents: [{ record: open }], escalations: [esc] });
    expect(await store.getIncident('inc-a')).toEqual(open);
    expect(await store.getEscalation('inc-a')).toEqual(esc);
    const later = { ...open, notifications: 3, nextFlushAt: T0 + 2 * HOUR };
    const climbed = { ...esc, sequence: 3 };
    await store.commit({ incidents: [{ record: later, alerts: [] }], escalations: [climbed] });
    expect(await store.getIncident('inc-a')).toEqual(later);
    expect(await store.getEscalation('inc-a')).toEqual(climbed);
    expect(await store.getIncident('inc-none')).toBeUndefined();
    expect(await store.getEscalation('inc-none')).toBeUndefined();
  });

  it('loads only what is not closed', async () => {
    await store.commit({
      incidents: [incidentRecord('inc-open', T0), incidentRecord('inc-done', T0, { resolved: T0 + HOUR, closed: true })].map((record) => ({ record })),
      escalations: [escalationRecord('inc-open', T0 + HOUR), escalationRecord('inc-done', undefined, true)],
    });
    const loaded = await store.loadOpen();
    expect(loaded.incidents.map((r) => r.incident.id)).toEqual(['inc-open']);
    expect(loaded.escalations.map((r) => r.incidentId)).toEqual(['inc-open']);
  });

  it('lists newest first, by state, with a limit', async () => {
    await store.commit({
      incidents: [
        incidentRecord('inc-1', T0),
        incidentRecord('inc-2', T0 + HOUR, { acked: true }),
        incidentRecord('inc-3', T0 + 2 * HOUR, { resolved: T0 + 3 * HOUR, closed: true }),
        incidentRecord('inc-0', T0),
      ].map((record) => ({ record })),
    });
    expect((await store.listIncidents()).map((r) => r.incident.id)).toEqual(['inc-3', 'inc-2', 'inc-0', 'inc-1']);
    expect((await store.listIncidents({ state: 'firing' })).map((r) => r.incident.id)).toEqual(['inc-0', 'inc-1']);
    expect((await store.listIncidents({ state: 'resolved' })).map((r) => r.incident.id)).toEqual(['inc-3']);
    expect((await store.listIncidents({ limit: 2 })).map((r) => r.incident.id)).toEqual(['inc-3', 'inc-2']);
  });

  it('prunes closed incidents resolved before a time, with their escalations', async () => {
    await store.commit({
      incidents: [
        incidentRecord('old', T0, { resolved: T0 + HOUR, closed: true }),
        incidentRecord('recent', T0, { resolved: T0 + 10 * HOUR, closed: true }),
        incidentRecord('open', T0 - 100 * HOUR),
      ].map((record) => ({ record })),
      escalations: [escalationRecord('old', undefined, true), escalationRecord('recent', undefined, true)],
    });
    expect(await store.pruneClosed(T0 + 5 * HOUR)).toBe(1);
    expect(await store.getIncident('old')).toBeUndefined();
    expect(await store.getEscalation('old')).toBeUndefined();
    expect(await store.getIncident('recent')).toBeDefined();
    expect(await store.getEscalation('recent')).toBeDefined();
    expect(await store.getIncident('open')).toBeDefined();
  });

  it('writes only the alerts a change names, keeping the others and their order', async () => {
    const first = incidentRecord('inc-a', T0);
    await store.commit({ incidents: [{ record: first }] });
    const a0 = first.incident.alerts[0]!;
    const a1 = alert({ fingerprint: 'inc-a-b', firingAt: T0 + 1 });
    const a2 = alert({ fingerprint: 'inc-a-c', firingAt: T0 + 2 });
    const grown = { ...first, incident: { ...first.incident, alerts: [a0, a1, a2] } };
    await store.commit({ incidents: [{ record: grown, alerts: ['inc-a-b', 'inc-a-c'] }] });
    expect(await store.getIncident('inc-a')).toEqual(grown);
    // A change that names no alert keeps the stored alerts even if the record's differ.
    const acked = { ...a0, state: 'acknowledged' as const };
    const unnamed = { ...grown, notifications: 1, incident: { ...grown.incident, alerts: [acked, a1, a2] } };
    await store.commit({ incidents: [{ record: unnamed, alerts: [] }] });
    expect((await store.getIncident('inc-a'))!.incident.alerts[0]!.state).toBe('firing');
    expect((await store.getIncident('inc-a'))!.notifications).toBe(1);
    await store.commit({ incidents: [{ record: unnamed, alerts: [a0.fingerprint] }] });
    expect((await store.getIncident('inc-a'))!.incident.alerts.map((a) => a.state)).toEqual(['acknowledged', 'firing', 'firing']);
    expect((await store.listIncidents())[0]).toEqual(unnamed);
    expect((await store.loadOpen()).incidents[0]).toEqual(unnamed);
  });

  it('hands out copies', async () => {
    await store.commit({ incidents: [{ record: incidentRecord('inc-a', T0) }] });
    const read = (await store.getIncident('inc-a')) as unknown as { groupKeys: string[] };
    read.groupKeys.push('changed');
    expect((await store.getIncident('inc-a'))!.groupKeys).toEqual(['{kpi="inc-a"}']);
  });
}
