import type { Bound, KpiDirection } from '../collector/collector-types';

/** How a KPI stands: on target (ok), needs attention (warning), off target (critical), or no way to tell. */
export type KpiStatus = 'ok' | 'warning' | 'critical' | 'unknown';

export interface AttainmentLimits {
  /** Attainment at or above this is ok (default 0.95: within 5 % of target). */
  warnRatio: number;
  /** Attainment below this is critical (default 0.85); between the two is a warning. */
  critRatio: number;
}

export const DEFAULT_ATTAINMENT: AttainmentLimits = { warnRatio: 0.95, critRatio: 0.85 };

/**
 * How much of its target a value attains, as a ratio where 1 means "on target" and more is better:
 * - higher_is_better: value / target (above 1 = beating the target);
 * - lower_is_better: target / value (a value under the target gives more than 1; 0 or less is best);
 * - target_is_best: 1 − |value − target| / |target| (1 exactly on target, less either side).
 * Undefined when the target is 0 (no ratio can be formed) or either number is not finite.
 */
export function targetAttainment(value: number, target: number, direction: KpiDirection): number | undefined {
  if (!Number.isFinite(value) || !Number.isFinite(target) || target === 0) {
    return undefined;
  }
  switch (direction) {
    case 'higher_is_better':
      return target > 0 ? value / target : 1 + (value - target) / Math.abs(target);
    case 'lower_is_better':
      if (target < 0) {
        return 1 - (value - target) / Math.abs(target);
      }
      return value <= 0 ? Number.POSITIVE_INFINITY : target / value;
    case 'target_is_best':
      return 1 - Math.abs(value - target) / Math.abs(target);
  }
}

/** Status from the attainment of a target (see `targetAttainment`); unknown when none can be computed. */
export function statusFromTarget(
  value: number,
  target: number,
  direction: KpiDirection,
  limits: AttainmentLimits = DEFAULT_ATTAINMENT
): KpiStatus {
  const attainment = targetAttainment(value, target, direction);
  if (attainment === undefined) {
    return 'unknown';
  }
  if (attainment >= limits.warnRatio) {
    return 'ok';
  }
  return attainment < limits.critRatio ? 'critical' : 'warning';
}

/** Status from the KPI's own thresholds of metrics_config.json (`below` and `above` are strict). */
export function statusFromBounds(
  value: number,
  thresholds: { critical?: Bound; warning?: Bound } | undefined
): KpiStatus {
  if (!thresholds || !Number.isFinite(value)) {
    return 'unknown';
  }
  if (breaches(value, thresholds.critical)) {
    return 'critical';
  }
  if (breaches(value, thresholds.warning)) {
    return 'warning';
  }
  return thresholds.critical || thresholds.warning ? 'ok' : 'unknown';
}

function breaches(value: number, bound: Bound | undefined): boolean {
  if (!bound) {
    return false;
  }
  return (bound.below !== undefined && value < bound.below) || (bound.above !== undefined && value > bound.above);
}

/**
 * Status from the colour of an active Grafana threshold step: reds are critical, oranges and
 * yellows warnings, greens ok; other colours (blue, hex codes) say nothing about status.
 */
export function statusFromThresholdColor(color: string): KpiStatus {
  const name = color.toLowerCase();
  if (name.includes('red')) {
    return 'critical';
  }
  if (name.includes('orange') || name.includes('yellow')) {
    return 'warning';
  }
  if (name.includes('green')) {
    return 'ok';
  }
  return 'unknown';
}

/** Words for a status, for people and screen readers. */
export function statusLabel(status: KpiStatus): string {
  switch (status) {
    case 'ok':
      return 'On track';
    case 'warning':
      return 'Needs attention';
    case 'critical':
      return 'Off track';
    case 'unknown':
      return 'No target';
  }
}

/** The Grafana palette colour of a status. */
export function statusColorName(status: KpiStatus): string {
  switch (status) {
    case 'ok':
      return 'green';
    case 'warning':
      return 'orange';
    case 'critical':
      return 'red';
    case 'unknown':
      return 'blue';
  }
}
