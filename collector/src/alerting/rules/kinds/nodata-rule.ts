import type { RuleOfType } from '../../../config/rule-schema';
import { durationMs } from '../../../config/scalar-schemas';
import type { Point } from '../../../core/point';
import { formatDuration, seriesName } from '../../alert-text';
import { VALUE_INPUT, type ConditionSignal, type EffectiveRuleOf, type RuleBinding, type RuleEnvironment, type RuleEvaluator, type RuleKind, type SignalSink, type ValuePointEvaluator } from '../rule-kind';
import { isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * nodata: a "system failure" (category system, critical by default) when no point has arrived for
 * `after` — per series (each bank account) or, with scope kpi, for the KPI as a whole (any point
 * counts). Silence is measured in arrival time (the `now` points are handed over with), checked on
 * every tick; a point ends it at once.
 *
 * A series-scoped rule only knows series it has seen; until the KPI's first point arrives it
 * watches the KPI as a whole from the moment the rule started (so a source dead from the start is
 * noticed too). After a restart, silence is counted from the restart at the earliest (the engine
 * moves last-seen times forward), so downtime of the collector itself raises no alert.
 */

type Rule = EffectiveRuleOf<'nodata'>;

interface NodataState {
  active: boolean | undefined;
  /** The KPI-wide stand-in of a series-scoped rule before any series was seen. */
  placeholder: boolean;
}

const codec = {
  initial: (): NodataState => ({ active: undefined, placeholder: false }),
  encode: (s: NodataState) => ({ a: s.active ?? null, p: s.placeholder }),
  decode: (json: unknown): NodataState | undefined =>
    isRecord(json) ? { active: typeof json.a === 'boolean' ? json.a : undefined, placeholder: json.p === true } : undefined,
};

const KPI_WIDE = '';

class NodataEvaluator implements RuleEvaluator, ValuePointEvaluator {
  readonly inputs = [VALUE_INPUT];
  readonly valuePoints: ValuePointEvaluator = this;
  readonly series: SeriesTable<NodataState, Rule>;
  private readonly afterMs: number;
  private readonly scope: 'series' | 'kpi';

  constructor(
    private readonly binding: RuleBinding<RuleOfType<'nodata'>>,
    env: RuleEnvironment,
  ) {
    this.series = new SeriesTable<NodataState, Rule>(binding.rule, codec);
    this.afterMs = durationMs(binding.rule.after);
    this.scope = binding.rule.scope;
    const wide = this.series.obtain(KPI_WIDE, {}, env.startedAt);
    wide.state.placeholder = this.scope === 'series';
  }

  onPoint(point: Point, input: string, now: number, emit: SignalSink): SeriesEntry {
    const entry = this.scope === 'kpi' ? this.series.obtain(KPI_WIDE, {}, now) : this.series.forPoint(point, input, now);
    this.onValue(entry, point.time, point.value, now, emit);
    return entry as SeriesEntry;
  }

  /** A series-scoped rule watches each series; a KPI-scoped one the KPI as a whole (any point counts). */
  entryOf(key: string, tags: Readonly<Record<string, string>>, now: number): SeriesEntry {
    return (this.scope === 'kpi' ? this.series.obtain(KPI_WIDE, {}, now) : this.series.obtain(key, tags, now)) as SeriesEntry;
  }

  onValue(entry: SeriesEntry<NodataState, Rule>, _time: number, _value: number, now: number, emit: SignalSink): void {
    if (this.scope === 'series') {
      if (entry.state.placeholder) {
        entry.state.placeholder = false;
      } else {
        const wide = this.series.get(KPI_WIDE);
        if (wide !== undefined && wide.state.placeholder) {
          if (wide.state.active === true || (wide.state.active === undefined && emit.hasAlerts())) emit(wide as SeriesEntry, this.signal(wide, false, now));
          this.series.delete(KPI_WIDE);
        }
      }
    }
    if (entry.state.active === true || (entry.state.active === undefined && emit.hasAlerts())) {
      emit(entry as SeriesEntry, this.signal(entry, false, now));
    }
    entry.state.active = false;
    entry.lastSeenAt = now;
    this.series.touch(entry);
  }

  onTick(now: number, emit: SignalSink): void {
    for (const entry of this.series.entries()) {
      const s = entry.state;
      if (s.placeholder && this.series.size > 1) {
        // Series restored from the state database: the KPI-wide stand-in is not needed.
        if (s.active === true || (s.active === undefined && emit.hasAlerts())) emit(entry as SeriesEntry, this.signal(entry, false, now));
        this.series.delete(entry.key);
        continue;
      }
      if (s.active === true) continue;
      const silent = now - entry.lastSeenAt >= this.afterMs;
      if (!silent && s.active === false) continue;
      if (!silent) {
        // Unknown state (fresh evaluator) with recent data: report once, so a stale alert resolves.
        if (emit.hasAlerts()) emit(entry as SeriesEntry, this.signal(entry, false, now));
        s.active = false;
      } else {
        s.active = true;
        emit(entry as SeriesEntry, this.signal(entry, true, now));
      }
      this.series.touch(entry);
    }
  }

  nextDueAt(): number | undefined {
    let due: number | undefined;
    for (const entry of this.series.entries()) {
      if (entry.state.active === true) continue;
      const at = entry.state.active === undefined ? -Infinity : entry.lastSeenAt + this.afterMs;
      if (due === undefined || at < due) due = at;
    }
    return due;
  }

  private signal(entry: SeriesEntry<NodataState, Rule>, active: boolean, now: number): ConditionSignal {
    const rule = entry.rule;
    const kpi = this.binding.kpi;
    const silentFor = Math.max(0, now - entry.lastSeenAt);
    const what =
      this.scope === 'kpi' ? `${kpi.name} (any series)` : entry.state.placeholder ? `${kpi.name} (no series seen yet)` : seriesName(kpi, entry.tags);
    const expected = `expected every ${rule.expectedEvery} from source ${kpi.source}`;
    const summary = active
      ? `System failure: no data from ${what} for ${formatDuration(silentFor)} (${expected})`
      : `${what}: data is arriving (${expected})`;
    return {
      active,
      severity: rule.severity,
      summary,
      category: 'system',
      details: {
        expectedEvery: rule.expectedEvery,
        after: rule.after,
        scope: this.scope,
        source: kpi.source,
        lastSeenAt: entry.lastSeenAt,
        silentForMs: silentFor,
      },
    };
  }
}

export const nodataRuleKind: RuleKind<'nodata'> = {
  type: 'nodata',
  create: (binding, env) => new NodataEvaluator(binding, env),
};
