/** Options of the streaming anomaly likelihood (defaults from Numenta's `anomaly_likelihood.py`). */
export interface AnomalyLikelihoodOptions {
  /** Raw scores ignored while the underlying model settles (they still enter the moving average). */
  readonly learningPeriod: number;
  /** Averaged scores needed after the learning period before the first estimate of the Gaussian. */
  readonly estimationSamples: number;
  /** Averaged scores kept for the long-term mean and variance. */
  readonly historicWindow: number;
  /** Points between two re-estimations of the long-term Gaussian. */
  readonly reestimationPeriod: number;
  /** Raw scores in the short-term moving average. */
  readonly averagingWindow: number;
  /** Lower bounds of the long-term mean and variance (a near-silent history must not make every blip red). */
  readonly minMean: number;
  readonly minVariance: number;
  /** A likelihood ≥ red right after another ≥ red is lowered to `yellow` (only sharp rises stay red). */
  readonly redThreshold: number;
  readonly yellowThreshold: number;
}

export const DEFAULT_LIKELIHOOD_OPTIONS: AnomalyLikelihoodOptions = {
  learningPeriod: 288,
  estimationSamples: 100,
  historicWindow: 8640,
  reestimationPeriod: 100,
  averagingWindow: 10,
  minMean: 0.03,
  minVariance: 0.0003,
  redThreshold: 0.99999,
  yellowThreshold: 0.999,
};

/** Plain-JSON state of an AnomalyLikelihood. */
export interface AnomalyLikelihoodState {
  iteration: number;
  /** The last `averagingWindow` raw scores, oldest first. */
  recentRaw: number[];
  /** The averaged scores after the learning period, oldest first (at most `historicWindow`). */
  averaged: number[];
  mean: number | null;
  stdev: number | null;
  /** The previous point's unfiltered tail probability. */
  previousTail: number;
}

/** One point's likelihood reading. */
export interface LikelihoodReading {
  /** 1 − tail probability of the short-term average (0.5 while learning). */
  readonly likelihood: number;
  /** The likelihood on NAB's log scale: log(1.0000000001 − L)/log(1e-10), in [0, 1]. */
  readonly logLikelihood: number;
  /** The short-term average of the raw scores. */
  readonly average: number;
}

/**
 * The Gaussian tail probability Q of x under N(mean, stdev²), two-sided around the mean as in
 * Numenta's `tailProbability`: values below the mean are mirrored above it. O(1).
 * @example gaussianTail(0, 0, 1) // 0.5
 */
export function gaussianTail(x: number, mean: number, stdev: number): number {
  const xp = x < mean ? 2 * mean - x : x;
  return 0.5 * erfc((xp - mean) / (stdev * Math.SQRT2));
}

/**
 * Log scale of a likelihood, as Numenta's `computeLogLikelihood`: log(1.0000000001 − L)/log(1e-10),
 * so 0.5 → 0.03, 0.999 → 0.3, 0.99999 → 0.5, 1 → 1. O(1).
 */
export function logLikelihood(likelihood: number): number {
  return Math.log(1.0000000001 - likelihood) / -23.02585084720009;
}

/**
 * HTM-style anomaly likelihood (Ahmad, Lavin, Purdy & Agha 2017, "Unsupervised real-time anomaly
 * detection for streaming data", §3.2; Numenta `nupic/algorithms/anomaly_likelihood.py`):
 * the raw anomaly scores' short-term moving average is judged against a Gaussian fitted to the
 * long-term history of those averages; likelihood = 1 − Q(average). Sustained or unusual raw scores
 * give a high likelihood; a series whose raw scores are always noisy does not. Deterministic state
 * (plain arrays, sums recomputed from them) so snapshot/restore is exact.
 * Cost: O(averagingWindow) per point plus O(historicWindow) every `reestimationPeriod` points.
 */
export class AnomalyLikelihood {
  private iteration: number;
  private readonly recentRaw: number[];
  private readonly averaged: Float64Array;
  private averagedHead: number;
  private averagedCount: number;
  private mean: number | null;
  private stdev: number | null;
  private previousTail: number;

  /** @throws Error when a window or period is not a positive integer. */
  constructor(readonly options: AnomalyLikelihoodOptions = DEFAULT_LIKELIHOOD_OPTIONS, state?: AnomalyLikelihoodState) {
    for (const key of ['historicWindow', 'reestimationPeriod', 'averagingWindow', 'estimationSamples'] as const) {
      const v = options[key];
      if (!Number.isInteger(v) || v < 1) throw new Error(`AnomalyLikelihood: option ${key} must be a positive integer, got ${v}`);
    }
    this.iteration = state?.iteration ?? 0;
    this.recentRaw = [...(state?.recentRaw ?? [])];
    this.averaged = new Float64Array(options.historicWindow);
    this.averagedHead = 0;
    this.averagedCount = 0;
    for (const a of state?.averaged ?? []) this.pushAveraged(a);
    this.mean = state?.mean ?? null;
    this.stdev = state?.stdev ?? null;
    this.previousTail = state?.previousTail ?? 1;
  }

  /** Reads one raw anomaly score in [0, 1], then learns from it. @throws Error on a non-finite score. */
  update(rawScore: number): LikelihoodReading {
    if (!Number.isFinite(rawScore)) throw new Error(`AnomalyLikelihood.update: raw score must be finite, got ${rawScore}`);
    const o = this.options;
    this.recentRaw.push(rawScore);
    if (this.recentRaw.length > o.averagingWindow) this.recentRaw.shift();
    let total = 0;
    for (const r of this.recentRaw) total += r;
    const average = total / this.recentRaw.length;
    let likelihood = 0.5;
    if (this.iteration >= o.learningPeriod + o.estimationSamples) {
      if (this.mean === null || this.iteration % o.reestimationPeriod === 0) this.estimate();
      const tail = gaussianTail(average, this.mean!, this.stdev!);
      const red = 1 - o.redThreshold;
      const filtered = tail <= red && this.previousTail <= red ? 1 - o.yellowThreshold : tail;
      this.previousTail = tail;
      likelihood = 1 - filtered;
    }
    if (this.iteration >= o.learningPeriod) this.pushAveraged(average);
    this.iteration++;
    return { likelihood, logLikelihood: logLikelihood(likelihood), average };
  }

  /** Plain-JSON state. */
  snapshot(): AnomalyLikelihoodState {
    const averaged: number[] = [];
    const cap = this.options.historicWindow;
    const start = this.averagedCount === cap ? this.averagedHead : 0;
    for (let k = 0; k < this.averagedCount; k++) averaged.push(this.averaged[(start + k) % cap]!);
    return {
      iteration: this.iteration,
      recentRaw: [...this.recentRaw],
      averaged,
      mean: this.mean,
      stdev: this.stdev,
      previousTail: this.previousTail,
    };
  }

  private pushAveraged(a: number): void {
    const cap = this.options.historicWindow;
    this.averaged[this.averagedHead] = a;
    this.averagedHead = (this.averagedHead + 1) % cap;
    if (this.averagedCount < cap) this.averagedCount++;
  }

  /** Numenta's estimateNormal with its lower-bound check, over the held averaged scores. */
  private estimate(): void {
    const n = this.averagedCount;
    const cap = this.options.historicWindow;
    const start = n === cap ? this.averagedHead : 0;
    let sum = 0;
    for (let k = 0; k < n; k++) sum += this.averaged[(start + k) % cap]!;
    const mean = n > 0 ? sum / n : 0;
    let ss = 0;
    for (let k = 0; k < n; k++) ss += (this.averaged[(start + k) % cap]! - mean) ** 2;
    const variance = n > 0 ? ss / n : 0;
    this.mean = Math.max(mean, this.options.minMean);
    this.stdev = Math.sqrt(Math.max(variance, this.options.minVariance));
  }
}

/**
 * Complementary error function by the Chebyshev-fitted approximation of Numerical Recipes in C
 * (Press et al., 2nd ed., §6.2, `erfcc`); fractional error < 1.2e-7 everywhere. O(1).
 * @example erfc(0) // 1
 */
export function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const r =
    t *
    Math.exp(
      -z * z -
        1.26551223 +
        t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))),
    );
  return x >= 0 ? r : 2 - r;
}
