import { milestoneSource } from './milestone-rule';
import { EVENT_HOLD_MS } from '../../lifecycle/lifecycle-timing';
import { EngineHarness, metricsWithRules, moves, nyMidnight, rollupPt, pt, DAY, MINUTE } from '../../test-support/alert-fixtures';

const MONTH = { type: 'milestone', id: 'revenue-month-milestones', period: 'month', marks: [4000000, 5000000, 6000000] };
const YEAR = { type: 'milestone', id: 'revenue-year-milestones', period: 'year', marks: [30000000, 50000000, 60000000, 70000000] };
const CASH = { type: 'milestone', id: 'cash-milestones', marks: [10000000, 15000000, 20000000, 25000000, 30000000], crossing: 'both' };

describe('milestoneSource', () => {
  it.each([
    [{ kind: 'flow', rollups: ['daily', 'weekly', 'monthly'], dimensions: ['region'] }, 'month', 'rollup_monthly', 'total'],
    [{ kind: 'flow', rollups: ['daily'], dimensions: [] }, 'year', 'rollup_daily', 'total'],
    [{ kind: 'flow', rollups: [], dimensions: [] }, 'quarter', 'value', 'sum'],
    [{ kind: 'stock', rollups: ['monthly'], dimensions: ['department'] }, undefined, 'rollup_monthly', 'total'],
    [{ kind: 'stock', rollups: ['daily', 'monthly'], dimensions: [] }, undefined, 'value', 'series'],
    [{ kind: 'stock', rollups: [], dimensions: ['region'] }, undefined, 'value', 'series'],
  ] as const)('%j period %s → %s (%s)', (kpi, period, input, mode) => {
    expect(milestoneSource({ ...kpi, rollups: [...kpi.rollups], dimensions: [...kpi.dimensions] }, period)).toEqual({ input, mode });
  });
});

describe('milestone rule in the engine', () => {
  it('announces each monthly mark once per month as an information event that resolves by itself', () => {
    const h = new EngineHarness(metricsWithRules({ revenue: [MONTH] }));
    const march = nyMidnight(2025, 3, 1);
    h.now = march + 5 * DAY;
    expect(h.push(rollupPt('monthly', 'revenue', 1_000_000, march))).toEqual([]);
    h.now += 12 * DAY;
    const first = h.push(rollupPt('monthly', 'revenue', 4_100_000, march));
    expect(moves(first)).toEqual(['revenue-month-milestones:none→firing']);
    expect(first[0]!.alert).toMatchObject({
      severity: 'info',
      alertClass: 'information',
      labels: { mark: '4000000', class: 'information' },
      summary: 'Revenue passed 4,000,000 USD for 2025-03 (4,100,000 USD month to date)',
      details: { mark: 4_000_000, direction: 'up', period: '2025-03' },
    });
    expect(moves(h.run(EVENT_HOLD_MS))).toEqual(['revenue-month-milestones:firing→resolved']);
    // The same total again, then 5.2M: only 5M is news.
    expect(h.push(rollupPt('monthly', 'revenue', 4_100_000, march))).toEqual([]);
    h.now += DAY;
    expect(h.push(rollupPt('monthly', 'revenue', 5_200_000, march)).map((t) => t.alert.labels.mark)).toEqual(['5000000']);
    // April starts from zero: 4M is announced again (a new cycle of the same alert).
    const april = nyMidnight(2025, 4, 1);
    h.now = april + DAY;
    expect(h.push(rollupPt('monthly', 'revenue', 300_000, april))).toEqual([]);
    h.now = april + 20 * DAY;
    const again = h.push(rollupPt('monthly', 'revenue', 4_300_000, april));
    expect(moves(again)).toEqual(['revenue-month-milestones:resolved→firing']);
    expect(again[0]!.fingerprint).toBe(first[0]!.fingerprint);
    expect(again[0]!.alert.summary).toContain('for 2025-04');
  });

  it('adds the months of the year for a yearly mark, and announces only the furthest mark passed at once', () => {
    const h = new EngineHarness(metricsWithRules({ revenue: [YEAR] }));
    const out: string[] = [];
    for (let m = 1; m <= 7; m++) {
      const start = nyMidnight(2025, m, 1);
      h.now = start + 27 * DAY;
      out.push(...h.push(rollupPt('monthly', 'revenue', m === 7 ? 21_000_000 : 5_000_000, start)).map((t) => t.alert.summary));
      h.run(EVENT_HOLD_MS);
    }
    expect(out).toEqual([
      'Revenue passed 30,000,000 USD for 2025 (30,000,000 USD year to date)',
      'Revenue passed 50,000,000 USD for 2025 (51,000,000 USD year to date)',
    ]);
    expect(h.log.find((t) => t.alert.labels.mark === '50000000')!.alert.details.marksPassed).toBe('50000000');
  });

  it('announces level crossings both ways for a stock, with a dead band against hovering', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [CASH] }));
    const marks = (value: number) => {
      h.run(15 * MINUTE);
      return h.value('cash_position', {}, value).map((t) => `${t.alert.details.direction} ${t.alert.labels.mark}`);
    };
    expect(marks(9_000_000)).toEqual([]);
    expect(marks(10_500_000)).toEqual(['up 10000000']);
    expect(marks(9_950_000)).toEqual([]); // within 1% below the mark
    expect(marks(10_100_000)).toEqual([]); // not re-armed
    expect(marks(9_800_000)).toEqual(['down 10000000']);
    expect(marks(16_000_000)).toEqual(['up 15000000']);
    expect(h.engine.getAlert(h.log.at(-1)!.fingerprint)?.summary).toBe('Cash position rose to 15,000,000 USD or more (16,000,000 USD)');
  });

  it('judges a stock with dimensions on its company-wide total (headcount across departments)', () => {
    const h = new EngineHarness(
      metricsWithRules({ headcount: [{ type: 'milestone', id: 'headcount-milestones', marks: [400, 450, 500, 550], crossing: 'both' }] }),
    );
    const march = nyMidnight(2025, 3, 1);
    expect(h.push(pt('headcount', { department: 'engineering' }, 460, h.now))).toEqual([]);
    expect(h.push(rollupPt('monthly', 'headcount', 445, march))).toEqual([]);
    h.advance(DAY);
    expect(h.push(rollupPt('monthly', 'headcount', 20, march, {}, 'series', { department: 'finance' }))).toEqual([]);
    const out = h.push(rollupPt('monthly', 'headcount', 452, march));
    expect(out.map((t) => t.alert.summary)).toEqual(['Headcount rose to 450 or more (452)']);
    expect(out[0]!.alert.series).toEqual({});
  });
});
