import type { Alert, FeedEvent } from '../collector/collector-types';
import { activeAlerts, eventTime, recentEvents, toggle } from './feed-filter';

function alert(fingerprint: string, over: Partial<Alert> = {}): Alert {
  return {
    fingerprint,
    kpi: 'cash_position',
    ruleId: 'cash-warning',
    series: {},
    labels: {},
    severity: 'warning',
    category: 'financial',
    alertClass: 'warning',
    state: 'firing',
    summary: fingerprint,
    priority: 50,
    startsAt: 1000,
    updatedAt: 1000,
    ...over,
  };
}

const ALL = { severities: [], categories: [] };

describe('activeAlerts', () => {
  it('drops resolved alerts and orders firing, pending, acknowledged', () => {
    const alerts = [
      alert('ack', { state: 'acknowledged' }),
      alert('resolved', { state: 'resolved' }),
      alert('pending', { state: 'pending' }),
      alert('firing'),
    ];
    expect(activeAlerts(alerts, ALL).map((a) => a.fingerprint)).toEqual(['firing', 'pending', 'ack']);
  });

  it('orders by severity, then priority, then the newest start', () => {
    const alerts = [
      alert('warn-old', { startsAt: 1 }),
      alert('info', { severity: 'info', priority: 99 }),
      alert('crit', { severity: 'critical' }),
      alert('warn-new', { startsAt: 5 }),
      alert('warn-urgent', { priority: 80 }),
    ];
    expect(activeAlerts(alerts, ALL).map((a) => a.fingerprint)).toEqual([
      'crit',
      'warn-urgent',
      'warn-new',
      'warn-old',
      'info',
    ]);
  });

  it('filters by severity and category together', () => {
    const alerts = [
      alert('fin-crit', { severity: 'critical' }),
      alert('ops-crit', { severity: 'critical', category: 'operational' }),
      alert('fin-warn'),
    ];
    expect(
      activeAlerts(alerts, { severities: ['critical'], categories: ['financial'] }).map((a) => a.fingerprint)
    ).toEqual(['fin-crit']);
    expect(activeAlerts(alerts, { severities: [], categories: ['operational'] }).map((a) => a.fingerprint)).toEqual([
      'ops-crit',
    ]);
  });
});

describe('recentEvents', () => {
  const events: FeedEvent[] = [
    { time: '2026-03-01T10:00:00Z', title: 'old', severity: 'info', category: 'financial' },
    { time: Date.parse('2026-03-01T12:00:00Z'), title: 'new', severity: 'critical', category: 'market' },
    { time: '2026-03-01T11:00:00Z', title: 'middle' },
  ];

  it('orders newest first whether times are ms or ISO, and limits', () => {
    expect(recentEvents(events, ALL, 10).map((e) => e.title)).toEqual(['new', 'middle', 'old']);
    expect(recentEvents(events, ALL, 2).map((e) => e.title)).toEqual(['new', 'middle']);
    expect(recentEvents(events, ALL, -1)).toEqual([]);
  });

  it('lets events without severity through only an empty severity filter', () => {
    expect(recentEvents(events, { severities: ['critical', 'info'], categories: [] }, 10).map((e) => e.title)).toEqual([
      'new',
      'old',
    ]);
  });

  it('reads both time forms', () => {
    expect(eventTime(events[0]!)).toBe(Date.parse('2026-03-01T10:00:00Z'));
    expect(eventTime(events[1]!)).toBe(Date.parse('2026-03-01T12:00:00Z'));
    expect(eventTime({ time: 'yesterday', title: 'x' })).toBeNaN();
  });
});

it('toggle adds a missing value and removes a present one', () => {
  expect(toggle(['a'], 'b')).toEqual(['a', 'b']);
  expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
});
