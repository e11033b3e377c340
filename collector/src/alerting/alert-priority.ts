import type { AlertClass, AlertOrigin, Severity } from './alert-model';

/**
 * Priority 0–100 from severity and the KPI's business impact (1–5). Severity dominates: every
 * critical alert outranks every warning, every warning outranks every info alert; impact orders
 * alerts within a severity.
 *
 *   priority = SEVERITY_PRIORITY_BASE[severity] + (impact − 1) / 4 × IMPACT_PRIORITY_SPAN
 *
 *   critical: 70 (impact 1) … 100 (impact 5)
 *   warning:  35 … 65
 *   info:      0 … 30
 *
 * Impact outside 1–5 is clamped; a fractional impact is allowed (rounded result).
 */
export const SEVERITY_PRIORITY_BASE: Readonly<Record<Severity, number>> = { critical: 70, warning: 35, info: 0 };
export const IMPACT_PRIORITY_SPAN = 30;

export function alertPriority(severity: Severity, impact: number): number {
  const clamped = Number.isFinite(impact) ? Math.min(5, Math.max(1, impact)) : 3;
  return Math.round(SEVERITY_PRIORITY_BASE[severity] + ((clamped - 1) / 4) * IMPACT_PRIORITY_SPAN);
}

/**
 * The class people see: forecast rules are `predictive` whatever their severity; otherwise info
 * alerts are `information` and the rest are named by their severity.
 */
export function alertClass(origin: AlertOrigin, severity: Severity): AlertClass {
  if (origin === 'forecast') return 'predictive';
  if (severity === 'info') return 'information';
  return severity;
}
