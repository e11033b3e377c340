import type { EffectiveRule } from '../../config/rule-schema';
import type { Point } from '../../core/point';
import { VALUE_INPUT, type RuleEvaluator, type RuleInput, type SignalSink, type ValuePointEvaluator } from './rule-kind';
import type { SeriesEntry, SeriesTable } from './series-table';

/**
 * Base of the rule kinds whose value points each go to their own series' entry (static, anomaly,
 * covenant, trend, forecast). `onPoint` is nothing but the series lookup followed by `onValue`, so
 * the engine may look the series up once and call `onValue` itself (see ValuePointEvaluator) with
 * the same outcome.
 */
export abstract class OwnSeriesEvaluator<S, R extends EffectiveRule = EffectiveRule> implements RuleEvaluator, ValuePointEvaluator {
  readonly inputs: readonly RuleInput[] = [VALUE_INPUT];
  readonly valuePoints: ValuePointEvaluator = this;

  constructor(readonly series: SeriesTable<S, R>) {}

  onPoint(point: Point, _input: RuleInput, now: number, emit: SignalSink): SeriesEntry {
    const entry = this.series.forPoint(point, VALUE_INPUT, now);
    this.onValue(entry, point.time, point.value, now, emit);
    return entry as SeriesEntry;
  }

  entryOf(key: string, tags: Readonly<Record<string, string>>, now: number): SeriesEntry {
    return this.series.obtain(key, tags, now) as SeriesEntry;
  }

  /** Evaluates a point of the series of `entry` (time and value of the point). */
  abstract onValue(entry: SeriesEntry<S, R>, time: number, value: number, now: number, emit: SignalSink): void;
}
