import { interpolator } from './interpolate';

describe('interpolator', () => {
  it('prefers scoped variables, then page variables, and leaves unknown ones', () => {
    const replace = interpolator({ entity: 'us', kpi: 'page' });
    expect(replace('#/kpi/${kpi}?e=${entity}&x=${other}', { kpi: { text: 'r', value: 'revenue' } })).toBe(
      '#/kpi/revenue?e=us&x=${other}'
    );
    expect(replace('${kpi}')).toBe('page');
  });

  it('encodes values for URLs', () => {
    expect(interpolator({ q: 'a b&c' })('?q=${q}')).toBe('?q=a%20b%26c');
  });
});
