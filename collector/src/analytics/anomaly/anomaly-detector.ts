import { ErrorCodes, FinmonError } from '../../core/errors';
import { RollingQuantiles } from './rolling-quantiles';
import { AnomalyLikelihood, AnomalyLikelihoodOptions, AnomalyLikelihoodState, DEFAULT_LIKELIHOOD_OPTIONS } from './anomaly-likelihood';
import { LevelShiftDetector, LevelShiftOptions, LevelShiftState, DEFAULT_LEVEL_SHIFT_OPTIONS } from './level-shift-detector';
import { DEFAULT_BASELINE_OPTIONS, RobustBaselineOptions, RobustBaselineState, RobustSeasonalBaseline } from './robust-seasonal-baseline';

/** One point's verdict with its explanation. */
export interface AnomalyAssessment {
  /** 0 = normal … 1 = certainly anomalous; always 0 while not ready. */
  readonly score: number;
  /** What the baseline expected (NaN-free; the value itself before any history). */
  readonly expected: number;
  /** The band [lower, upper] = expected ± bandZ·scale. */
  readonly lower: number;
  readonly upper: number;
  /** The baseline's scale (a robust standard deviation of the residuals); 0 before any history. Bands of any coverage are expected ± z·scale. */
  readonly scale: number;
  /** Which detector gave the score: 'baseline' | 'baseline-daily' | 'baseline-weekly' … | 'level-shift' | 'none'. */
  readonly detector: string;
  /** False until enough history to know what normal looks like. */
  readonly ready: boolean;
}

/** The one interface every streaming anomaly detector offers. */
export interface StreamingAnomalyDetector {
  /** Scores a point, then learns from it. O(1) per point (bounded by the window size). */
  update(time: number, value: number): AnomalyAssessment;
  /** The full state as plain JSON. */
  snapshot(): AnomalyDetectorSnapshot;
  /** Replaces the state by a snapshot; the next outputs are those the snapshotted detector would give. */
  restore(snapshot: AnomalyDetectorSnapshot): void;
}

export interface AnomalyDetectorOptions {
  readonly baseline: RobustBaselineOptions;
  readonly levelShift: LevelShiftOptions;
  /** Points needed before any score > 0. */
  readonly minHistory: number;
  /** |z| at which the baseline's score is 0.5 (score = z²/(z² + c²)). */
  readonly halfScoreZ: number;
  /** Band half-width in scales (3 ≈ 99.7% under normal residuals). */
  readonly bandZ: number;
  /** Values kept as the new level after a confirmed level shift. */
  readonly keepAfterShift: number;
  /** Names of the seasons, in the order of baseline.seasons (for the explanation). */
  readonly seasonNames: readonly string[];
  /** Points of raw-surprise history against which a point's surprise is judged (own-tail rarity). */
  readonly surpriseWindow: number;
  /** Quantile of the surprise history that maps to one unit of rarity. */
  readonly surpriseQuantile: number;
  /** After a score ≥ alarmScore, the next `refractory` points score 0 (one alarm per incident). */
  readonly alarmScore: number;
  readonly refractory: number;
  /** HTM-style likelihood of the raw surprise scores (the reported score is its log scale). */
  readonly likelihood: AnomalyLikelihoodOptions;
  /** How the score is formed: 'likelihood' (HTM log-likelihood), 'rarity' (own-tail rarity) or 'max'. */
  readonly scoring: 'likelihood' | 'rarity' | 'max';
}

export const DEFAULT_ANOMALY_OPTIONS: AnomalyDetectorOptions = {
  baseline: DEFAULT_BASELINE_OPTIONS,
  levelShift: DEFAULT_LEVEL_SHIFT_OPTIONS,
  minHistory: 48,
  halfScoreZ: 4,
  bandZ: 3,
  keepAfterShift: 12,
  seasonNames: ['daily', 'weekly'],
  surpriseWindow: 1000,
  surpriseQuantile: 0.99,
  alarmScore: 0.7,
  refractory: 100,
  likelihood: DEFAULT_LIKELIHOOD_OPTIONS,
  scoring: 'max',
};

/** Plain-JSON state of the combined detector. */
export interface AnomalyDetectorSnapshot {
  /** 2 since the anomaly likelihood; version-1 snapshots restore with a fresh likelihood state. */
  version: 1 | 2;
  options: AnomalyDetectorOptions;
  seen: number;
  baseline: RobustBaselineState;
  levelShift: LevelShiftState;
  surprises: number[];
  quiet: number;
  /** Absent in version-1 snapshots. */
  likelihood?: AnomalyLikelihoodState;
}

/**
 * The combined detector: a robust seasonal baseline (median/MAD, daily/weekly seasons when they
 * explain the data) scored by |z|, and a CUSUM level-shift detector on the same residuals that,
 * once a shift is confirmed, re-levels the baseline so it adapts instead of alarming forever.
 * The surprise is the larger of the two; the explanation names the detector that gave it. The score
 * (scoring 'max') is the larger of the surprise's rarity against this series' own recent surprises
 * and the HTM-style log anomaly likelihood of the surprise (see AnomalyLikelihood), which also flags
 * a run of moderately unusual points that no single point would.
 * Pure: no I/O, no clock. Throws FinmonError(ANALYTICS_INPUT_INVALID) on a non-finite time or value.
 */
export class CombinedAnomalyDetector implements StreamingAnomalyDetector {
  private options: AnomalyDetectorOptions;
  private baseline: RobustSeasonalBaseline;
  private levelShift: LevelShiftDetector;
  private surprises: RollingQuantiles;
  private likelihood: AnomalyLikelihood;
  private seen = 0;
  private quiet = 0;

  constructor(options: Partial<AnomalyDetectorOptions> = {}) {
    this.options = { ...DEFAULT_ANOMALY_OPTIONS, ...options };
    this.baseline = new RobustSeasonalBaseline(this.options.baseline);
    this.levelShift = new LevelShiftDetector(this.options.levelShift);
    this.surprises = new RollingQuantiles(this.options.surpriseWindow);
    this.likelihood = new AnomalyLikelihood(this.options.likelihood);
  }

  update(time: number, value: number): AnomalyAssessment {
    if (!Number.isFinite(time) || !Number.isFinite(value)) {
      throw new FinmonError(
        ErrorCodes.ANALYTICS_INPUT_INVALID,
        `anomaly detector: point #${this.seen} has a non-finite ${Number.isFinite(time) ? 'value' : 'time'} (time=${time}, value=${value})`,
        400,
      );
    }
    const o = this.options;
    if (this.baseline.history === 0) {
      this.baseline.learn(time, value);
      this.seen++;
      return { score: 0, expected: value, lower: value, upper: value, scale: 0, detector: 'none', ready: false };
    }
    const a = this.baseline.assess(time, value);
    const shift = this.levelShift.update(a.z);
    const ready = this.seen >= o.minHistory;
    // surprise in units where 1 = the baseline's half-score |z| or the CUSUM decision interval
    const baselineSurprise = Math.abs(a.z) / o.halfScoreZ;
    const fromShift = shift.strength > baselineSurprise;
    const surprise = Math.max(baselineSurprise, shift.strength);
    const detector = fromShift ? 'level-shift' : a.model === 0 ? 'baseline' : `baseline-${o.seasonNames[a.model - 1] ?? a.model}`;
    // rarity against this series' own recent surprises: heavy-tailed series need more to alarm
    const typical = this.surprises.size > 0 ? this.surprises.quantile(0.5) : 0;
    const tail = this.surprises.size > 0 ? this.surprises.quantile(o.surpriseQuantile) : 1;
    const x = Math.max(0, surprise - typical) / Math.max(tail - typical, 1);
    this.surprises.push(surprise);
    const rarity = (x * x) / (x * x + 1);
    // raw anomaly score in [0, 1) for the likelihood (0.5 at one unit of surprise)
    const raw = (surprise * surprise) / (surprise * surprise + 1);
    const lik = this.likelihood.update(raw).logLikelihood;
    const combined = o.scoring === 'rarity' ? rarity : o.scoring === 'likelihood' ? lik : Math.max(rarity, lik);
    let score = ready ? combined : 0;
    if (this.quiet > 0) {
      this.quiet--;
      score = 0;
    } else if (score >= o.alarmScore) {
      this.quiet = o.refractory;
    }
    this.baseline.learn(time, value);
    if (shift.shifted) this.baseline.relevel(o.keepAfterShift);
    this.seen++;
    const half = o.bandZ * a.scale;
    return { score, expected: a.expected, lower: a.expected - half, upper: a.expected + half, scale: a.scale, detector, ready };
  }

  snapshot(): AnomalyDetectorSnapshot {
    return {
      version: 2,
      options: this.options,
      seen: this.seen,
      baseline: this.baseline.snapshot(),
      levelShift: this.levelShift.snapshot(),
      surprises: this.surprises.values(),
      quiet: this.quiet,
      likelihood: this.likelihood.snapshot(),
    };
  }

  restore(snapshot: AnomalyDetectorSnapshot): void {
    if (snapshot?.version !== 1 && snapshot?.version !== 2) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `anomaly detector snapshot: unsupported version ${String(snapshot?.version)}`, 400);
    }
    this.options = snapshot.version === 1 ? { ...DEFAULT_ANOMALY_OPTIONS, ...snapshot.options } : snapshot.options;
    this.baseline = new RobustSeasonalBaseline(this.options.baseline, snapshot.baseline);
    this.levelShift = new LevelShiftDetector(this.options.levelShift, snapshot.levelShift);
    this.surprises = RollingQuantiles.from(this.options.surpriseWindow, snapshot.surprises);
    this.seen = snapshot.seen;
    this.quiet = snapshot.quiet;
    this.likelihood = new AnomalyLikelihood(this.options.likelihood, snapshot.version === 2 ? snapshot.likelihood : undefined);
  }
}

/** A fresh detector with the default (finmon and NAB) parameters, or overrides. */
export function createAnomalyDetector(options: Partial<AnomalyDetectorOptions> = {}): StreamingAnomalyDetector {
  return new CombinedAnomalyDetector(options);
}

/** A detector restored from a plain-JSON snapshot (e.g. after a restart). */
export function restoreAnomalyDetector(snapshot: AnomalyDetectorSnapshot): StreamingAnomalyDetector {
  const d = new CombinedAnomalyDetector(snapshot.options);
  d.restore(snapshot);
  return d;
}
