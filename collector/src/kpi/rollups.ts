import type { Period } from '../config/kpi-schema';
import { pointAt, type FieldValue, type Point } from '../core/point';
import type { CompanyCalendar } from './company-calendar';
import type { CurrencyRates, KpiState, SeriesState } from './kpi-state';

/** What rollup computation needs besides the KPI's state. */
export interface RollupContext {
  readonly calendar: CompanyCalendar;
  readonly fx: CurrencyRates;
  /** The current time (epoch ms): decides the incomplete period and its elapsed fraction. */
  readonly now: number;
}

/** Days touched by an ingest call and, per day, the series touched on it. */
export type TouchedDays = ReadonlyMap<number, ReadonlySet<SeriesState>>;

/** Measurement of the rollup points of a period. */
export function rollupMeasurement(period: Period): string {
  return `rollup_${period}`;
}

/**
 * Rollup points of one KPI for the periods (of each of its `rollups`) containing the touched days:
 * one `scope=total` point per period (reporting currency, with target and budget) and one
 * `scope=series` point per touched series (its own currency). Timestamp = period start in the
 * company time zone. Fields, when known: target, budget, variance_target(_pct),
 * variance_budget(_pct), previous, change_pct, last_year, yoy_pct, and `projected`
 * (value / elapsed fraction) for a raw flow's current, incomplete period.
 * Cost: O(touched periods × (days per period + touched series × days per period)).
 */
export function rollupPoints(ks: KpiState, touched: TouchedDays, ctx: RollupContext): Point[] {
  const out: Point[] = [];
  for (const period of ks.def.rollups) {
    const byPeriod = new Map<number, Set<SeriesState>>();
    for (const [day, series] of touched) {
      const key = ctx.calendar.periodOf(period, day);
      let set = byPeriod.get(key);
      if (set === undefined) byPeriod.set(key, (set = new Set()));
      for (const s of series) set.add(s);
    }
    for (const [key, series] of byPeriod) emitPeriod(ks, period, key, series, ctx, out);
  }
  return out;
}

interface PeriodSpan {
  first: number;
  end: number;
  startMs: number;
  endMs: number;
  /** When stock levels and exchange rates are read: the period's end, or now if earlier. */
  asOf: number;
}

function span(calendar: CompanyCalendar, period: Period, key: number, now: number): PeriodSpan {
  const { first, end } = calendar.periodDays(period, key);
  const startMs = calendar.dayStart(first);
  const endMs = calendar.dayStart(end);
  const asOf = now >= startMs && now < endMs ? now : endMs - 1;
  return { first, end, startMs, endMs, asOf };
}

function emitPeriod(
  ks: KpiState,
  period: Period,
  key: number,
  series: ReadonlySet<SeriesState>,
  ctx: RollupContext,
  out: Point[],
): void {
  const { calendar, fx, now } = ctx;
  const cur = span(calendar, period, key, now);
  const prev = span(calendar, period, calendar.previousPeriod(period, key), now);
  const ly = span(calendar, period, calendar.lastYearPeriod(period, key), now);
  const measurement = rollupMeasurement(period);
  const def = ks.def;
  const projecting = def.kind === 'flow' && ks.timeAgg === 'sum' && now >= cur.startMs && now < cur.endMs;
  const elapsed = (now - cur.startMs) / (cur.endMs - cur.startMs);

  const total = ks.periodTotal(cur.first, cur.end, cur.asOf, fx);
  if (Number.isFinite(total)) {
    const fields: Record<string, FieldValue> = {};
    addVariance(fields, 'target', total, def.target?.[period]);
    addVariance(fields, 'budget', total, def.budget?.[period]);
    addComparison(fields, 'previous', 'change_pct', total, ks.periodTotal(prev.first, prev.end, prev.asOf, fx));
    addComparison(fields, 'last_year', 'yoy_pct', total, ks.periodTotal(ly.first, ly.end, ly.asOf, fx));
    if (projecting && elapsed > 0) fields.projected = total / elapsed;
    out.push(pointAt(measurement, { kpi: def.id, scope: 'total' }, total, cur.startMs, fields));
  }

  for (const s of series) {
    const value = ks.seriesPeriodValue(s, cur.first, cur.end, cur.asOf);
    if (!Number.isFinite(value)) continue;
    const fields: Record<string, FieldValue> = {};
    addComparison(fields, 'previous', 'change_pct', value, ks.seriesPeriodValue(s, prev.first, prev.end, prev.asOf));
    addComparison(fields, 'last_year', 'yoy_pct', value, ks.seriesPeriodValue(s, ly.first, ly.end, ly.asOf));
    if (projecting && elapsed > 0) fields.projected = value / elapsed;
    out.push(pointAt(measurement, { ...s.tags, kpi: def.id, scope: 'series' }, value, cur.startMs, fields));
  }
}

/** Percentage change from `base` to `value`, relative to |base|; undefined when base is 0. */
export function pctChange(value: number, base: number): number | undefined {
  if (!Number.isFinite(base) || base === 0) return undefined;
  const pct = ((value - base) / Math.abs(base)) * 100;
  return Number.isFinite(pct) ? pct : undefined;
}

function addVariance(fields: Record<string, FieldValue>, name: 'target' | 'budget', value: number, goal: number | undefined): void {
  if (goal === undefined) return;
  fields[name] = goal;
  fields[`variance_${name}`] = value - goal;
  const pct = pctChange(value, goal);
  if (pct !== undefined) fields[`variance_${name}_pct`] = pct;
}

function addComparison(
  fields: Record<string, FieldValue>,
  name: 'previous' | 'last_year',
  pctName: 'change_pct' | 'yoy_pct',
  value: number,
  base: number,
): void {
  if (!Number.isFinite(base)) return;
  fields[name] = base;
  const pct = pctChange(value, base);
  if (pct !== undefined) fields[pctName] = pct;
}
