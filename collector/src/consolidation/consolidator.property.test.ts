import fc from 'fast-check';
import type { Alert, AlertState } from '../alerting/alert-model';
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

const event = fc.record({
  gap: fc.integer({ min: 0, max: 20 * 60 }).map((s) => s * SECOND),
  alert: fc.integer({ min: 0, max: UNIVERSE.length - 1 }),
  action: fc.constantFrom('fire', 'ack', 'resolve'),
});

/**
 * Whatever the alerts do, the consolidator keeps Alertmanager's promises: the first notification
 * waits the group wait and says 'firing'; updates and repeats keep a group interval apart; a
 * resolution is told once, last, at once; and nothing firing stays untold.
 */
describe('consolidator invariants', () => {
  it('hold for random alert histories', () => {
    fc.assert(
      fc.property(fc.array(event, { minLength: 1, maxLength: 60 }), (events) => {
        const h = harness();
        const state = new Map<string, { alert: Alert; state: AlertState }>();
        /** Every time each alert was resolved (an alert can fire and resolve again, in a new incident). */
        const resolvedAt = new Map<string, number[]>();
        let now = T0;
        for (const e of events) {
          now += e.gap;
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
          } else {
            h.advanceTo(now);
          }
        }
        h.advanceTo(now + 10 * HOUR);

        const byIncident = new Map<string, Sent[]>();
        for (const s of h.sent) byIncident.set(s.incident, [...(byIncident.get(s.incident) ?? []), s]);
        for (const sent of byIncident.values()) {
          const reasons = sent.map((s) => s.reason);
          expect(reasons[0]).toBe('firing');
          expect(reasons.slice(1)).not.toContain('firing');
          expect(sent[0]!.at).toBeGreaterThanOrEqual(sent[0]!.openedAt + 30 * SECOND);
          const resolved = reasons.indexOf('resolved');
          if (resolved >= 0) expect(resolved).toBe(reasons.length - 1);
          const regular = sent.filter((s) => s.reason !== 'resolved');
          for (let i = 1; i < regular.length; i++) expect(regular[i]!.at - regular[i - 1]!.at).toBeGreaterThanOrEqual(5 * MINUTE);
          if (resolved >= 0) {
            // Told at once: at the moment the last of its alerts resolved (each alert's latest
            // resolution up to then; a later one belongs to a later incident).
            const told = sent[resolved]!.at;
            const latestBy = (fp: string) => Math.max(...(resolvedAt.get(fp) ?? []).filter((t) => t <= told));
            const last = Math.max(...sent[resolved]!.alerts.map(latestBy));
            expect(sent[resolved]!.at).toBe(last);
          }
        }
        // Liveness: an open incident with an audible firing alert has been told.
        const muter = h.muter();
        for (const record of h.consolidator.records()) {
          const audible = record.incident.alerts.some((a) => a.state === 'firing' && muter.mutes(a, now + 10 * HOUR) === undefined);
          if (audible) expect(record.notifications).toBeGreaterThan(0);
        }
      }),
      { numRuns: 300 },
    );
  });
});
