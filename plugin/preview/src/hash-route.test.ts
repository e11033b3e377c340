import { parseRoute, routeHash, tokenFromHash } from './hash-route';

describe('parseRoute', () => {
  it.each([
    ['', { view: 'overview' }],
    ['#/', { view: 'overview' }],
    ['#/kpi/revenue', { view: 'kpi', kpi: 'revenue' }],
    ['#/kpi/cash%20position', { view: 'kpi', kpi: 'cash position' }],
    ['#/kpi/', { view: 'overview' }],
    ['#/alerts', { view: 'alerts' }],
    ['#/kpis', { view: 'kpis' }],
    ['#/escalation', { view: 'escalation' }],
    ['#/health?x=1', { view: 'health' }],
    ['#/nowhere', { view: 'overview' }],
  ])('%s', (hash, route) => {
    expect(parseRoute(hash)).toEqual(route);
  });

  it('round-trips every route through its hash', () => {
    for (const route of [
      { view: 'overview' },
      { view: 'kpi', kpi: 'dso' },
      { view: 'alerts' },
      { view: 'health' },
    ] as const) {
      expect(parseRoute(routeHash(route))).toEqual(route);
    }
  });
});

describe('tokenFromHash', () => {
  it('reads the token of the fragment', () => {
    expect(tokenFromHash('#token=fm_abc')).toBe('fm_abc');
    expect(tokenFromHash('#/token=fm_abc')).toBe('fm_abc');
    expect(tokenFromHash('#token=fm%2Bx&view=1')).toBe('fm+x');
  });

  it('is undefined without one', () => {
    expect(tokenFromHash('#/kpi/revenue')).toBeUndefined();
    expect(tokenFromHash('#token=')).toBeUndefined();
    expect(tokenFromHash('')).toBeUndefined();
  });
});
