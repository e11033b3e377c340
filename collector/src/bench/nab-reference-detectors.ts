/**
 * Reference detectors from NAB, re-implemented to check the project's scorer against NAB's published
 * figures (README of the data set: Windowed Gaussian scores 41.42 / 26.48 / 48.45 on this subset).
 */
import { gaussianTail } from '../analytics/anomaly/anomaly-likelihood';
import { StreamScorer } from './nab-corpus-runner';

/**
 * NAB's `windowedGaussian` detector (nab/detectors/gaussian/windowedGaussian_detector.py): score =
 * 1 − Q(|x − mean|/std) against the mean and population std of up to 6400 previous values, the
 * window sliding in steps of 100 once full; std 0 is replaced by 1e-6. O(window) per update.
 * Scores are rounded to 12 significant digits, as NAB's bundled results files (written by Python 2's
 * str()) hold them: the ties this makes at 0.999999999999 and 1.0 decide NAB's optimal threshold.
 */
export class NabWindowedGaussian implements StreamScorer {
  private readonly windowSize = 6400;
  private readonly stepSize = 100;
  private window: number[] = [];
  private step: number[] = [];
  private mean = 0;
  private std = 1;

  update(_time: number, value: number): number {
    const score = this.window.length > 0 ? Number((1 - gaussianTail(value, this.mean, this.std)).toPrecision(12)) : 0;
    if (this.window.length < this.windowSize) {
      this.window.push(value);
      this.refresh();
    } else {
      this.step.push(value);
      if (this.step.length === this.stepSize) {
        this.window = this.window.slice(this.stepSize).concat(this.step);
        this.step = [];
        this.refresh();
      }
    }
    return score;
  }

  private refresh(): void {
    let sum = 0;
    for (const v of this.window) sum += v;
    this.mean = sum / this.window.length;
    let ss = 0;
    for (const v of this.window) ss += (v - this.mean) ** 2;
    this.std = Math.sqrt(ss / this.window.length);
    if (this.std === 0) this.std = 0.000001;
  }
}
