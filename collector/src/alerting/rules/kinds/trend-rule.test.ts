import { trendAggregation, trendGeometry, TREND_MAX_BUCKETS } from './trend-rule';
import { DAY, EngineHarness, HOUR, metricsWithRules, moves, T0 } from '../../test-support/alert-fixtures';

const BURN = { type: 'trend', id: 'burn-accelerating', severity: 'warning', window: '1w', changePct: 30, direction: 'up', minBase: 100000 };

describe('trend geometry and aggregation', () => {
  it.each([
    ['1w over a 1d cadence', 7 * DAY, DAY, 7, DAY],
    ['1d over 15m', DAY, 15 * 60_000, TREND_MAX_BUCKETS, HOUR],
    ['1d over 1d', DAY, DAY, 1, DAY],
    ['1d over 1h', DAY, HOUR, 24, HOUR],
  ])('%s', (_name, windowMs, cadenceMs, buckets, bucketMs) => {
    expect(trendGeometry(windowMs, cadenceMs)).toEqual({ buckets, bucketMs });
  });

  it.each([
    [{ kind: 'flow' }, 'sum'],
    [{ kind: 'flow', formula: '-sum(net_cash_flow, "30d")' }, 'mean'],
    [{ kind: 'rate' }, 'mean'],
    [{ kind: 'stock' }, 'last'],
  ] as const)('%j → %s', (kpi, aggregation) => {
    expect(trendAggregation(kpi)).toBe(aggregation);
  });
});

describe('trend rule in the engine', () => {
  /** Daily burn values: one week at `base`, then days at `next`. */
  function burnWeeks(h: EngineHarness, base: number, next: number[]): string[] {
    const out: string[] = [];
    for (let d = 0; d < 7; d++) out.push(...moves(h.value('burn_rate', {}, base, T0 + d * DAY)));
    next.forEach((v, i) => out.push(...moves(h.value('burn_rate', {}, v, T0 + (7 + i) * DAY))));
    return out;
  }

  it('fires when burn rate is up 30% week over week and resolves when the rise fades', () => {
    const h = new EngineHarness(metricsWithRules({ burn_rate: [BURN] }));
    // Week 2 averages 1.4M vs 1.0M (+40%) once enough of it is in.
    const log = burnWeeks(h, 1_000_000, [1_400_000, 1_400_000, 1_400_000, 1_400_000, 1_400_000, 1_400_000, 1_400_000]);
    expect(log).toEqual(['burn-accelerating:none→firing']);
    const alert = h.engine.listAlerts()[0]!;
    expect(alert.summary).toMatch(/^Burn rate up 40(\.0)?% week over week \(1,400,000 USD\/month vs 1,000,000 USD\/month\)$/);
    expect(alert.details).toMatchObject({ window: '1w', direction: 'up', changePct: 40, alertAtPct: 30 });
    // Week 3 flat at 1.4M: 0% week over week, resolves once the windows no longer differ by 30%.
    const later: string[] = [];
    for (let d = 14; d < 21; d++) later.push(...moves(h.value('burn_rate', {}, 1_400_000, T0 + d * DAY)));
    expect(later).toEqual(['burn-accelerating:firing→resolved']);
  });

  it('does not fire below the change or on a base under minBase', () => {
    const h = new EngineHarness(metricsWithRules({ burn_rate: [BURN] }));
    expect(burnWeeks(h, 1_000_000, Array(7).fill(1_250_000))).toEqual([]);
    const small = new EngineHarness(metricsWithRules({ burn_rate: [BURN] }));
    // 50k → 200k is +300% but the previous week is under minBase 100k.
    expect(burnWeeks(small, 50_000, Array(7).fill(200_000))).toEqual([]);
  });

  it('compares a stock level now with its level a window ago (share price drop day over day), per series', () => {
    const h = new EngineHarness(
      metricsWithRules({ stock_price: [{ type: 'trend', id: 'share-price-drop', severity: 'warning', window: '1d', changePct: 10, direction: 'down' }] }),
    );
    const quarter = 15 * 60_000;
    const out: string[] = [];
    for (let i = 0; i < 96; i++) out.push(...moves(h.value('stock_price', { ticker: 'NWR' }, 50, T0 + i * quarter)));
    for (let i = 96; i < 100; i++) out.push(...moves(h.value('stock_price', { ticker: 'OTH' }, 10, T0 + i * quarter)));
    out.push(...moves(h.value('stock_price', { ticker: 'NWR' }, 44, T0 + 100 * quarter)));
    expect(out).toEqual(['share-price-drop:none→firing']);
    expect(h.engine.listAlerts()[0]).toMatchObject({ series: { ticker: 'NWR' }, details: { changePct: -12 } });
  });

  it('needs data in both windows: a first week alone never fires', () => {
    const h = new EngineHarness(metricsWithRules({ burn_rate: [BURN] }));
    for (let d = 0; d < 3; d++) h.value('burn_rate', {}, 100_000 * (d + 1) ** 3, T0 + d * DAY);
    expect(h.log).toEqual([]);
  });
});
