import type { AnomalyDetectorOptions } from './anomaly-detector';
import { DEFAULT_LIKELIHOOD_OPTIONS } from './anomaly-likelihood';
import { DAY_MS, DEFAULT_BASELINE_OPTIONS, type SeasonSpec } from './robust-seasonal-baseline';

/** The seasonal pattern an anomaly rule names. */
export type RuleSeasonality = 'none' | 'daily' | 'weekly';

const WEEK_MS = 7 * DAY_MS;
const MIN_WINDOW = 28;
const MAX_WINDOW = 1024;

/**
 * The season the baseline follows: daily = 24 hourly buckets; weekly = 168 hour-of-week buckets for
 * an intraday cadence, 7 day-of-week buckets for a daily or slower one. Phases are taken on UTC
 * time (constant offset from the company's zone; a DST change moves hourly buckets by one hour
 * for a few days until the offsets re-learn).
 */
export function seasonsFor(seasonality: RuleSeasonality, cadenceMs: number): SeasonSpec[] {
  if (seasonality === 'daily') return [{ periodMs: DAY_MS, buckets: 24 }];
  if (seasonality === 'weekly') return [{ periodMs: WEEK_MS, buckets: cadenceMs < DAY_MS ? 168 : 7 }];
  return [];
}

/**
 * The rolling window (points) of the level's median/MAD: whole seasons covering at least 28
 * points (4 weeks of a daily KPI, one week of a 15-minute KPI), at most 1,024 points.
 */
export function windowFor(seasonality: RuleSeasonality, cadenceMs: number): number {
  const cadence = Math.max(cadenceMs, 1);
  const periodMs = seasonality === 'daily' ? DAY_MS : seasonality === 'weekly' ? WEEK_MS : 0;
  if (periodMs === 0) return Math.min(MAX_WINDOW, Math.max(MIN_WINDOW, Math.round(DAY_MS / cadence)));
  const perSeason = Math.max(1, Math.round(periodMs / cadence));
  let window = perSeason * Math.max(1, Math.ceil(MIN_WINDOW / perSeason));
  while (window > MAX_WINDOW && window - perSeason >= MIN_WINDOW) window -= perSeason;
  return Math.min(window, MAX_WINDOW);
}

/**
 * Detector options for one KPI series of an anomaly rule: the season of the rule, a window sized
 * to the cadence, and small surprise/likelihood histories so the persisted state stays a few KB
 * per series (the rule fires on the learned band; the detector's own score is an explanation).
 */
export function kpiDetectorOptions(seasonality: RuleSeasonality, cadenceMs: number): Partial<AnomalyDetectorOptions> {
  const seasons = seasonsFor(seasonality, cadenceMs);
  return {
    baseline: { ...DEFAULT_BASELINE_OPTIONS, window: windowFor(seasonality, cadenceMs), seasons },
    seasonNames: seasonality === 'none' ? [] : [seasonality],
    minHistory: 8,
    surpriseWindow: 128,
    refractory: 0,
    scoring: 'rarity',
    likelihood: { ...DEFAULT_LIKELIHOOD_OPTIONS, learningPeriod: 16, estimationSamples: 16, historicWindow: 128, reestimationPeriod: 16 },
  };
}

