import { pointAt } from '../../core/point';
import type { RuleDefinition } from '../../config/rule-schema';
import { pointSeriesKey, pointSeriesTags, SeriesTable, tagsSeriesKey } from './series-table';

const RULE = {
  type: 'static',
  severity: 'warning',
  below: 100,
  overrides: [{ match: { account: 'payroll-usd' }, below: 500 }],
} as unknown as RuleDefinition;

const codec = {
  initial: () => ({ n: 0 }),
  encode: (s: { n: number }) => s,
  decode: (json: unknown) => (typeof json === 'object' && json !== null && typeof (json as { n?: unknown }).n === 'number' ? (json as { n: number }) : undefined),
};

describe('series keys', () => {
  it.each([
    ['value', pointAt('bank_balance', { currency: 'USD', account: 'ops-usd' }, 1, 0), 'value', ',account=ops-usd,currency=USD'],
    ['no tags', pointAt('cash_position', {}, 1, 0), 'value', ''],
    ['rollup total', pointAt('rollup_monthly', { kpi: 'revenue', scope: 'total' }, 1, 0), 'rollup_monthly', ''],
    ['rollup series', pointAt('rollup_daily', { scope: 'series', kpi: 'revenue', region: 'emea' }, 1, 0), 'rollup_daily', ',region=emea'],
    ['forecast', pointAt('kpi_forecast', { kpi: 'cash_position', model: 'theta' }, 1, 0), 'kpi_forecast', ''],
  ])('%s', (_name, point, input, key) => {
    expect(pointSeriesKey(point, input)).toBe(key);
    expect(tagsSeriesKey(pointSeriesTags(point, input))).toBe(key);
  });
});

describe('SeriesTable', () => {
  it('merges the matching overrides into each series’ rule once', () => {
    const table = new SeriesTable<{ n: number }>(RULE, codec);
    const payroll = table.obtain(',account=payroll-usd', { account: 'payroll-usd' }, 0);
    const ops = table.obtain(',account=ops-usd', { account: 'ops-usd' }, 0);
    expect((payroll.rule as { below: number }).below).toBe(500);
    expect((ops.rule as { below: number }).below).toBe(100);
    expect(ops.rule).not.toHaveProperty('overrides');
  });

  it('drains changed and removed series once, in their stored form', () => {
    const table = new SeriesTable<{ n: number }>(RULE, codec);
    const a = table.obtain(',a=1', { a: '1' }, 5);
    const b = table.obtain(',a=2', { a: '2' }, 6);
    expect(table.drainDirty().map((c) => c.series)).toEqual([',a=1', ',a=2']);
    expect(table.drainDirty()).toEqual([]);
    a.state.n = 7;
    table.touch(a);
    table.touch(a);
    table.delete(',a=2');
    // Whoever kept the deleted entry (the engine's series routes) sees that it must look the series up again.
    expect([a.detached, b.detached]).toEqual([false, true]);
    expect(table.drainDirty()).toEqual([
      { series: ',a=1', persisted: { tags: { a: '1' }, lastSeenAt: 5, state: { n: 7 } } },
      { series: ',a=2', persisted: undefined },
    ]);
    expect(table.obtain(',a=2', { a: '2' }, 7)).not.toBe(b);
  });

  it('restores stored series; a state it cannot decode starts over but keeps the last-seen time', () => {
    const table = new SeriesTable<{ n: number }>(RULE, codec);
    expect(table.restore(',a=1', { tags: { a: '1' }, lastSeenAt: 9, silentSince: 10, state: { n: 3 } })).toMatchObject({ state: { n: 3 }, lastSeenAt: 9, silentSince: 10 });
    expect(table.restore(',a=2', { tags: { a: '2' }, lastSeenAt: 8, state: 'garbage' })).toMatchObject({ state: { n: 0 }, lastSeenAt: 8 });
    expect(table.drainDirty()).toEqual([]);
  });
});
