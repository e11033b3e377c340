import type { Alert } from '../alerting/alert-model';
import { DEFAULT_INHIBIT_RULES, type InhibitRule } from '../config/consolidation-schema';
import { Inhibitor, seriesContains } from './inhibition';
import { kpiRelationsFromCatalog } from './kpi-relations';
import { alert, exampleKpis } from './test-support/alert-fixtures';

const relations = kpiRelationsFromCatalog(exampleKpis());

function inhibitedBy(active: Alert[], target: Alert, rules: readonly InhibitRule[] = DEFAULT_INHIBIT_RULES): string | undefined {
  const reason = new Inhibitor(rules, [...active, target], relations).mutes(target);
  return reason?.kind === 'inhibition' ? `${reason.rule} by ${reason.by}` : undefined;
}

const critical = (series: Record<string, string> = {}, kpi = 'bank_balance') =>
  alert({ kpi, severity: 'critical', ruleId: 'low-crit', series, fingerprint: `c-${kpi}-${JSON.stringify(series)}` });
const warning = (series: Record<string, string> = {}, kpi = 'bank_balance') =>
  alert({ kpi, severity: 'warning', ruleId: 'low-warn', series, fingerprint: `w-${kpi}-${JSON.stringify(series)}` });

describe('critical over warning', () => {
  it.each<[string, Alert[], Alert, string | undefined]>([
    ['same KPI, same series', [critical({ account: 'ops' })], warning({ account: 'ops' }), 'critical-over-warning by c-bank_balance-{"account":"ops"}'],
    ['same KPI, another series', [critical({ account: 'ops' })], warning({ account: 'payroll' }), undefined],
    ['a KPI-wide critical over a series warning', [critical({})], warning({ account: 'payroll' }), 'critical-over-warning by c-bank_balance-{}'],
    ['a series critical does not cover the KPI-wide warning', [critical({ account: 'ops' })], warning({}), undefined],
    ['a critical on the account covers its currencies', [critical({ account: 'ops' })], warning({ account: 'ops', currency: 'EUR' }), 'critical-over-warning by c-bank_balance-{"account":"ops"}'],
    ['a critical on one currency does not cover another', [critical({ account: 'ops', currency: 'USD' })], warning({ account: 'ops', currency: 'EUR' }), undefined],
    ['another KPI', [critical({}, 'cash_position')], warning({}), undefined],
    ['a resolved critical inhibits nothing', [{ ...critical({}), state: 'resolved' }], warning({}), undefined],
    ['an acknowledged critical still inhibits', [{ ...critical({}), state: 'acknowledged' }], warning({}), 'critical-over-warning by c-bank_balance-{}'],
    ['a pending critical does not', [{ ...critical({}), state: 'pending' }], warning({}), undefined],
  ])('%s', (_, active, target, expected) => {
    expect(inhibitedBy(active, target)).toBe(expected);
  });

  it('never inhibits the critical itself', () => {
    const c = critical({});
    expect(inhibitedBy([], c, [{ name: 'all', source: [{ name: 'kpi', op: '=', value: 'bank_balance' }], target: [], equal: [], sameSeries: false }])).toBeUndefined();
  });
});

describe('a failed source mutes what is derived from its data', () => {
  const bankDown = alert({ kpi: 'bank', origin: 'source_failure', severity: 'critical', category: 'system', fingerprint: 'src-bank', labels: { source: 'bank', team: 'sre' } });

  it.each<[string, Alert, boolean]>([
    ['a raw KPI of the source', warning({ account: 'ops' }), true],
    ['a derived KPI reading it', alert({ kpi: 'runway_months', severity: 'critical', fingerprint: 'runway' }), true],
    ['a KPI of another source', alert({ kpi: 'revenue', severity: 'critical', fingerprint: 'rev', labels: { source: 'erp' } }), false],
    ['a no-data alert of the source (it is the same failure, grouped instead)', alert({ kpi: 'bank_balance', origin: 'nodata', category: 'system', fingerprint: 'nd' }), false],
  ])('%s: %s', (_, target, muted) => {
    expect(inhibitedBy([bankDown], target) !== undefined).toBe(muted);
  });

  it('uses the source label of an alert on a KPI the catalog does not know', () => {
    const custom = alert({ kpi: 'custom_metric', fingerprint: 'custom', labels: { source: 'bank' } });
    expect(inhibitedBy([bankDown], custom)).toBe('failed-source by src-bank');
  });
});

describe('stale data mutes the alerts computed from it', () => {
  const stale = (series: Record<string, string>) =>
    alert({ kpi: 'bank_balance', origin: 'nodata', category: 'system', severity: 'critical', series, fingerprint: `nd-${JSON.stringify(series)}` });

  it.each<[string, Record<string, string>, Alert, boolean]>([
    ['the stale series itself', { account: 'ops' }, warning({ account: 'ops' }), true],
    ['another series of the KPI (its data is fresh)', { account: 'ops' }, warning({ account: 'payroll' }), false],
    ['a derived KPI', { account: 'ops' }, alert({ kpi: 'cash_position', fingerprint: 'cp' }), true],
    ['a KPI of the same source that does not read it', { account: 'ops' }, alert({ kpi: 'net_cash_flow', fingerprint: 'ncf' }), false],
  ])('%s', (_, series, target, muted) => {
    expect(inhibitedBy([stale(series)], target) !== undefined).toBe(muted);
  });
});

it('an `equal` label must agree on source and target', () => {
  const rule: InhibitRule = {
    name: 'region-outage',
    source: [{ name: 'kpi', op: '=', value: 'platform_uptime' }],
    target: [{ name: 'kpi', op: '=', value: 'revenue' }],
    equal: ['region'],
    sameSeries: false,
  };
  const outage = alert({ kpi: 'platform_uptime', fingerprint: 'up', labels: { region: 'emea' } });
  expect(inhibitedBy([outage], alert({ kpi: 'revenue', fingerprint: 'r1', labels: { region: 'emea' } }), [rule])).toBe('region-outage by up');
  expect(inhibitedBy([outage], alert({ kpi: 'revenue', fingerprint: 'r2', labels: { region: 'apac' } }), [rule])).toBeUndefined();
});

it('seriesContains', () => {
  expect(seriesContains({ a: '1', b: '2' }, { a: '1' })).toBe(true);
  expect(seriesContains({ a: '1' }, {})).toBe(true);
  expect(seriesContains({ a: '1' }, { a: '2' })).toBe(false);
  expect(seriesContains({}, { a: '1' })).toBe(false);
});
