/** Streaming anomaly detection: one interface, a robust seasonal baseline, a level-shift detector and an HTM-style anomaly likelihood. */
export * from './anomaly-detector';
export { RobustSeasonalBaseline, DEFAULT_BASELINE_OPTIONS, DEFAULT_SEASONS, DAY_MS } from './robust-seasonal-baseline';
export type { RobustBaselineOptions, RobustBaselineState, SeasonSpec, BaselineAssessment } from './robust-seasonal-baseline';
export { LevelShiftDetector, DEFAULT_LEVEL_SHIFT_OPTIONS } from './level-shift-detector';
export type { LevelShiftOptions, LevelShiftState, LevelShiftReading } from './level-shift-detector';
export { RollingQuantiles } from './rolling-quantiles';
export { AnomalyLikelihood, DEFAULT_LIKELIHOOD_OPTIONS, gaussianTail, logLikelihood, erfc } from './anomaly-likelihood';
export type { AnomalyLikelihoodOptions, AnomalyLikelihoodState, LikelihoodReading } from './anomaly-likelihood';
