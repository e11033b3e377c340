import type { RuleOfType } from '../../../config/rule-schema';
import { durationMs } from '../../../config/scalar-schemas';
import {
  createAnomalyDetector,
  restoreAnomalyDetector,
  type AnomalyAssessment,
  type AnomalyDetectorSnapshot,
  type StreamingAnomalyDetector,
} from '../../../analytics/anomaly/anomaly-detector';
import { kpiDetectorOptions } from '../../../analytics/anomaly/kpi-detector-options';
import { NoveltyAnomalyDetector, type NoveltyDetectorOptions, type NoveltyReading } from '../../../analytics/anomaly/novelty-anomaly-detector';
import { noveltyRuleOptions } from '../../../analytics/anomaly/novelty-rule-options';
import type { BandSink } from '../../../analytics/dynamic-thresholds/band-points';
import { bandScore, bandZ, learnedBand } from '../../../analytics/dynamic-thresholds/learned-band';
import { formatDuration, formatNumber, formatValue, seriesName } from '../../alert-text';
import { OwnSeriesEvaluator } from '../own-series-evaluator';
import type { ConditionSignal, EffectiveRuleOf, RuleBinding, RuleKind, SignalSink } from '../rule-kind';
import { finiteOr, isRecord, SeriesTable, type SeriesEntry } from '../series-table';

/**
 * anomaly: the value is outside the band learnt from the series' own history.
 *
 * Each series of the KPI gets a streaming detector (analytics/anomaly: a robust seasonal baseline
 * with median/MAD level, per-phase seasonal offsets for `seasonality` daily/weekly, and a CUSUM
 * level-shift detector that re-levels the baseline after a confirmed shift). Before a point teaches
 * the detector it is judged against the band `expected ± z·scale`, z the two-sided normal quantile
 * of `bandPct` (99 → 2.576, 99.9 → 3.291); `direction` picks the side(s) that fire. Constant work
 * per point (bounded windows); the detector's state is the series' persisted state, so a restart
 * remembers what normal looks like.
 *
 * Learning: no signal until the series has `minHistory` of data (time since its first point) and
 * at least 8 points. `learningStatus()` of the kind lists every series still learning with the time
 * it becomes ready; the first signal after learning carries `learnedFor` in its details.
 *
 * Details of each signal: expected, lower, upper, bandPct, score (bandScore of the residual,
 * [0, 1]), z, detector ('baseline', 'baseline-weekly', 'level-shift' …), detectorScore, seasonality.
 * With a `BandSink` the kind also reports the learned bands (99 % and 99.9 %) of every evaluated
 * point past learning (see analytics/dynamic-thresholds).
 *
 * Method novelty (`method: 'novelty'`): each series also keeps the NAB-tuned NoveltyAnomalyDetector
 * (analytics/anomaly/novelty-anomaly-detector, options from `noveltyRuleOptions`: bounded context
 * counts and season rings sized to the cadence). It learns the same points as the band detector, and
 * a point between two learned ones is judged with the last score. Past learning the rule is active
 * while the score is at or above `threshold` (and, with `direction` up/down, the value is on that
 * side of the expected value). The band detector keeps running to explain the alert: details carry
 * method, score, threshold, channel (range, context, daily, weekly), quiet (score damped after an
 * alarm), expected, lower, upper and the band fields above. Both detectors' states are persisted.
 */

type Rule = EffectiveRuleOf<'anomaly'>;

/** Points a series needs at least, whatever its minHistory. */
export const ANOMALY_MIN_POINTS = 8;

interface AnomalyState {
  detector: StreamingAnomalyDetector;
  /** Time of the series' first point (undefined = none yet). */
  first: number | undefined;
  /** Time of the newest point evaluated. */
  t: number;
  /** Points learned. */
  n: number;
  /** undefined until the first evaluation after learning (or after a reset). */
  active: boolean | undefined;
  /** Time of the newest point the detector learned. */
  learnedAt: number;
  /** The detector's last judgement, for the points between two learned ones. */
  last: AnomalyAssessment | undefined;
  /** Method novelty: the series' novelty detector (created at its first novelty evaluation). */
  novelty: NoveltyAnomalyDetector | undefined;
  /** The novelty detector's last reading, for the points between two learned ones. */
  noveltyLast: NoveltyReading | undefined;
}

/** The reading of a novelty detector that has read nothing yet. */
const NO_READING: NoveltyReading = { score: 0, channel: 'none', quiet: false };

/** How a summary names the channel that gave a novelty score. */
const CHANNEL_TEXT: Readonly<Record<string, string>> = {
  range: 'beyond its range so far',
  context: 'unusual sequence of values',
  daily: 'daily pattern broken',
  weekly: 'weekly pattern broken',
  none: 'no single cause',
};

/** One series still learning what normal looks like. */
export interface AnomalyLearningStatus {
  readonly kpi: string;
  readonly ruleId: string;
  readonly series: Readonly<Record<string, string>>;
  readonly points: number;
  /** Time of the first point, or undefined before any. */
  readonly since: number | undefined;
  /** When the series has `minHistory` of data (points permitting). */
  readonly readyAt: number | undefined;
}

export interface AnomalyKindOptions {
  /** Receives the learned band of each evaluated point past learning (kpi_band points). */
  readonly bands?: BandSink;
}

/** The anomaly kind plus what it knows about learning series. */
export interface AnomalyRuleKind extends RuleKind<'anomaly'> {
  /** Series of every anomaly rule that are still learning (no alert possible yet). */
  learningStatus(): AnomalyLearningStatus[];
}

function codecFor(cadenceMs: number, noveltyOptions: NoveltyDetectorOptions) {
  const fresh = (rule: Rule) => createAnomalyDetector(kpiDetectorOptions(rule.seasonality, cadenceMs));
  return {
    initial: (rule: Rule): AnomalyState => ({
      detector: fresh(rule),
      first: undefined,
      t: -Infinity,
      n: 0,
      active: undefined,
      learnedAt: -Infinity,
      last: undefined,
      novelty: undefined,
      noveltyLast: undefined,
    }),
    encode: (s: AnomalyState) => ({
      d: s.detector.snapshot(),
      f: s.first ?? null,
      t: Number.isFinite(s.t) ? s.t : null,
      n: s.n,
      a: s.active ?? null,
      ...(s.novelty !== undefined ? { nv: s.novelty.snapshot() } : {}),
    }),
    decode: (json: unknown): AnomalyState | undefined => {
      if (!isRecord(json) || !isRecord(json.d)) return undefined;
      try {
        const detector = restoreAnomalyDetector(json.d as unknown as AnomalyDetectorSnapshot);
        const first = finiteOr(json.f, undefined);
        const t = finiteOr(json.t, -Infinity);
        // A novelty state that cannot be restored (corrupt, other version or cadence) starts the series over.
        const novelty = json.nv === undefined ? undefined : NoveltyAnomalyDetector.tryRestore(json.nv, noveltyOptions);
        if (json.nv !== undefined && novelty === undefined) return undefined;
        return {
          detector,
          first,
          t,
          n: finiteOr(json.n, 0),
          active: typeof json.a === 'boolean' ? json.a : undefined,
          // The next point after a restart is learned (and judged afresh).
          learnedAt: -Infinity,
          last: undefined,
          novelty,
          noveltyLast: undefined,
        };
      } catch {
        return undefined;
      }
    },
  };
}

class AnomalyEvaluator extends OwnSeriesEvaluator<AnomalyState, Rule> {
  private readonly minHistoryMs = new Map<string, number>();

  /** Least time between two points the detector learns: half the KPI's cadence. */
  private readonly learnEveryMs: number;
  /** Options of the series' novelty detectors (method novelty). */
  private readonly noveltyOptions: NoveltyDetectorOptions;

  constructor(
    readonly binding: RuleBinding<RuleOfType<'anomaly'>>,
    private readonly bands: BandSink | undefined,
  ) {
    const cadenceMs = durationMs(binding.kpi.cadence);
    const noveltyOptions = noveltyRuleOptions(cadenceMs);
    super(new SeriesTable<AnomalyState, Rule>(binding.rule, codecFor(cadenceMs, noveltyOptions)));
    this.noveltyOptions = noveltyOptions;
    this.learnEveryMs = cadenceMs / 2;
  }

  minHistoryOf(rule: Rule): number {
    let ms = this.minHistoryMs.get(rule.minHistory);
    if (ms === undefined) this.minHistoryMs.set(rule.minHistory, (ms = durationMs(rule.minHistory)));
    return ms;
  }

  onValue(entry: SeriesEntry<AnomalyState, Rule>, time: number, value: number, _now: number, emit: SignalSink): void {
    const s = entry.state;
    if (time <= s.t) return;
    s.t = time;
    if (s.first === undefined) s.first = time;
    const rule = entry.rule;
    // Method novelty (per series: an override may choose it): the novelty detector learns beside the band's.
    if (rule.method === 'novelty') s.novelty ??= new NoveltyAnomalyDetector(this.noveltyOptions);
    else s.novelty = s.noveltyLast = undefined;
    // The detector learns at the KPI's cadence: its windows and seasonal buckets are sized for it,
    // so a source sending faster would shrink a week's window to minutes. Points in between are
    // judged against the band of the last learned one.
    let a = s.last;
    if (a === undefined || time - s.learnedAt >= this.learnEveryMs) {
      a = s.detector.update(time, value);
      s.last = a;
      if (s.novelty !== undefined) {
        s.novelty.update(time, value);
        s.noveltyLast = s.novelty.lastReading;
      }
      s.learnedAt = time;
      s.n++;
      this.series.touch(entry);
    }
    const learnedFor = time - s.first;
    if (learnedFor < this.minHistoryOf(rule) || s.n <= ANOMALY_MIN_POINTS || !a.ready) {
      if (s.active === true) {
        s.active = false;
        emit(entry as SeriesEntry, this.learningSignal(entry, value));
      }
      return;
    }
    this.bands?.add(this.binding.kpi.id, entry.key, entry.tags, time, learnedBand(a.expected, a.scale));
    if (rule.method === 'novelty') {
      this.judgeNovelty(entry, value, a, learnedFor, emit);
      return;
    }
    const z = a.scale > 0 ? (value - a.expected) / a.scale : value === a.expected ? 0 : Math.sign(value - a.expected) * Infinity;
    const half = bandZ(rule.bandPct) * a.scale;
    const lower = a.expected - half;
    const upper = a.expected + half;
    const high = value > upper;
    const low = value < lower;
    const active = rule.direction === 'up' ? high : rule.direction === 'down' ? low : high || low;
    const was = s.active;
    s.active = active;
    if (active || was === true || (was === undefined && emit.hasAlerts())) {
      emit(entry as SeriesEntry, {
        active,
        severity: rule.severity,
        summary: this.summary(entry, value, active, high, lower, upper, a.expected),
        value,
        threshold: high ? upper : lower,
        details: {
          expected: a.expected,
          lower,
          upper,
          score: bandScore(z),
          z: Number.isFinite(z) ? z : Math.sign(z) * 1e9,
          ...detectorDetails(rule, a, learnedFor),
        },
      });
    }
  }

  /** Method novelty: active while the last novelty score is at or above the rule's threshold. */
  private judgeNovelty(entry: SeriesEntry<AnomalyState, Rule>, value: number, a: AnomalyAssessment, learnedFor: number, emit: SignalSink): void {
    const s = entry.state;
    const rule = entry.rule;
    const reading = s.noveltyLast ?? NO_READING;
    const half = bandZ(rule.bandPct) * a.scale;
    const onSide = rule.direction === 'up' ? value >= a.expected : rule.direction === 'down' ? value <= a.expected : true;
    const active = reading.score >= rule.threshold && onSide;
    const was = s.active;
    s.active = active;
    if (!active && was !== true && !(was === undefined && emit.hasAlerts())) return;
    const kpi = this.binding.kpi;
    const f = (v: number) => formatValue(v, kpi, entry.tags);
    const score = reading.score.toFixed(2);
    const name = `${seriesName(kpi, entry.tags)} ${f(value)}`;
    emit(entry as SeriesEntry, {
      active,
      severity: rule.severity,
      summary: active
        ? `${name} is unusual (novelty score ${score}: ${CHANNEL_TEXT[reading.channel] ?? `${reading.channel} pattern broken`}); expected about ${f(a.expected)}`
        : `${name} is back to normal (novelty score ${score}, below ${rule.threshold}); expected about ${f(a.expected)}`,
      value,
      details: {
        method: 'novelty',
        score: reading.score,
        threshold: rule.threshold,
        channel: reading.channel,
        quiet: reading.quiet,
        expected: a.expected,
        lower: a.expected - half,
        upper: a.expected + half,
        ...detectorDetails(rule, a, learnedFor),
      },
    });
  }

  learningStatus(): AnomalyLearningStatus[] {
    const out: AnomalyLearningStatus[] = [];
    for (const entry of this.series.entries()) {
      const s = entry.state;
      const readyAt = s.first === undefined ? undefined : s.first + this.minHistoryOf(entry.rule);
      if (readyAt !== undefined && s.t >= readyAt && s.n > ANOMALY_MIN_POINTS) continue;
      out.push({ kpi: this.binding.kpi.id, ruleId: this.binding.ruleId, series: entry.tags, points: s.n, since: s.first, readyAt });
    }
    return out;
  }

  private learningSignal(entry: SeriesEntry<AnomalyState, Rule>, value: number): ConditionSignal {
    const kpi = this.binding.kpi;
    return {
      active: false,
      severity: entry.rule.severity,
      summary: `${seriesName(kpi, entry.tags)} ${formatValue(value, kpi, entry.tags)}: learning its normal range again (${entry.rule.minHistory} of history needed)`,
      value,
      details: { learning: true, minHistory: entry.rule.minHistory },
    };
  }

  private summary(
    entry: SeriesEntry<AnomalyState, Rule>,
    value: number,
    active: boolean,
    high: boolean,
    lower: number,
    upper: number,
    expected: number,
  ): string {
    const kpi = this.binding.kpi;
    const f = (v: number) => formatValue(v, kpi, entry.tags);
    const band = `${formatNumber(entry.rule.bandPct, entry.rule.bandPct % 1 === 0 ? 0 : 1)}% band ${f(lower)} – ${f(upper)}`;
    const name = `${seriesName(kpi, entry.tags)} ${f(value)}`;
    return active
      ? `${name} is unusually ${high ? 'high' : 'low'}: expected about ${f(expected)}, outside its ${band}`
      : `${name} is back within its ${band}`;
  }
}

/** What both methods tell about the band detector and the rule in a signal's details. */
function detectorDetails(rule: Rule, a: AnomalyAssessment, learnedFor: number) {
  return {
    bandPct: rule.bandPct,
    detector: a.detector,
    detectorScore: a.score,
    seasonality: rule.seasonality,
    direction: rule.direction,
    learning: false,
    learnedFor: formatDuration(learnedFor),
  };
}

/**
 * Builds the anomaly kind. Register it with `builtInRuleKinds().with(kind)`; pass a
 * BandPointBuffer as `bands` to get the kpi_band points.
 */
export function createAnomalyRuleKind(options: AnomalyKindOptions = {}): AnomalyRuleKind {
  /** The latest evaluator of each rule key (a reload replaces changed rules' evaluators). */
  const evaluators = new Map<string, AnomalyEvaluator>();
  return {
    type: 'anomaly',
    create(binding) {
      const evaluator = new AnomalyEvaluator(binding, options.bands);
      evaluators.set(binding.key, evaluator);
      return evaluator;
    },
    learningStatus() {
      return [...evaluators.values()].flatMap((e) => e.learningStatus());
    },
  };
}

/** The anomaly kind without band output. */
export const anomalyRuleKind: AnomalyRuleKind = createAnomalyRuleKind();
