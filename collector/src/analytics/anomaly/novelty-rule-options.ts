/**
 * The novelty detector's options for one series of an alert rule: the NAB-tuned scoring of
 * DEFAULT_NOVELTY_OPTIONS (warm-ups, weights, alarm damping) with memory bounded for keeping one
 * detector per series and saving its state:
 *
 * - at most RULE_MAX_CONTEXTS context counts (the counts are forgotten beyond that);
 * - each season's ring sized to one season (plus tolerance) of points at half the KPI's cadence, the
 *   closest spacing the rule lets the detector learn at; seasons shorter than two cadences, which such
 *   a series cannot see, are left out;
 * - RULE_LIKELIHOOD_HISTORY short-term means in each likelihood's long-term history.
 */
import { DEFAULT_NOVELTY_OPTIONS, type NoveltyDetectorOptions } from './novelty-anomaly-detector';
import { seasonalCapacity } from './seasonal-lag-surprise';

/** Context counts a rule's series keeps at most. */
export const RULE_MAX_CONTEXTS = 2000;

/**
 * Short-term means in a rule series' likelihood history (the detector's default keeps 8640). NAB
 * scores the same with 4000 (its files hold at most a few thousand points) but drops to 73.7 with
 * 1000, so rules keep 4000: about 300 kB of saved state per series once the history is full.
 */
export const RULE_LIKELIHOOD_HISTORY = 4000;

/**
 * Options of a rule series' novelty detector for a KPI sending a point every `cadenceMs`.
 * @throws Error when cadenceMs is not positive.
 * @example noveltyRuleOptions(900_000).seasons.map((s) => s.lag.capacity) // [214, 1481] (15-minute KPI)
 */
export function noveltyRuleOptions(cadenceMs: number, base: NoveltyDetectorOptions = DEFAULT_NOVELTY_OPTIONS): NoveltyDetectorOptions {
  if (!(cadenceMs > 0)) throw new Error(`noveltyRuleOptions: cadenceMs must be positive, got ${cadenceMs}`);
  const spacingMs = cadenceMs / 2;
  return {
    ...base,
    context: { ...base.context, maxContexts: Math.min(base.context.maxContexts, RULE_MAX_CONTEXTS) },
    likelihood: { ...base.likelihood, historyWindow: Math.min(base.likelihood.historyWindow, RULE_LIKELIHOOD_HISTORY) },
    seasons: base.seasons
      .filter((s) => s.lag.seasonMs >= 2 * cadenceMs)
      .map((s) => ({ name: s.name, lag: { ...s.lag, capacity: seasonalCapacity(s.lag, spacingMs) } })),
  };
}
