/**
 * Context novelty: a variable-order Markov model over quantised values, scoring how unexpected each
 * value's bin is after the bins before it (in the spirit of the Contextual Anomaly Detector and of
 * HTM's prediction error, with counts instead of neurons). For each order k = 1..maxOrder the surprise
 * is 1 − count(context·bin)/count(context), or 1 for a context never seen; the score is their mean.
 *
 * The bin width is fixed from the range of the first `warmup` values (range/bins) and re-anchored,
 * with the counts forgotten, when the range grows beyond `regrow` times that. Memory is bounded: the
 * counts are forgotten when they exceed `maxContexts` entries. Pure and deterministic.
 * O(maxOrder) map operations per point. `snapshot()` saves the state as JSON, `restore` reads it back.
 */
import { bound, readBound, readCount, readNumber, readNumbers, readRecord, SnapshotError } from './novelty-snapshot';

/** Options of a ContextNovelty. */
export interface ContextNoveltyOptions {
  /** Values before the bins are fixed (the model is silent until then). */
  readonly warmup: number;
  /** Bins across the range seen during warm-up. */
  readonly bins: number;
  /** Longest context (previous bins) used. */
  readonly maxOrder: number;
  /** Re-anchor the bins when the range exceeds regrow × the anchored range. */
  readonly regrow: number;
  /** Forget the counts when more than this many contexts are held. */
  readonly maxContexts: number;
}

export const DEFAULT_CONTEXT_NOVELTY: ContextNoveltyOptions = {
  warmup: 200,
  bins: 10,
  maxOrder: 3,
  regrow: 4,
  maxContexts: 50_000,
};

/** The JSON state of a ContextNovelty: bounds, bin grid, the last bins and the counts as [key, count] pairs. */
export interface ContextNoveltySnapshot {
  readonly min: number | null;
  readonly max: number | null;
  readonly seen: number;
  readonly width: number;
  readonly origin: number;
  readonly previous: readonly number[];
  readonly counts: readonly (readonly [string, number])[];
}

export class ContextNovelty {
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private seen = 0;
  private width = 0;
  private origin = 0;
  private readonly previous: number[] = [];
  private readonly counts = new Map<string, number>();

  constructor(readonly options: ContextNoveltyOptions = DEFAULT_CONTEXT_NOVELTY) {}

  /** Contexts currently counted (bounded by maxContexts plus one point's worth). */
  get size(): number {
    return this.counts.size;
  }

  /** The surprise in [0, 1] of `value`, or null while the bins are not yet fixed. Then learns it. */
  update(value: number): number | null {
    const o = this.options;
    if (value > this.max) this.max = value;
    if (value < this.min) this.min = value;
    this.seen++;
    const range = this.max - this.min;
    if (this.width === 0) {
      if (this.seen < o.warmup || range <= 0) return null;
      this.anchor(range);
    } else if (range > o.regrow * this.width * o.bins) {
      this.anchor(range);
    }
    if (this.counts.size > o.maxContexts) this.counts.clear();
    const bin = Math.floor((value - this.origin) / this.width);
    const previous = this.previous;
    let surprise = 0;
    let orders = 0;
    let context = '';
    for (let k = 1; k <= o.maxOrder && k <= previous.length; k++) {
      context += `,${previous[previous.length - k]}`;
      const parent = this.counts.get(context) ?? 0;
      const child = this.counts.get(`${context}>${bin}`) ?? 0;
      surprise += parent > 0 ? 1 - child / parent : 1;
      orders++;
    }
    context = '';
    for (let k = 1; k <= o.maxOrder && k <= previous.length; k++) {
      context += `,${previous[previous.length - k]}`;
      this.increment(context);
      this.increment(`${context}>${bin}`);
    }
    previous.push(bin);
    if (previous.length > o.maxOrder) previous.shift();
    return orders > 0 ? surprise / orders : 0;
  }

  private anchor(range: number): void {
    this.width = range / this.options.bins;
    this.origin = this.min;
    this.counts.clear();
    this.previous.length = 0;
  }

  private increment(key: string): void {
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
  }

  /** The state as JSON-serialisable data (at most maxContexts + 2·maxOrder count entries). */
  snapshot(): ContextNoveltySnapshot {
    return {
      min: bound(this.min),
      max: bound(this.max),
      seen: this.seen,
      width: this.width,
      origin: this.origin,
      previous: [...this.previous],
      counts: [...this.counts],
    };
  }

  /**
   * A ContextNovelty in the state `json` describes.
   * @throws SnapshotError when `json` is not a snapshot or holds more than these options allow.
   */
  static restore(json: unknown, options: ContextNoveltyOptions = DEFAULT_CONTEXT_NOVELTY): ContextNovelty {
    const s = readRecord(json, 'context');
    const context = new ContextNovelty(options);
    context.min = readBound(s.min, 'context.min', Number.POSITIVE_INFINITY);
    context.max = readBound(s.max, 'context.max', Number.NEGATIVE_INFINITY);
    context.seen = readCount(s.seen, 'context.seen');
    context.width = readNumber(s.width, 'context.width');
    context.origin = readNumber(s.origin, 'context.origin');
    const previous = Array.isArray(s.previous) ? s.previous : undefined;
    if (previous === undefined || previous.length > options.maxOrder) throw new SnapshotError(`context.previous must hold at most ${options.maxOrder} bins`);
    context.previous.push(...readNumbers(previous, 'context.previous', previous.length));
    const counts = s.counts;
    if (!Array.isArray(counts) || counts.length > options.maxContexts + 2 * options.maxOrder) {
      throw new SnapshotError(`context.counts must hold at most ${options.maxContexts + 2 * options.maxOrder} entries`);
    }
    for (const pair of counts) {
      if (!Array.isArray(pair) || pair.length !== 2 || typeof pair[0] !== 'string') throw new SnapshotError('context.counts holds a malformed entry');
      context.counts.set(pair[0], readCount(pair[1], `context.counts[${pair[0]}]`));
    }
    return context;
  }
}
