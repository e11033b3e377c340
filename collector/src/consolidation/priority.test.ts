import type { Incident } from '../alerting/alert-model';
import { buildIncident } from './incident-record';
import { compareIncidents, incidentPriority } from './priority';
import { alert, T0 } from './test-support/alert-fixtures';

describe('incidentPriority', () => {
  it.each([
    ['one alert: its priority', [alert({ priority: 85 })], 85],
    ['the most urgent active alert', [alert({ priority: 50, kpi: 'a', fingerprint: '1' }), alert({ priority: 85, kpi: 'a', fingerprint: '2' })], 85],
    ['plus 2 per further KPI', [alert({ priority: 50, kpi: 'a' }), alert({ priority: 60, kpi: 'b' }), alert({ priority: 40, kpi: 'c' })], 64],
    ['breadth adds at most 10', ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'].map((kpi) => alert({ priority: 50, kpi })), 60],
    ['never above 100', [alert({ priority: 99, kpi: 'a' }), alert({ priority: 99, kpi: 'b' })], 100],
    ['resolved alerts do not count while others are active', [alert({ priority: 95, kpi: 'a', state: 'resolved' }), alert({ priority: 50, kpi: 'b' })], 50],
    ['a resolved incident keeps its priority', [alert({ priority: 95, kpi: 'a', state: 'resolved' })], 95],
    ['no alerts', [], 0],
  ])('%s', (_, alerts, expected) => {
    expect(incidentPriority(alerts)).toBe(expected);
  });
});

describe('compareIncidents', () => {
  const incident = (id: string, a: Parameters<typeof alert>[0], openedAt = T0): Incident =>
    buildIncident({ id, groupKey: id, alerts: [alert({ fingerprint: id, ...a })], openedAt, updatedAt: openedAt });

  it('orders firing before acknowledged before resolved, then priority, severity, age, id', () => {
    const list = [
      incident('resolved-critical', { severity: 'critical', priority: 100, state: 'resolved' }),
      incident('ack-critical', { severity: 'critical', priority: 100, state: 'acknowledged' }),
      incident('warning-high', { severity: 'warning', priority: 65 }),
      incident('critical-low', { severity: 'critical', priority: 70 }),
      incident('critical-high-new', { severity: 'critical', priority: 90 }, T0 + 1),
      incident('critical-high-old', { severity: 'critical', priority: 90 }),
      incident('critical-high-old-b', { severity: 'critical', priority: 90 }),
    ];
    expect(list.sort(compareIncidents).map((i) => i.id)).toEqual([
      'critical-high-old',
      'critical-high-old-b',
      'critical-high-new',
      'critical-low',
      'warning-high',
      'ack-critical',
      'resolved-critical',
    ]);
  });
});
