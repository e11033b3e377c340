/** Statistical forecasters behind one interface, plus M4's accuracy measures. */
export { checkForecastInput, DEFAULT_LEVEL, type Forecast, type Forecaster } from './forecast-result';
export { naive, naiveForecast } from './naive';
export { createSeasonalNaive } from './seasonal-naive';
export { createNaive2, naive2 } from './naive2';
export { createSes, fitSes, ses } from './ses';
export { createHoltDamped, fitHoltDamped, holtDamped } from './holt-damped';
export { createTheta, theta } from './theta';
export { createAutoArima } from './auto-arima';
export { combineForecasts, createCombination, type Pooling } from './combination';
export { mase, owa, scoreSet, smape, type SetScore } from './m4-metrics';
export { trainPooledWindowNet, type PooledWindowNet, type PooledWindowNetOptions } from './pooled-window-net';
export { DEFAULT_POOLED_NETS, LOCAL_MEAN, trainPooledEnsemble } from './pooled-ensemble';
