import type { Bound } from '../collector/collector-types';
import { statusColorName, statusFromBounds, type KpiStatus } from './kpi-status';

/** A Grafana threshold step: active from `value` up to the next step (the first step starts at −∞). */
export interface ThresholdStep {
  value: number;
  color: string;
}

/**
 * Turns a KPI's thresholds of metrics_config.json (critical/warning, each `below` and/or `above`)
 * into Grafana's absolute threshold steps: base step at −∞, then one step wherever the status
 * changes, coloured red / orange / green. Grafana activates a step at `value >= step`, the config
 * says `below` strictly, so the boundary value itself gets the better colour for `below` and the
 * worse one for `above` (a difference of one exact value). Empty thresholds give one green step.
 */
export function thresholdStepsFromBounds(
  thresholds: { critical?: Bound; warning?: Bound } | undefined
): ThresholdStep[] {
  const boundaries = [thresholds?.critical, thresholds?.warning]
    .flatMap((bound) => [bound?.below, bound?.above])
    .filter((v): v is number => v !== undefined && Number.isFinite(v));
  const sorted = [...new Set(boundaries)].sort((a, b) => a - b);
  if (!thresholds || sorted.length === 0) {
    return [{ value: Number.NEGATIVE_INFINITY, color: statusColorName('ok') }];
  }
  const statusAt = (v: number): KpiStatus => {
    const status = statusFromBounds(v, thresholds);
    return status === 'unknown' ? 'ok' : status;
  };
  const first = sorted[0]!;
  const last = sorted[sorted.length - 1]!;
  const steps: ThresholdStep[] = [
    { value: Number.NEGATIVE_INFINITY, color: statusColorName(statusAt(first - spread(first))) },
  ];
  sorted.forEach((boundary, i) => {
    const next = sorted[i + 1];
    const inside = next === undefined ? last + spread(last) : (boundary + next) / 2;
    const color = statusColorName(statusAt(inside));
    if (steps[steps.length - 1]!.color !== color) {
      steps.push({ value: boundary, color });
    }
  });
  return steps;
}

function spread(v: number): number {
  return Math.max(1, Math.abs(v));
}

/** The step active for `value` (the last whose `value` is ≤ it); the first step for −∞ or NaN. */
export function activeStep(value: number, steps: readonly ThresholdStep[]): ThresholdStep | undefined {
  let active = steps[0];
  for (const step of steps) {
    if (value >= step.value) {
      active = step;
    }
  }
  return active;
}
