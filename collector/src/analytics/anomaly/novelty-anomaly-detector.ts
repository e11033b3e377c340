/**
 * NoveltyAnomalyDetector: a streaming detector tuned on the Numenta Anomaly Benchmark (NAB). Three
 * kinds of surprise are read at every point and combined into one score in [0, 1]:
 *
 * - range novelty: a value beyond everything seen before (scored 0.5 … 1 by how far beyond, and weighed
 *   less while the history is younger than `rangeMaturityMs`: before a full weekly cycle has been seen, a
 *   new extreme may just be the week's own rhythm);
 * - context novelty: the value's bin is unexpected after the bins before it;
 * - seasonal-lag surprises: the value is unusually far from the value one day, or one week, earlier.
 *
 * Context and seasonal surprises go through an HTM-style likelihood (their short-term mean against their own history),
 * so a series that is always surprising is not always anomalous; their log-scaled likelihoods are
 * weighted below range novelty, and a little of their sum is added as corroborating evidence. The
 * strongest likelihood counts in full only when a second, independent view agrees (see
 * `corroborationFactor`): a break in one lag alone is more often noise in that lag. After
 * a score reaches `alarmScore` the next `quietPoints` scores are damped: one incident, one alarm.
 *
 * Pure and deterministic (no clock, no randomness); every part has bounded memory; constant work
 * per point (O(log seasonal capacity) for the seasonal lookup). `snapshot()` saves the whole state as
 * versioned JSON; `restore` reads it back (a restored detector scores exactly as the original would go on
 * scoring) and starts afresh on a snapshot that is corrupt, of another version or for other options.
 */
import { ContextNovelty, ContextNoveltyOptions, ContextNoveltySnapshot, DEFAULT_CONTEXT_NOVELTY } from './context-novelty';
import { bound, readBound, readCount, readNumber, readRecord, SnapshotError } from './novelty-snapshot';
import { RangeNovelty, RangeNoveltySnapshot } from './range-novelty';
import { DEFAULT_SEASONAL_LAG, SeasonalLagOptions, SeasonalLagSnapshot, SeasonalLagSurprise, WEEKLY_SEASONAL_LAG } from './seasonal-lag-surprise';
import {
  DEFAULT_STREAMING_LIKELIHOOD,
  logScaledLikelihood,
  StreamingLikelihood,
  StreamingLikelihoodOptions,
  StreamingLikelihoodSnapshot,
} from './streaming-likelihood';

/** Which surprise gave a point's score: 'none', 'range', 'context' or the name of a season ('daily', 'weekly'). */
export type NoveltyChannel = string;

/** A seasonal-lag surprise with the name it is reported under. */
export interface NamedSeason {
  readonly name: string;
  readonly lag: SeasonalLagOptions;
}

/** One point's reading. */
export interface NoveltyReading {
  readonly score: number;
  readonly channel: NoveltyChannel;
  /** True when the score was damped because an alarm was raised within the last quietPoints points. */
  readonly quiet: boolean;
}

/** Options of a NoveltyAnomalyDetector (one configuration for every series). */
export interface NoveltyDetectorOptions {
  /** Points before range novelty can fire. */
  readonly rangeWarmup: number;
  /** Exceedance (fraction of the range) at which the range score is 0.5 + 0.5·(1 − 1/e). */
  readonly rangeScale: number;
  /** Span (ms) of history below which the exceedance is scaled by elapsed/rangeMaturityMs. */
  readonly rangeMaturityMs: number;
  readonly context: ContextNoveltyOptions;
  readonly seasons: readonly NamedSeason[];
  readonly likelihood: StreamingLikelihoodOptions;
  /** Weight of the log-scaled likelihoods against range novelty. */
  readonly likelihoodWeight: number;
  /** The corroboration gate of the strongest likelihood (see corroborationFactor). */
  readonly corroboration: CorroborationOptions;
  /** Share of the summed log-scaled likelihoods added to the score as corroboration. */
  readonly evidenceWeight: number;
  /** A score at or above this raises an alarm… */
  readonly alarmScore: number;
  /** …after which this many points are scored × quietFactor. */
  readonly quietPoints: number;
  readonly quietFactor: number;
}

/** How the strongest log-scaled likelihood is weighed by the second strongest. */
export interface CorroborationOptions {
  /** Factor of a surprise that no other channel shares. */
  readonly floor: number;
  /** Second-strongest log-scaled likelihood at which the factor reaches 1. */
  readonly scale: number;
}

/**
 * The factor in [floor, 1] of the strongest likelihood channel given the second strongest: floor when
 * no other channel is surprised, rising linearly to 1 when the second reaches `scale`.
 * @example corroborationFactor(0.1, { floor: 0.7, scale: 0.2 }) // 0.85
 */
export function corroborationFactor(second: number, o: CorroborationOptions): number {
  return o.floor + (1 - o.floor) * Math.min(1, Math.max(0, second) / o.scale);
}

export const DEFAULT_NOVELTY_OPTIONS: NoveltyDetectorOptions = {
  rangeWarmup: 50,
  rangeScale: 0.1,
  rangeMaturityMs: 7 * 86_400_000,
  context: DEFAULT_CONTEXT_NOVELTY,
  seasons: [
    { name: 'daily', lag: DEFAULT_SEASONAL_LAG },
    { name: 'weekly', lag: WEEKLY_SEASONAL_LAG },
  ],
  likelihood: DEFAULT_STREAMING_LIKELIHOOD,
  likelihoodWeight: 0.7,
  corroboration: { floor: 0.7, scale: 0.2 },
  evidenceWeight: 0.05,
  alarmScore: 0.52,
  quietPoints: 30,
  quietFactor: 0.5,
};

/** Version of NoveltyDetectorSnapshot; a snapshot of another version is not restored. */
export const NOVELTY_SNAPSHOT_VERSION = 1;

/** The JSON state of a NoveltyAnomalyDetector (see `snapshot()`). */
export interface NoveltyDetectorSnapshot {
  readonly v: typeof NOVELTY_SNAPSHOT_VERSION;
  readonly range: RangeNoveltySnapshot;
  readonly context: ContextNoveltySnapshot;
  readonly contextLikelihood: StreamingLikelihoodSnapshot;
  readonly seasons: readonly { readonly name: string; readonly surprise: SeasonalLagSnapshot; readonly likelihood: StreamingLikelihoodSnapshot }[];
  readonly quietLeft: number;
  /** Time of the first point, null before any. */
  readonly firstTime: number | null;
  readonly last: NoveltyReading;
}

export class NoveltyAnomalyDetector {
  private range: RangeNovelty;
  private context: ContextNovelty;
  private seasons: { name: string; surprise: SeasonalLagSurprise; likelihood: StreamingLikelihood }[];
  private contextLikelihood: StreamingLikelihood;
  private quietLeft = 0;
  private firstTime = Number.NaN;
  private last: NoveltyReading = { score: 0, channel: 'none', quiet: false };

  constructor(readonly options: NoveltyDetectorOptions = DEFAULT_NOVELTY_OPTIONS) {
    this.range = new RangeNovelty({ warmup: options.rangeWarmup });
    this.context = new ContextNovelty(options.context);
    this.seasons = options.seasons.map((s) => ({
      name: s.name,
      surprise: new SeasonalLagSurprise(s.lag),
      likelihood: new StreamingLikelihood(options.likelihood),
    }));
    this.contextLikelihood = new StreamingLikelihood(options.likelihood);
  }

  /** The whole state as JSON-serialisable data, versioned. */
  snapshot(): NoveltyDetectorSnapshot {
    return {
      v: NOVELTY_SNAPSHOT_VERSION,
      range: this.range.snapshot(),
      context: this.context.snapshot(),
      contextLikelihood: this.contextLikelihood.snapshot(),
      seasons: this.seasons.map((s) => ({ name: s.name, surprise: s.surprise.snapshot(), likelihood: s.likelihood.snapshot() })),
      quietLeft: this.quietLeft,
      firstTime: bound(this.firstTime),
      last: this.last,
    };
  }

  /**
   * A detector with `options` in the state `json` describes, or undefined when `json` is not a
   * snapshot of this version taken with these options (other seasons, window or buffer sizes).
   */
  static tryRestore(json: unknown, options: NoveltyDetectorOptions = DEFAULT_NOVELTY_OPTIONS): NoveltyAnomalyDetector | undefined {
    try {
      const s = readRecord(json, 'novelty detector');
      if (s.v !== NOVELTY_SNAPSHOT_VERSION) throw new SnapshotError(`version ${String(s.v)} is not ${NOVELTY_SNAPSHOT_VERSION}`);
      const d = new NoveltyAnomalyDetector(options);
      d.range = RangeNovelty.restore(s.range, { warmup: options.rangeWarmup });
      d.context = ContextNovelty.restore(s.context, options.context);
      d.contextLikelihood = StreamingLikelihood.restore(s.contextLikelihood, options.likelihood);
      const seasons = s.seasons;
      if (!Array.isArray(seasons) || seasons.length !== options.seasons.length) throw new SnapshotError('seasons differ from the options');
      d.seasons = options.seasons.map((season, i) => {
        const saved = readRecord(seasons[i], `seasons[${i}]`);
        if (saved.name !== season.name) throw new SnapshotError(`season ${String(saved.name)} is not ${season.name}`);
        return {
          name: season.name,
          surprise: SeasonalLagSurprise.restore(saved.surprise, season.lag),
          likelihood: StreamingLikelihood.restore(saved.likelihood, options.likelihood),
        };
      });
      d.quietLeft = readCount(s.quietLeft, 'quietLeft', options.quietPoints);
      d.firstTime = readBound(s.firstTime, 'firstTime', Number.NaN);
      const last = readRecord(s.last, 'last');
      if (typeof last.channel !== 'string' || typeof last.quiet !== 'boolean') throw new SnapshotError('last is not a reading');
      d.last = { score: readNumber(last.score, 'last.score'), channel: last.channel, quiet: last.quiet };
      return d;
    } catch (e) {
      if (e instanceof SnapshotError) return undefined;
      throw e;
    }
  }

  /** Like tryRestore, but a snapshot that cannot be restored gives a fresh detector (the series starts over). */
  static restore(json: unknown, options: NoveltyDetectorOptions = DEFAULT_NOVELTY_OPTIONS): NoveltyAnomalyDetector {
    return NoveltyAnomalyDetector.tryRestore(json, options) ?? new NoveltyAnomalyDetector(options);
  }

  /** The reading of the last update (score, which surprise gave it, whether it was damped). */
  get lastReading(): NoveltyReading {
    return this.last;
  }

  /**
   * Scores one point (time in ms, non-decreasing) in [0, 1], then learns from it.
   * @throws Error on a non-finite time or value.
   */
  update(time: number, value: number): number {
    if (!Number.isFinite(time) || !Number.isFinite(value)) {
      throw new Error(`NoveltyAnomalyDetector.update: time and value must be finite, got ${time}, ${value}`);
    }
    const o = this.options;
    if (Number.isNaN(this.firstTime)) this.firstTime = time;
    const maturity = o.rangeMaturityMs > 0 ? Math.min(1, (time - this.firstTime) / o.rangeMaturityMs) : 1;
    const exceedance = this.range.update(value) * maturity;
    const contextRaw = this.context.update(value);

    let channel: NoveltyChannel = 'none';
    let best = 0;
    let second = 0;
    let evidence = 0;
    if (contextRaw !== null) {
      const s = logScaledLikelihood(this.contextLikelihood.update(contextRaw));
      evidence += s;
      if (s > best) [best, second, channel] = [s, best, 'context'];
      else if (s > second) second = s;
    }
    for (const season of this.seasons) {
      const raw = season.surprise.update(time, value);
      if (!season.surprise.started) continue;
      const s = logScaledLikelihood(season.likelihood.update(raw));
      evidence += s;
      if (s > best) [best, second, channel] = [s, best, season.name];
      else if (s > second) second = s;
    }
    let score = best * o.likelihoodWeight * corroborationFactor(second, o.corroboration);
    if (exceedance > 0) {
      const rangeScore = 0.5 + 0.5 * (1 - Math.exp(-exceedance / o.rangeScale));
      if (rangeScore > score) [score, channel] = [rangeScore, 'range'];
    }
    score = Math.min(1, score + o.evidenceWeight * evidence);

    let quiet = false;
    if (this.quietLeft > 0) {
      this.quietLeft--;
      score *= o.quietFactor;
      quiet = true;
    } else if (score >= o.alarmScore) {
      this.quietLeft = o.quietPoints;
    }
    this.last = { score, channel: score > 0 ? channel : 'none', quiet };
    return score;
  }
}
