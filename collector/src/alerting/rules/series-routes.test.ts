import fc from 'fast-check';
import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { Point } from '../../core/point';
import type { PointColumns, SeriesIdentity } from '../../ingest/point-columns';
import { AlertEngine } from '../alert-engine';
import { HOUR, metricsWithRules, MINUTE, T0 } from '../test-support/alert-fixtures';
import { createAnomalyRuleKind } from './kinds/anomaly-kind';
import type { RuleEvaluator, RuleKind } from './rule-kind';
import { builtInRuleKinds, RuleKindRegistry } from './rule-kind-registry';

/**
 * The engine's series routes (one lookup per point, entries kept per series, points read from
 * columns) must change nothing: the same transitions and the same state to persist as an engine
 * whose rules look every point's series up themselves (`onPoint`, as before the routes).
 */

/**
 * Rules of every kind that takes value points by entry, and a KPI whose milestone needs the Point
 * (cash_position, without dimensions: its one series is the series-scoped nodata rule's KPI-wide
 * stand-in until the first point).
 */
function rulesWith(uptimeBelow: number): MetricsConfig {
  return metricsWithRules({
    platform_uptime: [
      {
        type: 'static',
        id: 'uptime-low',
        severity: 'critical',
        below: uptimeBelow,
        recoverAt: 99.95,
        overrides: [{ match: { service: 'payments' }, below: 99.5, recoverAt: 99.7 }],
        noData: { policy: 'alert', after: '15m' },
      },
      { type: 'nodata', id: 'uptime-silent', expectedEvery: '5m', after: '15m' },
      { type: 'trend', id: 'uptime-falling', severity: 'info', window: '1h', changePct: 0.05, direction: 'down' },
      { type: 'covenant', id: 'uptime-sla', limit: 99.5, comparison: '>=', headroomPct: 0.3 },
      { type: 'anomaly', id: 'uptime-unusual', severity: 'info', bandPct: 99, minHistory: '1h', seasonality: 'none' },
    ],
    cash_position: [
      { type: 'nodata', id: 'cash-silent', expectedEvery: '15m', after: '45m', scope: 'series' },
      { type: 'milestone', id: 'cash-marks', marks: [1500, 3000], crossing: 'both' },
      { type: 'static', id: 'cash-low', severity: 'critical', below: 1000 },
    ],
    bank_balance: [
      { type: 'nodata', id: 'feed-silent', expectedEvery: '15m', after: '45m', scope: 'series' },
      { type: 'static', id: 'account-low', severity: 'warning', below: 1000, noData: { policy: 'ignore', after: '1h' } },
      { type: 'anomaly', id: 'balance-unusual', severity: 'warning', bandPct: 99, minHistory: '3h', seasonality: 'none', noData: { policy: 'ok', after: '2h' } },
    ],
    revenue: [
      { type: 'nodata', id: 'revenue-missing', expectedEvery: '1d', after: '2d', scope: 'kpi' },
      { type: 'static', id: 'revenue-high', severity: 'warning', above: 5000, noData: { policy: 'keep_last', after: '1h' } },
    ],
  });
}

/** Two versions of the rules: a reload between them changes one rule and keeps the others. */
const CONFIGS = new Map([99.9, 99.7].map((below) => [below, rulesWith(below)]));
const metrics = (uptimeBelow: number): MetricsConfig => CONFIGS.get(uptimeBelow)!;

/** The series points come from: tags objects shared by every point of a series (as ingest interns them). */
const SERIES: SeriesIdentity[] = [
  { kpi: 'platform_uptime', tags: Object.freeze({ service: 'api' }) },
  { kpi: 'platform_uptime', tags: Object.freeze({ service: 'payments' }) },
  { kpi: 'bank_balance', tags: Object.freeze({ account: 'ops-usd', bank: 'jpm', currency: 'USD' }) },
  { kpi: 'bank_balance', tags: Object.freeze({ account: 'payroll-usd', bank: 'citi', currency: 'USD' }) },
  { kpi: 'revenue', tags: Object.freeze({ region: 'na', product: 'platform' }) },
  { kpi: 'revenue', tags: Object.freeze({ region: 'emea', product: 'platform' }) },
  { kpi: 'cash_position', tags: Object.freeze({}) },
  // No rule reads expenses' own points.
  { kpi: 'expenses', tags: Object.freeze({ department: 'sales', region: 'na' }) },
];

/** Values around each KPI's thresholds and marks. */
const VALUES: Record<string, number[]> = {
  platform_uptime: [99.99, 99.96, 99.92, 99.8, 99.6, 99.2],
  bank_balance: [800, 1200, 1400, 1600, 2000, 2900, 3100, 50_000],
  revenue: [100, 4000, 6000],
  cash_position: [800, 1200, 1600, 2900, 3100],
  expenses: [100, 90_000],
};

interface PointStep {
  readonly series: number;
  readonly value: number;
  /** Offset of the point's time from now (negative: late points, some older than the series' newest). */
  readonly offsetMs: number;
}

type Step =
  | { readonly kind: 'points'; readonly points: readonly PointStep[]; readonly as: 'columns' | 'interned' | 'copied' }
  | { readonly kind: 'advance'; readonly ms: number }
  /** A run of points of one value every 5 minutes (ticking after each): rules learn what normal looks like. */
  | { readonly kind: 'steady'; readonly series: number; readonly count: number }
  | { readonly kind: 'reconfigure'; readonly uptimeBelow: number }
  | { readonly kind: 'drain' };

const pointStep = fc.record({
  series: fc.integer({ min: 0, max: SERIES.length - 1 }),
  value: fc.integer({ min: 0, max: 7 }),
  offsetMs: fc.constantFrom(0, 0, 0, -MINUTE, -10 * MINUTE),
});

const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('points' as const), points: fc.array(pointStep, { minLength: 1, maxLength: 12 }), as: fc.constantFrom('columns' as const, 'interned' as const, 'copied' as const) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(MINUTE, 5 * MINUTE, 20 * MINUTE, HOUR, 3 * HOUR) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('steady' as const), series: fc.integer({ min: 0, max: SERIES.length - 1 }), count: fc.integer({ min: 1, max: 20 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('reconfigure' as const), uptimeBelow: fc.constantFrom(99.9, 99.7) }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'drain' as const }) },
);

/** The kinds of `registry` with evaluators that hide their ValuePointEvaluator: every point goes through `onPoint`. */
function pointByPoint(registry: RuleKindRegistry): RuleKindRegistry {
  let out = new RuleKindRegistry();
  for (const type of registry.types()) {
    const kind = registry.get(type) as RuleKind;
    out = out.with({
      type,
      create: (binding, env) => {
        const inner = kind.create(binding as never, env);
        const evaluator: RuleEvaluator = {
          inputs: inner.inputs,
          series: inner.series,
          onPoint: (point, input, now, emit) => inner.onPoint(point, input, now, emit),
          ...(inner.onTick ? { onTick: (now, emit) => inner.onTick!(now, emit) } : {}),
          ...(inner.nextDueAt ? { nextDueAt: () => inner.nextDueAt!() } : {}),
        };
        return evaluator;
      },
    } as RuleKind);
  }
  return out;
}

function registry(): RuleKindRegistry {
  return builtInRuleKinds().with(createAnomalyRuleKind());
}

/** Points in columns, as the ingest hot path hands them over (one series space for the whole run). */
function columnsOf(points: readonly Point[], ids: readonly number[]): PointColumns {
  return {
    length: points.length,
    space: SPACE,
    ids: Int32Array.from(ids),
    times: Float64Array.from(points.map((p) => p.time)),
    values: Float64Array.from(points.map((p) => p.value)),
    toPoints: () => [...points],
  };
}

const SPACE = { identity: (id: number) => SERIES[id]! };

describe('series routes', () => {
  it('give the same transitions and persisted state as a lookup per rule and point (property)', () => {
    const fired = new Set<string>();
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 60 }), (steps) => {
        let now = T0;
        const reference = new AlertEngine({ metrics: metrics(99.9), now, registry: pointByPoint(registry()) });
        const routed = new AlertEngine({ metrics: metrics(99.9), now, registry: registry() });
        for (const s of steps) {
          switch (s.kind) {
            case 'points': {
              const points = s.points.map((p) => {
                const series = SERIES[p.series]!;
                const tags = s.as === 'copied' ? { ...series.tags } : series.tags;
                const values = VALUES[series.kpi]!;
                return { kpi: series.kpi, tags, value: values[p.value % values.length]!, time: now + p.offsetMs, ns: BigInt(now + p.offsetMs) * 1_000_000n };
              });
              const expected = reference.onPoints(points, now);
              for (const t of expected) fired.add(`${t.alert.ruleId}:${t.to}`);
              const actual = s.as === 'columns' ? routed.onColumns(columnsOf(points, s.points.map((p) => p.series)), now) : routed.onPoints(points, now);
              expect(actual).toEqual(expected);
              break;
            }
            case 'advance':
              now += s.ms;
              expect(routed.tick(now)).toEqual(reference.tick(now));
              break;
            case 'steady': {
              const series = SERIES[s.series]!;
              for (let k = 0; k < s.count; k++) {
                now += 5 * MINUTE;
                const point = { kpi: series.kpi, tags: series.tags, value: VALUES[series.kpi]![0]!, time: now, ns: BigInt(now) * 1_000_000n };
                expect(routed.onColumns(columnsOf([point], [s.series]), now)).toEqual(reference.onPoints([point], now));
                expect(routed.tick(now)).toEqual(reference.tick(now));
              }
              break;
            }
            case 'reconfigure':
              expect(routed.reconfigure(metrics(s.uptimeBelow), now)).toEqual(reference.reconfigure(metrics(s.uptimeBelow), now));
              break;
            case 'drain':
              expect(routed.drainChanges()).toEqual(reference.drainChanges());
              break;
          }
        }
        expect(routed.drainChanges()).toEqual(reference.drainChanges());
        expect(routed.listAlerts()).toEqual(reference.listAlerts());
        expect(routed.stats()).toEqual(reference.stats());
      }),
      { seed: 11, numRuns: 300 },
    );
    // The runs reach every rule's alert, so every kind's verdicts were compared, not only quiet points.
    for (const ruleId of ['uptime-low', 'uptime-falling', 'uptime-sla', 'uptime-unusual', 'account-low', 'cash-marks', 'cash-low', 'revenue-high']) {
      expect([...fired].some((f) => f.startsWith(`${ruleId}:`))).toBe(true);
    }
    expect(fired).toContain('uptime-low:resolved');
  });
});
