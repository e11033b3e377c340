/** Options of the two-sided CUSUM level-shift detector. */
export interface LevelShiftOptions {
  /** Allowance k (in scales): residuals below it do not accumulate. */
  readonly drift: number;
  /** Decision interval h (in scales): statistic ≥ h signals a shift. */
  readonly limit: number;
  /** Residuals are clipped at this many scales so a single spike cannot signal a shift alone. */
  readonly clip: number;
}

export const DEFAULT_LEVEL_SHIFT_OPTIONS: LevelShiftOptions = { drift: 1, limit: 30, clip: 5 };

/** Plain-JSON state of a LevelShiftDetector. */
export interface LevelShiftState {
  up: number;
  down: number;
}

/** The detector's reading for one standardised residual. */
export interface LevelShiftReading {
  /** max(S⁺, S⁻)/h: ≥ 1 means a shift is signalled. */
  readonly strength: number;
  /** +1 upward shift accumulating, −1 downward. */
  readonly direction: 1 | -1;
  readonly shifted: boolean;
}

/**
 * Page's two-sided CUSUM on standardised residuals z (Page 1954; Montgomery, Introduction to
 * Statistical Quality Control, §9.1): S⁺ = max(0, S⁺ + z − k), S⁻ = max(0, S⁻ − z − k); a shift
 * when either reaches h, after which both restart. O(1) per point.
 */
export class LevelShiftDetector {
  private up: number;
  private down: number;

  constructor(readonly options: LevelShiftOptions = DEFAULT_LEVEL_SHIFT_OPTIONS, state?: LevelShiftState) {
    this.up = state?.up ?? 0;
    this.down = state?.down ?? 0;
  }

  /** Feeds one standardised residual. @throws Error when z is not finite. */
  update(z: number): LevelShiftReading {
    if (!Number.isFinite(z)) throw new Error(`LevelShiftDetector.update: residual must be finite, got ${z}`);
    const { drift, limit, clip } = this.options;
    const c = Math.max(-clip, Math.min(clip, z));
    this.up = Math.max(0, this.up + c - drift);
    this.down = Math.max(0, this.down - c - drift);
    const direction = this.up >= this.down ? 1 : -1;
    const strength = Math.max(this.up, this.down) / limit;
    const shifted = strength >= 1;
    if (shifted) this.reset();
    return { strength, direction, shifted };
  }

  reset(): void {
    this.up = 0;
    this.down = 0;
  }

  snapshot(): LevelShiftState {
    return { up: this.up, down: this.down };
  }
}
