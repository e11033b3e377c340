import type { ThresholdStep } from './threshold-steps';

/**
 * Geometry of the KPI gauge: a 240° arc open at the bottom, angles in degrees measured clockwise
 * from 12 o'clock, positions as fractions 0…1 of the arc. Pure; the SVG component only draws.
 */

export const GAUGE_START_DEG = -120;
export const GAUGE_END_DEG = 120;

export interface Point2 {
  x: number;
  y: number;
}

/** The position of `value` on the scale, clamped to 0…1 (0 when the scale is empty or value is NaN). */
export function fractionOf(value: number, min: number, max: number): number {
  if (!Number.isFinite(value) || !(max > min)) {
    return 0;
  }
  return Math.min(1, Math.max(0, (value - min) / (max - min)));
}

export function angleAt(fraction: number): number {
  return GAUGE_START_DEG + (GAUGE_END_DEG - GAUGE_START_DEG) * fraction;
}

export function polar(center: Point2, radius: number, angleDeg: number): Point2 {
  const rad = (angleDeg * Math.PI) / 180;
  return { x: center.x + radius * Math.sin(rad), y: center.y - radius * Math.cos(rad) };
}

/** SVG path of the arc between two fractions (empty string when they are equal). */
export function arcPath(center: Point2, radius: number, fromFraction: number, toFraction: number): string {
  const from = Math.min(fromFraction, toFraction);
  const to = Math.max(fromFraction, toFraction);
  if (to - from <= 0) {
    return '';
  }
  const start = polar(center, radius, angleAt(from));
  const end = polar(center, radius, angleAt(to));
  const sweepDeg = (GAUGE_END_DEG - GAUGE_START_DEG) * (to - from);
  const largeArc = sweepDeg > 180 ? 1 : 0;
  return `M ${round(start.x)} ${round(start.y)} A ${round(radius)} ${round(radius)} 0 ${largeArc} 1 ${round(end.x)} ${round(end.y)}`;
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/**
 * A "nice" number at or beyond `v`, away from zero (1, 2, 2.5, 5 or 10 times a power of ten), for
 * the ends of an automatic scale: 7 → 10, 1.2 → 2, −7 → −10. 0 and non-finite numbers give 0.
 */
export function niceCeil(v: number): number {
  if (v === 0 || !Number.isFinite(v)) {
    return 0;
  }
  if (v < 0) {
    return -niceCeil(-v);
  }
  const power = Math.pow(10, Math.floor(Math.log10(v)));
  for (const step of [1, 2, 2.5, 5, 10]) {
    if (step * power >= v * (1 - 1e-12)) {
      return step * power;
    }
  }
  return 10 * power;
}

export interface ScaleInput {
  value: number;
  target?: number;
  /** From the field config; used as given when set. */
  min?: number;
  max?: number;
  /** Finite threshold step values widen the automatic scale so every band shows. */
  steps?: readonly ThresholdStep[];
}

/**
 * The gauge's scale: the field config's min/max when set; otherwise 0 (or below the lowest value
 * when something is negative) up to a nice number 20 % above the largest of value, target and
 * the finite threshold steps. Always returns max > min.
 */
export function gaugeScale(input: ScaleInput): { min: number; max: number } {
  const candidates = [input.value, input.target, ...(input.steps ?? []).map((s) => s.value)].filter(
    (v): v is number => v !== undefined && Number.isFinite(v)
  );
  const lowest = candidates.length ? Math.min(...candidates) : 0;
  const highest = candidates.length ? Math.max(...candidates) : 1;
  const min =
    input.min !== undefined && Number.isFinite(input.min) ? input.min : lowest < 0 ? niceCeil(lowest * 1.2) : 0;
  let max =
    input.max !== undefined && Number.isFinite(input.max) ? input.max : niceCeil(highest > 0 ? highest * 1.2 : 1);
  if (!(max > min)) {
    max = min + Math.max(1, Math.abs(min));
  }
  return { min, max };
}

export interface BandSegment {
  from: number;
  to: number;
  color: string;
}

/** The threshold steps as coloured segments of the arc (fractions), in order, empty ones dropped. */
export function thresholdSegments(steps: readonly ThresholdStep[], min: number, max: number): BandSegment[] {
  const segments: BandSegment[] = [];
  steps.forEach((step, i) => {
    const next = steps[i + 1];
    const from = step.value === Number.NEGATIVE_INFINITY ? 0 : fractionOf(step.value, min, max);
    const to = next === undefined ? 1 : fractionOf(next.value, min, max);
    if (to > from) {
      segments.push({ from, to, color: step.color });
    }
  });
  return segments;
}
