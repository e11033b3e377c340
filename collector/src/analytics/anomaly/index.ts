/** Streaming anomaly detection: one interface, a robust seasonal baseline, a level-shift detector and an HTM-style anomaly likelihood; and the NAB-grade NoveltyAnomalyDetector (range, context and seasonal-lag novelty). */
export * from './anomaly-detector';
export { RobustSeasonalBaseline, DEFAULT_BASELINE_OPTIONS, DEFAULT_SEASONS, DAY_MS } from './robust-seasonal-baseline';
export type { RobustBaselineOptions, RobustBaselineState, SeasonSpec, BaselineAssessment } from './robust-seasonal-baseline';
export { LevelShiftDetector, DEFAULT_LEVEL_SHIFT_OPTIONS } from './level-shift-detector';
export type { LevelShiftOptions, LevelShiftState, LevelShiftReading } from './level-shift-detector';
export { RollingQuantiles } from './rolling-quantiles';
export { AnomalyLikelihood, DEFAULT_LIKELIHOOD_OPTIONS, gaussianTail, logLikelihood, erfc } from './anomaly-likelihood';
export type { AnomalyLikelihoodOptions, AnomalyLikelihoodState, LikelihoodReading } from './anomaly-likelihood';
export { NoveltyAnomalyDetector, DEFAULT_NOVELTY_OPTIONS } from './novelty-anomaly-detector';
export type { NoveltyDetectorOptions, NoveltyReading, NoveltyChannel, NamedSeason } from './novelty-anomaly-detector';
export { StreamingLikelihood, DEFAULT_STREAMING_LIKELIHOOD, logScaledLikelihood } from './streaming-likelihood';
export { ContextNovelty, DEFAULT_CONTEXT_NOVELTY } from './context-novelty';
export { SeasonalLagSurprise, DEFAULT_SEASONAL_LAG, WEEKLY_SEASONAL_LAG } from './seasonal-lag-surprise';
export type { SeasonalLagOptions } from './seasonal-lag-surprise';
export type { ContextNoveltyOptions } from './context-novelty';
export type { StreamingLikelihoodOptions } from './streaming-likelihood';
export type { RangeNoveltyOptions } from './range-novelty';
export { RangeNovelty } from './range-novelty';
