import { erfc } from '../anomaly/anomaly-likelihood';
import { normalQuantile } from '../forecast/normal-quantile';

/**
 * Learned bands ("dynamic thresholds"): the detector's expected value ± z·scale, where scale is the
 * baseline's robust standard deviation of the residuals and z the two-sided normal quantile of the
 * band's coverage (99% → 2.5758, 99.9% → 3.2905). Pure, O(1).
 */

/** z of a two-sided band covering `pct` percent: normalQuantile(0.5 + pct/200). */
export function bandZ(pct: number): number {
  if (!(pct > 0 && pct < 100)) throw new RangeError(`bandZ: pct must be in (0, 100), got ${pct}`);
  return normalQuantile(0.5 + pct / 200);
}

export const Z99 = bandZ(99);
export const Z999 = bandZ(99.9);

/** The bands written to InfluxDB (`kpi_band` fields). */
export interface LearnedBand {
  readonly expected: number;
  readonly lo99: number;
  readonly hi99: number;
  readonly lo999: number;
  readonly hi999: number;
}

export function learnedBand(expected: number, scale: number): LearnedBand {
  return { expected, lo99: expected - Z99 * scale, hi99: expected + Z99 * scale, lo999: expected - Z999 * scale, hi999: expected + Z999 * scale };
}

/**
 * Anomaly score in [0, 1] of a residual of `z` scales: the coverage of the narrowest two-sided
 * band the value lies outside, erf(|z|/√2). 0 at the expected value, 0.99 on the edge of the 99%
 * band, 0.999 on the edge of the 99.9% band.
 */
export function bandScore(z: number): number {
  if (!Number.isFinite(z)) return Number.isNaN(z) ? 0 : 1;
  return Math.min(1, Math.max(0, 1 - erfc(Math.abs(z) / Math.SQRT2)));
}
