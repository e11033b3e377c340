import { CollectorClient, queryString } from './collector-client';
import { FakeCollector, makeAlert } from './test-support/fake-collector';

describe('queryString', () => {
  it('encodes defined values only', () => {
    expect(queryString({ state: 'firing', severity: undefined, limit: 20, kpi: '' })).toBe('?state=firing&limit=20');
    expect(queryString({ series: 'account=ops usd' })).toBe('?series=account%3Dops+usd');
    expect(queryString({})).toBe('');
  });
});

describe('CollectorClient', () => {
  it('calls the brief’s paths with encoded ids and bodies', async () => {
    const fake = new FakeCollector({ alerts: [makeAlert('a/b')] });
    const client = new CollectorClient(fake);
    await client.listAlerts({ state: 'firing', kpi: 'revenue' });
    await client.acknowledgeAlert('a/b', { comment: 'on it', user: 'ann' });
    await client
      .kpiHistory('revenue', { from: '2026-01-01T00:00:00Z', to: '2026-02-01T00:00:00Z' })
      .catch(() => undefined);
    await client.feed({ limit: 5, severity: 'critical' });
    expect(fake.requests).toEqual([
      { method: 'GET', path: '/api/v1/alerts?state=firing&kpi=revenue', body: undefined },
      { method: 'POST', path: '/api/v1/alerts/a%2Fb/ack', body: { comment: 'on it', user: 'ann' } },
      {
        method: 'GET',
        path: '/api/v1/kpis/revenue/history?from=2026-01-01T00%3A00%3A00Z&to=2026-02-01T00%3A00%3A00Z',
        body: undefined,
      },
      { method: 'GET', path: '/api/v1/feed?limit=5&severity=critical', body: undefined },
    ]);
  });

  it('sends an empty body when there is no comment', async () => {
    const fake = new FakeCollector({ alerts: [makeAlert('x')] });
    await new CollectorClient(fake).resolveAlert('x');
    expect(fake.requests[0]).toEqual({ method: 'POST', path: '/api/v1/alerts/x/resolve', body: {} });
    expect(fake.state.alerts[0]!.state).toBe('resolved');
  });
});
