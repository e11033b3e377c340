import fc from 'fast-check';
import type { Alert, AlertState } from '../alerting/alert-model';
import { ackCovers } from './incident-record';
import { alert, fire, HOUR, MINUTE, move, SECOND, T0 } from './test-support/alert-fixtures';
import { harness, type Sent } from './test-support/consolidation-harness';

/** 12 possible alerts: 3 KPIs (two related by gross margin) × 2 series × 2 severities. */
const UNIVERSE: Alert[] = ['revenue', 'cogs', 'platform_uptime'].flatMap((kpi) =>
  ['a', 'b'].flatMap((s) =>
    (['critical', 'warning'] as const).map((severity) =>
      alert({ kpi, severity, series: { product: s }, fingerprint: `${kpi}/${s}/${severity}`, labels: { source: kpi === 'platform_uptime' ? 'platform' : 'erp' } }),
    ),
  ),
);

const DAY = 24 * HOUR;
const user = { kind: 'user', name: 'dana' } as const;

/** The cadence of each KPI of the universe (exampleKpis: revenue and cogs daily, uptime 5 minutes). */
const CADENCE_MS: Record<string, number> = { revenue: DAY, cogs: DAY, platform_uptime: 5 * MINUTE };
const kpiOf = new Map(UNIVERSE.map((a) => [a.fingerprint, a.kpi]));

/**
 * How long a resolution by itself waits to be told: 2 × the slowest cadence, between 15 minutes and
 * 2 days; for an incident whose resolution was told before (it came back since: it flaps), at
 * least as long as it stays reopenable (7 × the slowest cadence, between an hour and 7 days, and at
 * least a day for a financial incident: every alert of the universe is, as the fixture makes them).
 */
function confirmMs(fingerprints: readonly string[], toldBefore: boolean): number {
  const slowest = Math.max(...fingerprints.map((fp) => CADENCE_MS[kpiOf.get(fp)!]!));
  const prompt = Math.min(2 * DAY, Math.max(15 * MINUTE, 2 * slowest));
  return toldBefore ? Math.max(prompt, Math.min(7 * DAY, Math.max(HOUR, DAY, 7 * slowest))) : prompt;
}

const event = fc.record({
  /** In units of the history's time scale (see `scale`). */
  gap: fc.integer({ min: 0, max: 20 * 60 }),
  alert: fc.integer({ min: 0, max: UNIVERSE.length - 1 }),
  // Alert transitions from the lifecycle, and a person acknowledging or resolving the whole incident.
  action: fc.oneof(
    { arbitrary: fc.constantFrom('fire', 'resolve'), weight: 4 },
    { arbitrary: fc.constantFrom('ack', 'ack-incident', 'resolve-incident'), weight: 2 },
  ),
});

/**
 * The unit of a history's gaps: seconds (events up to 20 minutes apart: group timers, a 5-minute
 * KPI's confirm period and reopen window), 15 seconds (up to 5 hours) or 4 minutes (up to 80
 * hours: a daily KPI's confirm period and reopen window).
 */
const scale = fc.constantFrom(SECOND, 15 * SECOND, 4 * MINUTE);

/**
 * Whatever the alerts do, the consolidator keeps Alertmanager's promises: the first notification
 * waits the group wait and says 'firing'; updates and repeats keep a group interval apart; an
 * incident that resolved by itself has its resolution told once, last (unless it reopens: then an
 * update follows), when it has stayed resolved for its confirm period since the last of its alerts
 * resolved (longer once it has come back after a told resolution) — or at once when a person resolves it; and nothing firing stays untold.
 */
describe('consolidator invariants', () => {
  it('hold for random alert histories', () => {
    fc.assert(
      fc.property(scale, fc.array(event, { minLength: 1, maxLength: 60, size: 'max' }), (unit, events) => {
        const h = harness();
        const state = new Map<string, { alert: Alert; state: AlertState }>();
        /** Every time each alert was resolved (an alert can fire and resolve again, in a new incident). */
        const resolvedAt = new Map<string, number[]>();
        /** When a person resolved each incident, and whether its resolution was still to be told. */
        const resolvedByHand = new Map<string, { at: number; untold: boolean }>();
        let now = T0;
        for (const e of events) {
          now += e.gap * unit;
          const base = UNIVERSE[e.alert]!;
          const current = state.get(base.fingerprint);
          if (e.action === 'fire' && (current === undefined || current.state === 'resolved')) {
            const t = fire(base, now);
            state.set(base.fingerprint, { alert: t.alert, state: 'firing' });
            h.at(now, t);
          } else if (e.action === 'ack' && current?.state === 'firing') {
            const t = move(current.alert, 'acknowledged', now);
            state.set(base.fingerprint, { alert: t.alert, state: 'acknowledged' });
            h.at(now, t);
          } else if (e.action === 'resolve' && (current?.state === 'firing' || current?.state === 'acknowledged')) {
            const t = move(current.alert, 'resolved', now);
            state.set(base.fingerprint, { alert: t.alert, state: 'resolved' });
            resolvedAt.set(base.fingerprint, [...(resolvedAt.get(base.fingerprint) ?? []), now]);
            h.at(now, t);
          } else if (e.action === 'ack-incident' || e.action === 'resolve-incident') {
            h.advanceTo(now);
            // The person picks one of the open incidents (resolved ones too: in their confirm period
            // or reopen window).
            const records = h.consolidator.records();
            const record = records[e.alert % Math.max(1, records.length)];
            if (record !== undefined && e.action === 'resolve-incident') {
              const id = record.incident.id;
              if (record.resolvedBy === undefined) {
                const told = h.sent.filter((s) => s.incident === id);
                resolvedByHand.set(id, { at: now, untold: told.length > 0 && told.at(-1)!.reason !== 'resolved' });
              }
              h.consolidator.resolve(id, user, now);
            } else if (record !== undefined && record.incident.state !== 'resolved') {
              h.consolidator.acknowledge(record.incident.id, user, now);
            }
            h.advanceTo(now);
          } else {
            h.advanceTo(now);
          }
        }
        // Long enough for every confirm period (7 days at most, for a flapping incident) and reopen
        // window (7 days) to end.
        const end = now + 15 * DAY;
        h.advanceTo(end);

        const open = new Set(h.consolidator.records().map((r) => r.incident.id));
        const byIncident = new Map<string, Sent[]>();
        for (const s of h.sent) byIncident.set(s.incident, [...(byIncident.get(s.incident) ?? []), s]);
        for (const [id, sent] of byIncident) {
          const reasons = sent.map((s) => s.reason);
          expect(reasons[0]).toBe('firing');
          expect(reasons.slice(1)).not.toContain('firing');
          expect(sent[0]!.at).toBeGreaterThanOrEqual(sent[0]!.openedAt + 30 * SECOND);
          // A resolution is the last word, unless the incident reopened after it: then an update follows.
          reasons.forEach((r, i) => {
            if (r === 'resolved' && i + 1 < reasons.length) expect(reasons[i + 1]).toBe('update');
          });
          const regular = sent.filter((s) => s.reason !== 'resolved');
          for (let i = 1; i < regular.length; i++) expect(regular[i]!.at - regular[i - 1]!.at).toBeGreaterThanOrEqual(5 * MINUTE);
          const byHand = resolvedByHand.get(id);
          if (byHand !== undefined) {
            // A person's resolution ends the incident: told at once to whoever heard it fire and
            // was not told it resolved yet, and nothing is told after it.
            expect(sent.every((s) => s.at <= byHand.at)).toBe(true);
            if (byHand.untold) expect(sent.at(-1)).toMatchObject({ reason: 'resolved', at: byHand.at });
          }
          const resolutions = sent.filter((s) => s.reason === 'resolved');
          for (const [k, told] of resolutions.entries()) {
            if (told.at === byHand?.at) continue; // told at once
            // Resolved by itself: told once it stayed resolved for its confirm period after the
            // last of its alerts resolved (each alert's latest resolution before then; a later one
            // belongs to a later incident or a reopening, and so does one at that very instant: the
            // due resolution is told before a transition of the same instant is taken in, and a
            // confirm period is never zero).
            const latestBy = (fp: string) => Math.max(...(resolvedAt.get(fp) ?? []).filter((t) => t < told.at));
            const last = Math.max(...told.alerts.map(latestBy));
            expect(told.at).toBe(last + confirmMs(told.alerts, k > 0));
          }
          // Whoever was told it fired hears how it ended.
          if (!open.has(id)) expect(reasons.at(-1)).toBe('resolved');
        }
        // Nothing resolved lingers, and an open incident with an audible firing alert (not muted,
        // not covered by an acknowledgement of the incident) has been told.
        const muter = h.muter();
        for (const record of h.consolidator.records()) {
          expect(record.incident.state).not.toBe('resolved');
          const audible = record.incident.alerts.some(
            (a) => a.state === 'firing' && muter.mutes(a, end) === undefined && !ackCovers(record.acknowledged, a),
          );
          if (audible) expect(record.notifications).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
