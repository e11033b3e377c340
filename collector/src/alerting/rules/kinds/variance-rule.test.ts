import { varianceVerdict, VARIANCE_MIN_ELAPSED_FRACTION } from './variance-rule';
import { EngineHarness, metricsWithRules, moves, nyMidnight, rollupPt, DAY, HOUR } from '../../test-support/alert-fixtures';

const MTD_WARNING = { type: 'variance', id: 'revenue-mtd-projection', severity: 'warning', against: 'target', window: 'month_to_date', projected: true, direction: 'under', pct: 10 };
const MTD_CRITICAL = { ...MTD_WARNING, id: 'revenue-mtd-projection-critical', severity: 'critical', pct: 20 };
const WEEK = { type: 'variance', id: 'revenue-week', severity: 'warning', against: 'target', window: 'week', direction: 'under', pct: 15, absolute: 150000 };

const MARCH_1 = nyMidnight(2025, 3, 1);
/** Half of March in New York (31 days less the hour daylight saving time takes). */
const MID_MARCH = (MARCH_1 + nyMidnight(2025, 4, 1)) / 2;
/** 23:50 New York on a March 2025 day: when the demo company posts daily values. */
const close = (day: number) => nyMidnight(2025, 3, day + 1) - 10 * 60_000;

describe('varianceVerdict', () => {
  it.each([
    // rule, actual, goal, active
    [{ direction: 'under', pct: 10 }, 89, 100, true],
    [{ direction: 'under', pct: 10 }, 91, 100, false],
    [{ direction: 'under', pct: 10 }, 120, 100, false],
    [{ direction: 'over', pct: 5 }, 106, 100, true],
    [{ direction: 'over', pct: 5 }, 90, 100, false],
    [{ direction: 'either', pct: 5 }, 94, 100, true],
    [{ direction: 'either', pct: 5 }, 106, 100, true],
    [{ direction: 'under', pct: 10, absolute: 50 }, 85, 100, false], // pct exceeded, absolute not: both needed
    [{ direction: 'under', pct: 10, absolute: 50 }, 40, 100, true],
    [{ direction: 'under', absolute: 150000 }, 1_000_000, 1_150_000, true],
    [{ direction: 'under', pct: 10 }, -5, 0, false], // no percentage of a zero goal
  ] as const)('%j: %d vs %d → %s', (rule, actual, goal, active) => {
    expect(varianceVerdict(rule, actual, goal).active).toBe(active);
  });
});

describe('variance rule in the engine', () => {
  it('compares the projected month with the target once enough of the month has passed', () => {
    const h = new EngineHarness(metricsWithRules({ revenue: [MTD_WARNING, MTD_CRITICAL] }));
    // 3 March: 2 days of 31 passed (< 20%): a bad projection is not judged yet.
    h.now = close(3);
    expect((close(3) - MARCH_1) / (31 * DAY)).toBeLessThan(VARIANCE_MIN_ELAPSED_FRACTION);
    expect(h.push(rollupPt('monthly', 'revenue', 300_000, MARCH_1, { target: 5_000_000, projected: 3_100_000 }))).toEqual([]);
    // 10 March: projection 4.2M is 16% under the 5M target: the warning fires, the critical does not.
    h.now = close(10);
    const warn = h.push(rollupPt('monthly', 'revenue', 1_355_000, MARCH_1, { target: 5_000_000, projected: 4_200_000 }));
    expect(moves(warn)).toEqual(['revenue-mtd-projection:none→firing']);
    expect(warn[0]!.alert).toMatchObject({
      summary: 'Revenue projects 4,200,000 USD for the month, 16% under target 5,000,000 USD',
      value: 4_200_000,
      threshold: 5_000_000,
      series: {},
      details: { against: 'target', window: 'month_to_date', basis: 'projected', variance: -800_000, variancePct: -16, periodStart: '2025-03-01' },
    });
    // 12 March: 3.9M projected (-22%): critical too.
    h.now = close(12);
    expect(moves(h.push(rollupPt('monthly', 'revenue', 1_510_000, MARCH_1, { target: 5_000_000, projected: 3_900_000 })))).toEqual([
      'revenue-mtd-projection-critical:none→firing',
    ]);
    // Per-series rollups are not the company's total: ignored.
    expect(h.push(rollupPt('monthly', 'revenue', 10, MARCH_1, { projected: 10 }, 'series', { region: 'na', product: 'arm' }))).toEqual([]);
    // 20 March: back on track.
    h.now = close(20);
    expect(moves(h.push(rollupPt('monthly', 'revenue', 3_300_000, MARCH_1, { target: 5_000_000, projected: 5_100_000 }))).sort()).toEqual([
      'revenue-mtd-projection-critical:firing→resolved',
      'revenue-mtd-projection:firing→resolved',
    ]);
  });

  it('projects value ÷ elapsed when the rollup has no projection, and judges budgets with direction over', () => {
    const h = new EngineHarness(
      metricsWithRules({
        expenses: [{ type: 'variance', id: 'expenses-mtd-over-budget', severity: 'warning', against: 'budget', window: 'month_to_date', projected: true, direction: 'over', pct: 5 }],
      }),
    );
    h.now = MID_MARCH;
    const out = h.push(rollupPt('monthly', 'expenses', 1_350_000, MARCH_1, { budget: 2_500_000 }));
    expect(moves(out)).toEqual(['expenses-mtd-over-budget:none→firing']);
    expect(out[0]!.alert.value).toBeCloseTo(2_700_000, 3);
    expect(out[0]!.alert.summary).toBe('Operating expenses projects 2,700,000 USD for the month, 8% over budget 2,500,000 USD');
  });

  it('compares month to date pro rata without projection', () => {
    const h = new EngineHarness(
      metricsWithRules({ revenue: [{ type: 'variance', id: 'mtd', against: 'target', window: 'month_to_date', direction: 'under', pct: 10 }] }),
    );
    h.now = MID_MARCH;
    const out = h.push(rollupPt('monthly', 'revenue', 2_000_000, MARCH_1, { target: 5_000_000 }));
    expect(out[0]!.alert).toMatchObject({ threshold: 2_500_000, details: { basis: 'pro_rata', variancePct: -20 } });
    expect(out[0]!.alert.summary).toBe('Revenue month to date is 2,000,000 USD, 20% under target 2,500,000 USD (pro rata)');
  });

  it('judges a week without projection only when it is complete, on the tick after its end', () => {
    const h = new EngineHarness(metricsWithRules({ revenue: [WEEK] }));
    const week1 = nyMidnight(2025, 3, 3);
    const week2 = nyMidnight(2025, 3, 10);
    h.now = close(9); // Sunday 23:50: the week is not over yet
    expect(h.push(rollupPt('weekly', 'revenue', 900_000, week1, { target: 1_150_000 }))).toEqual([]);
    h.now = week2 - 1;
    expect(h.tick()).toEqual([]);
    h.now = week2;
    const fired = h.tick();
    expect(moves(fired)).toEqual(['revenue-week:none→firing']);
    expect(fired[0]!.alert.summary).toBe('Revenue for the week of 2025-03-03 was 900,000 USD, 21.7% under target 1,150,000 USD');
    // The next week in progress changes nothing; its good end resolves the alert.
    h.now = close(10);
    expect(h.push(rollupPt('weekly', 'revenue', 100_000, week2, { target: 1_150_000 }))).toEqual([]);
    h.now = close(16);
    expect(h.push(rollupPt('weekly', 'revenue', 1_200_000, week2, { target: 1_150_000 }))).toEqual([]);
    h.now = nyMidnight(2025, 3, 17) + HOUR;
    expect(moves(h.tick())).toEqual(['revenue-week:firing→resolved']);
  });

  it('judges the previous week as soon as the next week’s first rollup arrives', () => {
    const h = new EngineHarness(metricsWithRules({ revenue: [WEEK] }));
    h.now = close(9);
    h.push(rollupPt('weekly', 'revenue', 900_000, nyMidnight(2025, 3, 3), { target: 1_150_000 }));
    h.now = close(10);
    expect(moves(h.push(rollupPt('weekly', 'revenue', 150_000, nyMidnight(2025, 3, 10), { target: 1_150_000 })))).toEqual([
      'revenue-week:none→firing',
    ]);
  });
});
