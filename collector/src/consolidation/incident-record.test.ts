import fc from 'fast-check';
import type { Alert } from '../alerting/alert-model';
import { ackCovers, buildIncident, incidentTitle } from './incident-record';
import { compareAlerts, incidentPriority } from './priority';
import { alert, T0 } from './test-support/alert-fixtures';

const build = (alerts: Alert[], extra: Partial<Parameters<typeof buildIncident>[0]> = {}) =>
  buildIncident({ id: 'inc', groupKey: 'g', alerts, openedAt: T0, updatedAt: T0 + 1, ...extra });

describe('ackCovers', () => {
  const by = { kind: 'user', name: 'd' } as const;
  it.each<[string, Parameters<typeof ackCovers>[0], Alert, boolean]>([
    ['no acknowledgement covers nothing', undefined, alert({ fingerprint: 'a', severity: 'warning' }), false],
    ['an alert of the acknowledged severity that joined later', { by, at: T0, fingerprints: ['a'], severity: 'warning' }, alert({ fingerprint: 'b', severity: 'warning' }), true],
    ['a less severe alert', { by, at: T0, fingerprints: ['a'], severity: 'critical' }, alert({ fingerprint: 'b', severity: 'warning' }), true],
    ['not a more severe alert', { by, at: T0, fingerprints: ['a'], severity: 'warning' }, alert({ fingerprint: 'b', severity: 'critical' }), false],
    ['not a listed alert whose severity rose', { by, at: T0, fingerprints: ['a'], severity: 'warning' }, alert({ fingerprint: 'a', severity: 'critical' }), false],
    ['without a severity (older records): the listed alerts', { by, at: T0, fingerprints: ['a'] }, alert({ fingerprint: 'a', severity: 'critical' }), true],
    ['without a severity: not the others', { by, at: T0, fingerprints: ['a'] }, alert({ fingerprint: 'b', severity: 'info' }), false],
  ])('%s', (_, ack, a, covered) => {
    expect(ackCovers(ack, a)).toBe(covered);
  });
});

describe('buildIncident', () => {
  it.each<[string, Alert[], Partial<Parameters<typeof buildIncident>[0]>, string]>([
    ['firing while one alert fires', [alert({ fingerprint: 'a' }), alert({ fingerprint: 'b', state: 'acknowledged' })], {}, 'firing'],
    ['acknowledged when every active alert is', [alert({ fingerprint: 'a', state: 'acknowledged' }), alert({ fingerprint: 'b', state: 'resolved' })], {}, 'acknowledged'],
    ['acknowledged when an incident ack covers the firing ones', [alert({ fingerprint: 'a' })], { acknowledged: { by: { kind: 'user', name: 'd' }, at: T0, fingerprints: ['a'] } }, 'acknowledged'],
    ['firing when a more severe alert joined after the ack', [alert({ fingerprint: 'a', severity: 'warning' }), alert({ fingerprint: 'b', severity: 'critical' })], { acknowledged: { by: { kind: 'user', name: 'd' }, at: T0, fingerprints: ['a'], severity: 'warning' } }, 'firing'],
    ['resolved when nothing is active', [alert({ fingerprint: 'a', state: 'resolved', resolvedAt: T0 + 5 })], {}, 'resolved'],
    ['resolved when resolved by hand', [alert({ fingerprint: 'a' })], { resolvedBy: { by: { kind: 'user', name: 'd' }, at: T0 + 9 } }, 'resolved'],
  ])('is %s', (_, alerts, extra, state) => {
    expect(build(alerts, extra).state).toBe(state);
  });

  it('takes severity, class and title from the most urgent active alert, and lists KPIs once', () => {
    const incident = build([
      alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'w', summary: 'revenue low' }),
      alert({ kpi: 'cogs', severity: 'critical', fingerprint: 'c', summary: 'cogs high', state: 'resolved' }),
      alert({ kpi: 'gross_margin', severity: 'critical', fingerprint: 'g', summary: 'margin thin' }),
      alert({ kpi: 'revenue', severity: 'warning', fingerprint: 'w2', summary: 'revenue low in emea' }),
    ]);
    expect(incident).toMatchObject({ severity: 'critical', alertClass: 'critical', title: 'margin thin (+2 more: revenue)', kpis: ['revenue', 'cogs', 'gross_margin'] });
    expect(incident.resolvedAt).toBeUndefined();
  });

  it('a resolved incident is resolved at its last resolution', () => {
    const incident = build([alert({ fingerprint: 'a', state: 'resolved', resolvedAt: T0 + 5 }), alert({ fingerprint: 'b', state: 'resolved', resolvedAt: T0 + 7 })]);
    expect(incident.resolvedAt).toBe(T0 + 7);
  });

  it('agrees with incidentPriority and incidentTitle on random alert sets', () => {
    const arb = fc.array(
      fc.record({
        kpi: fc.constantFrom('revenue', 'cogs', 'cash', 'debt'),
        severity: fc.constantFrom('critical', 'warning', 'info') as fc.Arbitrary<Alert['severity']>,
        state: fc.constantFrom('firing', 'acknowledged', 'resolved') as fc.Arbitrary<Alert['state']>,
        priority: fc.integer({ min: 0, max: 100 }),
        firingAt: fc.integer({ min: 0, max: 1000 }),
      }),
      { minLength: 1, maxLength: 12 },
    );
    fc.assert(
      fc.property(arb, (specs) => {
        const alerts = specs.map((s, i) => alert({ ...s, firingAt: T0 + s.firingAt, fingerprint: `fp${i}`, summary: `s${i}` }));
        const incident = build(alerts);
        expect(incident.priority).toBe(incidentPriority(alerts));
        const active = alerts.filter((a) => a.state !== 'resolved');
        const counted = incident.state === 'resolved' ? alerts : active;
        const top = [...counted].sort(compareAlerts)[0]!;
        expect(incident.title).toBe(incidentTitle(top, counted));
        expect(incident.severity).toBe(top.severity);
      }),
      { numRuns: 300 },
    );
  });
});
