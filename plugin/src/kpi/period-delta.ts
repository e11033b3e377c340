import type { KpiDirection } from '../collector/collector-types';

/** Whether a change is good news, bad news, or neither, given what the KPI wants. */
export type DeltaTone = 'good' | 'bad' | 'neutral';

export interface PeriodDelta {
  /** value − comparison. */
  absolute: number;
  /** (value − comparison) / |comparison|; undefined when the comparison is 0. */
  ratio?: number;
  tone: DeltaTone;
}

/**
 * The change of a KPI against a comparison period (previous period, last year…). The tone follows
 * the KPI's direction; for target_is_best it is good when the value moved closer to the target
 * (neutral without a target). Undefined when either number is missing or not finite.
 */
export function periodDelta(
  value: number | undefined,
  comparison: number | undefined,
  direction: KpiDirection,
  target?: number
): PeriodDelta | undefined {
  if (value === undefined || comparison === undefined || !Number.isFinite(value) || !Number.isFinite(comparison)) {
    return undefined;
  }
  const absolute = value - comparison;
  const ratio = comparison === 0 ? undefined : absolute / Math.abs(comparison);
  return { absolute, ratio, tone: toneOf(value, comparison, direction, target) };
}

function toneOf(value: number, comparison: number, direction: KpiDirection, target: number | undefined): DeltaTone {
  if (value === comparison) {
    return 'neutral';
  }
  switch (direction) {
    case 'higher_is_better':
      return value > comparison ? 'good' : 'bad';
    case 'lower_is_better':
      return value < comparison ? 'good' : 'bad';
    case 'target_is_best': {
      if (target === undefined || !Number.isFinite(target)) {
        return 'neutral';
      }
      const now = Math.abs(value - target);
      const before = Math.abs(comparison - target);
      return now === before ? 'neutral' : now < before ? 'good' : 'bad';
    }
  }
}

/** "+4.2 %", "−0.8 %", "±0 %" (one decimal; a real minus sign). */
export function formatDeltaRatio(ratio: number): string {
  const pct = Math.round(ratio * 1000) / 10;
  if (pct === 0) {
    return '±0 %';
  }
  return `${pct > 0 ? '+' : '−'}${Math.abs(pct).toFixed(1)} %`;
}
