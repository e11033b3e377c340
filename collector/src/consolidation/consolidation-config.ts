import type { Severity } from '../alerting/alert-model';
import {
  consolidationSchema,
  waitDurationMs,
  type ConsolidationSettings,
  type CorrelationRelation,
  type InhibitRule,
  type MaintenanceWindow,
} from '../config/consolidation-schema';
import { durationMs } from '../config/scalar-schemas';
import { compileMaintenanceWindow } from './maintenance-windows';
import { compileMatchers } from './matchers';

/** The timers of one incident, in milliseconds. */
export interface GroupTimingMs {
  readonly groupWaitMs: number;
  readonly groupIntervalMs: number;
  readonly repeatIntervalMs: number;
}

/** The `consolidation` section with durations in milliseconds, ready for the consolidator. */
export interface ConsolidationConfig {
  readonly groupBy: readonly string[];
  timing(severity: Severity): GroupTimingMs;
  readonly inhibit: readonly InhibitRule[];
  readonly correlation: { readonly windowMs: number; readonly relations: readonly CorrelationRelation[] };
  readonly maintenance: readonly MaintenanceWindow[];
  readonly keepResolvedMs: number;
}

/**
 * Compiles a validated section. Compiles every matcher and window too, so a problem surfaces here
 * (before anything is swapped in) rather than at the first alert.
 */
export function compileConsolidation(settings: ConsolidationSettings): ConsolidationConfig {
  for (const rule of settings.inhibit) {
    compileMatchers(rule.source);
    compileMatchers(rule.target);
  }
  settings.maintenance.forEach(compileMaintenanceWindow);
  const base: GroupTimingMs = {
    groupWaitMs: waitDurationMs(settings.groupWait),
    groupIntervalMs: durationMs(settings.groupInterval),
    repeatIntervalMs: durationMs(settings.repeatInterval),
  };
  const bySeverity = new Map<Severity, GroupTimingMs>();
  for (const severity of ['critical', 'warning', 'info'] as const) {
    const o = settings.timing[severity];
    bySeverity.set(severity, {
      groupWaitMs: o?.groupWait === undefined ? base.groupWaitMs : waitDurationMs(o.groupWait),
      groupIntervalMs: o?.groupInterval === undefined ? base.groupIntervalMs : durationMs(o.groupInterval),
      repeatIntervalMs: o?.repeatInterval === undefined ? base.repeatIntervalMs : durationMs(o.repeatInterval),
    });
  }
  return {
    groupBy: settings.groupBy,
    timing: (severity) => bySeverity.get(severity) ?? base,
    inhibit: settings.inhibit,
    correlation: { windowMs: durationMs(settings.correlation.window), relations: settings.correlation.relations },
    maintenance: settings.maintenance,
    keepResolvedMs: durationMs(settings.keepResolved),
  };
}

/** The defaults of the section (what an absent `consolidation:` key means). */
export function defaultConsolidation(): ConsolidationConfig {
  return compileConsolidation(consolidationSchema.parse({}));
}
