import type { Alert } from '../collector/collector-types';
import { collectorDuration, commonMatchers, matchersForAlert, parseDuration, silenceRequest } from './silence-request';

function alert(over: Partial<Alert>): Alert {
  return {
    fingerprint: 'fp',
    kpi: 'bank_balance',
    ruleId: 'account-low',
    series: { account: 'ops-usd', currency: 'USD' },
    labels: {
      kpi: 'bank_balance',
      rule: 'account-low',
      severity: 'warning',
      team: 'treasury',
      account: 'ops-usd',
      currency: 'USD',
    },
    severity: 'warning',
    category: 'financial',
    alertClass: 'warning',
    state: 'firing',
    summary: 's',
    priority: 1,
    startsAt: 0,
    updatedAt: 0,
    ...over,
  };
}

describe('parseDuration', () => {
  it.each([
    ['30m', 1_800_000],
    ['1h', 3_600_000],
    [' 4h ', 14_400_000],
    ['1d', 86_400_000],
    ['2w', 1_209_600_000],
  ])('%s → %s ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each(['', '0h', '1.5h', 'h', '1y', '-1h'])('rejects %j with a message naming it', (text) => {
    expect(() => parseDuration(text)).toThrow(`silence duration "${text}"`);
  });
});

describe('matchersForAlert', () => {
  it('matches the KPI, rule and series tags, not severity or team', () => {
    expect(matchersForAlert(alert({}))).toEqual([
      { name: 'account', value: 'ops-usd', op: '=' },
      { name: 'currency', value: 'USD', op: '=' },
      { name: 'kpi', value: 'bank_balance', op: '=' },
      { name: 'rule', value: 'account-low', op: '=' },
    ]);
  });

  it('falls back to the alert’s kpi and rule id when labels lack them', () => {
    expect(matchersForAlert(alert({ labels: {}, series: {} }))).toEqual([
      { name: 'kpi', value: 'bank_balance', op: '=' },
      { name: 'rule', value: 'account-low', op: '=' },
    ]);
  });
});

describe('commonMatchers', () => {
  it('keeps the labels all alerts share with the same value', () => {
    const a = alert({ fingerprint: 'a' });
    const b = alert({ fingerprint: 'b', series: { account: 'payroll-usd', currency: 'USD' }, labels: {} });
    expect(commonMatchers([a, b])).toEqual([
      { name: 'currency', value: 'USD', op: '=' },
      { name: 'kpi', value: 'bank_balance', op: '=' },
      { name: 'rule', value: 'account-low', op: '=' },
    ]);
  });

  it('is empty for no alerts or alerts with nothing in common', () => {
    expect(commonMatchers([])).toEqual([]);
    expect(
      commonMatchers([alert({ series: {} }), alert({ kpi: 'revenue', ruleId: 'x', series: {}, labels: {} })])
    ).toEqual([]);
  });
});

describe('collectorDuration', () => {
  it.each([
    ['30m', '30m'],
    [' 4h ', '4h'],
    ['1d', '1d'],
    ['2w', '14d'],
  ])('%s → %s', (text, duration) => {
    expect(collectorDuration(text)).toBe(duration);
  });

  it('rejects what is not a duration', () => {
    expect(() => collectorDuration('soon')).toThrow('silence duration "soon"');
  });
});

describe('silenceRequest', () => {
  it('asks the collector for a silence of the duration from its own now, naming the person', () => {
    expect(silenceRequest([{ name: 'kpi', value: 'x', op: '=' }], '1w', 'ann', 'why')).toEqual({
      matchers: [{ name: 'kpi', value: 'x', op: '=' }],
      duration: '7d',
      comment: 'why',
      user: 'ann',
    });
  });

  it('refuses a silence that would match nothing in particular', () => {
    expect(() => silenceRequest([], '1h', 'a', 'b')).toThrow('at least one matcher');
  });
});
