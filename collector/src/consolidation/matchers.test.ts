import type { Matcher } from '../config/consolidation-schema';
import { alertLabels, compileMatcher, compileMatchers, formatMatchers } from './matchers';
import { alert } from './test-support/alert-fixtures';

describe('compileMatcher', () => {
  const labels = { kpi: 'bank_balance', account: 'ops-usd', team: 'treasury' };
  it.each<[Matcher, boolean]>([
    [{ name: 'kpi', op: '=', value: 'bank_balance' }, true],
    [{ name: 'kpi', op: '=', value: 'bank' }, false],
    [{ name: 'kpi', op: '!=', value: 'revenue' }, true],
    [{ name: 'kpi', op: '!=', value: 'bank_balance' }, false],
    [{ name: 'account', op: '=~', value: 'ops-.*' }, true],
    [{ name: 'account', op: '=~', value: 'ops' }, false], // anchored: must match the whole value
    [{ name: 'account', op: '!~', value: 'payroll-.*' }, true],
    [{ name: 'account', op: '!~', value: 'ops-(usd|eur)' }, false],
    [{ name: 'region', op: '=', value: '' }, true], // a missing label reads as ""
    [{ name: 'region', op: '!=', value: '' }, false],
    [{ name: 'region', op: '=~', value: '.*' }, true],
    [{ name: 'region', op: '=~', value: '.+' }, false],
  ])('%j on the labels → %s', (matcher, expected) => {
    expect(compileMatcher(matcher).matches(labels)).toBe(expected);
  });

  it('requires every matcher of a list; an empty list matches everything', () => {
    const both = compileMatchers([
      { name: 'kpi', op: '=', value: 'bank_balance' },
      { name: 'team', op: '=', value: 'fpa' },
    ]);
    expect(both(labels)).toBe(false);
    expect(both({ ...labels, team: 'fpa' })).toBe(true);
    expect(compileMatchers([])({})).toBe(true);
  });

  it('throws on a pattern that does not compile', () => {
    expect(() => compileMatcher({ name: 'kpi', op: '=~', value: '(' })).toThrow();
  });
});

describe('alertLabels', () => {
  it('lets the alert fields win over labels of the same name and adds origin and state', () => {
    const a = alert({ kpi: 'revenue', severity: 'warning', series: { region: 'emea' }, labels: { severity: 'bogus', team: 'fpa' } });
    expect(alertLabels(a)).toMatchObject({
      kpi: 'revenue',
      severity: 'warning',
      region: 'emea',
      team: 'fpa',
      origin: 'static',
      state: 'firing',
      class: 'warning',
      category: 'financial',
    });
  });
});

it('formats matchers as people read them', () => {
  expect(formatMatchers([{ name: 'kpi', op: '=~', value: 'rev.*' }, { name: 'team', op: '!=', value: 'sre' }])).toBe('kpi=~"rev.*", team!="sre"');
});
