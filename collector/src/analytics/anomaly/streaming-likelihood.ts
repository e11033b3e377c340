/**
 * HTM-style anomaly likelihood with constant work per point (Ahmad, Lavin, Purdy & Agha 2017,
 * "Unsupervised real-time anomaly detection for streaming data", §3.2): the short-term mean of a
 * raw surprise stream in [0, 1] is judged against a Gaussian fitted to the long-term history of those
 * short-term means; likelihood = 1 − Q(z). Unlike `AnomalyLikelihood` (which re-estimates every 100
 * points), the Gaussian is updated at every point from running sums, so a point costs O(1).
 *
 * Pure and deterministic: no clock, no randomness. Memory: `averagingWindow + historyWindow` numbers.
 * `snapshot()` saves the state as JSON (running sums included, so a restored copy scores exactly as
 * the original would), `restore` reads it back.
 */
import { erfc } from './anomaly-likelihood';
import { readCount, readNumber, readNumbers, readRecord, SnapshotError } from './novelty-snapshot';

/** Options of a StreamingLikelihood. */
export interface StreamingLikelihoodOptions {
  /** Raw scores in the short-term mean. */
  readonly averagingWindow: number;
  /** Short-term means kept for the long-term Gaussian. */
  readonly historyWindow: number;
  /** Points read before any likelihood other than 0.5. */
  readonly learningPeriod: number;
  /** Lower bound of the long-term standard deviation (a silent history must not make every blip certain). */
  readonly minStdev: number;
}

export const DEFAULT_STREAMING_LIKELIHOOD: StreamingLikelihoodOptions = {
  averagingWindow: 10,
  historyWindow: 8640,
  learningPeriod: 150,
  minStdev: 0.0173,
};

/** Short-term means needed in the history before the Gaussian is trusted. */
const MIN_HISTORY = 11;

/** Likelihood on NAB's log scale: log(1.0000000001 − L)/log(1e-10), so 0.5 → 0.03, 0.99999 → 0.5, 1 → 1. */
export function logScaledLikelihood(likelihood: number): number {
  return Math.log(1.0000000001 - likelihood) / -23.02585084720009;
}

/** The JSON state of a StreamingLikelihood: both rings as stored (first `count` slots) and the running sums. */
export interface StreamingLikelihoodSnapshot {
  readonly averagingWindow: number;
  readonly historyWindow: number;
  readonly recent: readonly number[];
  readonly recentHead: number;
  readonly recentSum: number;
  readonly history: readonly number[];
  readonly historyHead: number;
  readonly historySum: number;
  readonly historySquares: number;
  readonly pushesSinceResum: number;
  readonly seen: number;
}

export class StreamingLikelihood {
  private readonly recent: Float64Array;
  private recentHead = 0;
  private recentCount = 0;
  private recentSum = 0;
  private readonly history: Float64Array;
  private historyHead = 0;
  private historyCount = 0;
  private historySum = 0;
  private historySquares = 0;
  private pushesSinceResum = 0;
  private seen = 0;

  /** @throws Error when a window is not a positive integer. */
  constructor(readonly options: StreamingLikelihoodOptions = DEFAULT_STREAMING_LIKELIHOOD) {
    for (const key of ['averagingWindow', 'historyWindow'] as const) {
      if (!Number.isInteger(options[key]) || options[key] < 1) {
        throw new Error(`StreamingLikelihood: ${key} must be a positive integer, got ${options[key]}`);
      }
    }
    this.recent = new Float64Array(options.averagingWindow);
    this.history = new Float64Array(options.historyWindow);
  }

  /**
   * Reads one raw score in [0, 1] and returns its likelihood in [0, 1] (0.5 while learning; below
   * 0.5 when the short-term mean is under the long-term mean). Then learns from it. O(1) amortised.
   */
  update(raw: number): number {
    const o = this.options;
    if (this.recentCount === o.averagingWindow) this.recentSum -= this.recent[this.recentHead]!;
    else this.recentCount++;
    this.recent[this.recentHead] = raw;
    this.recentSum += raw;
    this.recentHead = (this.recentHead + 1) % o.averagingWindow;
    const average = this.recentSum / this.recentCount;
    let likelihood = 0.5;
    if (this.seen >= o.learningPeriod && this.historyCount >= MIN_HISTORY) {
      const mean = this.historySum / this.historyCount;
      const variance = Math.max(this.historySquares / this.historyCount - mean * mean, 0);
      const stdev = Math.max(Math.sqrt(variance), o.minStdev);
      likelihood =
        average > mean
          ? 1 - 0.5 * erfc((average - mean) / (stdev * Math.SQRT2))
          : 0.5 - (0.5 * (mean - average)) / (mean + 1e-9);
    }
    this.pushHistory(average);
    this.seen++;
    return likelihood;
  }

  /** The state as JSON-serialisable data (at most averagingWindow + historyWindow numbers). */
  snapshot(): StreamingLikelihoodSnapshot {
    return {
      averagingWindow: this.options.averagingWindow,
      historyWindow: this.options.historyWindow,
      recent: Array.from(this.recent.subarray(0, this.recentCount)),
      recentHead: this.recentHead,
      recentSum: this.recentSum,
      history: Array.from(this.history.subarray(0, this.historyCount)),
      historyHead: this.historyHead,
      historySum: this.historySum,
      historySquares: this.historySquares,
      pushesSinceResum: this.pushesSinceResum,
      seen: this.seen,
    };
  }

  /**
   * A StreamingLikelihood in the state `json` describes.
   * @throws SnapshotError when `json` is not a snapshot or was taken with other window sizes.
   */
  static restore(json: unknown, options: StreamingLikelihoodOptions = DEFAULT_STREAMING_LIKELIHOOD): StreamingLikelihood {
    const s = readRecord(json, 'likelihood');
    if (s.averagingWindow !== options.averagingWindow || s.historyWindow !== options.historyWindow) {
      throw new SnapshotError('likelihood windows differ from the options');
    }
    const l = new StreamingLikelihood(options);
    const recent = Array.isArray(s.recent) ? s.recent.length : -1;
    const history = Array.isArray(s.history) ? s.history.length : -1;
    if (recent < 0 || recent > options.averagingWindow || history < 0 || history > options.historyWindow) {
      throw new SnapshotError('likelihood windows hold too many values');
    }
    l.recent.set(readNumbers(s.recent, 'likelihood.recent', recent));
    l.recentCount = recent;
    l.recentHead = readCount(s.recentHead, 'likelihood.recentHead', options.averagingWindow - 1);
    l.recentSum = readNumber(s.recentSum, 'likelihood.recentSum');
    l.history.set(readNumbers(s.history, 'likelihood.history', history));
    l.historyCount = history;
    l.historyHead = readCount(s.historyHead, 'likelihood.historyHead', options.historyWindow - 1);
    l.historySum = readNumber(s.historySum, 'likelihood.historySum');
    l.historySquares = readNumber(s.historySquares, 'likelihood.historySquares');
    l.pushesSinceResum = readCount(s.pushesSinceResum, 'likelihood.pushesSinceResum', options.historyWindow);
    l.seen = readCount(s.seen, 'likelihood.seen');
    return l;
  }

  private pushHistory(average: number): void {
    const cap = this.options.historyWindow;
    if (this.historyCount === cap) {
      const old = this.history[this.historyHead]!;
      this.historySum -= old;
      this.historySquares -= old * old;
    } else this.historyCount++;
    this.history[this.historyHead] = average;
    this.historySum += average;
    this.historySquares += average * average;
    this.historyHead = (this.historyHead + 1) % cap;
    // running sums drift on an endless stream: recompute them exactly once per window
    if (++this.pushesSinceResum >= cap) {
      this.pushesSinceResum = 0;
      let sum = 0;
      let squares = 0;
      for (let k = 0; k < this.historyCount; k++) {
        const a = this.history[k]!;
        sum += a;
        squares += a * a;
      }
      this.historySum = sum;
      this.historySquares = squares;
    }
  }
}
