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
  readonly correlation: {
    readonly windowMs: number;
    readonly relations: readonly CorrelationRelation[];
    /**
     * KPIs with a cadence at least this long (daily figures: balances of the month, ratios over
     * 30 or 365 days) move too slowly for a window of minutes: an alert of such a KPI joins an
     * open incident holding a related alert that is still active, however long ago that fired.
     */
    readonly slowCadenceMs: number;
  };
  /**
   * How long an incident that resolved by itself stays reopenable once its resolution was told
   * (after `confirmResolved`): if one of its alerts (or another alert of its group key, or a
   * related alert of a slow KPI) fires again within cadenceFactor × the slowest cadence of its
   * KPIs, kept between minMs and maxMs, the incident reopens instead of a new one paging: a daily figure that clears and comes
   * back within the week is the same situation; a 5-minute health check that recovers and fails
   * again an hour later is a new one. Financial incidents (balances, covenants: followed day by
   * day) stay reopenable at least `financialMinMs`. An incident resolved by a person never reopens.
   */
  readonly reopen: { readonly minMs: number; readonly maxMs: number; readonly cadenceFactor: number; readonly financialMinMs: number };
  /**
   * How long an incident that resolved by itself must stay resolved before its resolution is told
   * (flap damping): cadenceFactor × the slowest cadence of its KPIs, between minMs and maxMs. If
   * it fires again meanwhile, nobody was told anything and it simply goes on — an acknowledgement
   * still holds. After the resolution is told, firing again (within `reopen`) is news again, and
   * from then on the incident counts as flapping: its next resolution is told only once it has
   * stayed resolved as long as `reopen` would keep it reopenable (a daily figure hovering around its
   * threshold gets one "resolved" when it has been quiet for a week, not one every few days, each
   * followed by a page that it is back).
   */
  readonly confirmResolved: { readonly minMs: number; readonly maxMs: number; readonly cadenceFactor: number };
  readonly maintenance: readonly MaintenanceWindow[];
  readonly keepResolvedMs: number;
}

const HOUR_MS = 3_600_000;
/** See `ConsolidationConfig.correlation.slowCadenceMs` (not a setting yet: a fixed rule). */
const SLOW_CADENCE_MS = 24 * HOUR_MS;
/** See `ConsolidationConfig.reopen` (not a setting yet: a fixed rule). */
const REOPEN = { minMs: HOUR_MS, maxMs: 7 * 24 * HOUR_MS, cadenceFactor: 7, financialMinMs: 24 * HOUR_MS } as const;
/** See `ConsolidationConfig.confirmResolved` (not a setting yet: a fixed rule). */
const CONFIRM_RESOLVED = { minMs: HOUR_MS / 4, maxMs: 2 * 24 * HOUR_MS, cadenceFactor: 2 } as const;

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
    correlation: {
      windowMs: durationMs(settings.correlation.window),
      relations: settings.correlation.relations,
      slowCadenceMs: SLOW_CADENCE_MS,
    },
    reopen: REOPEN,
    confirmResolved: CONFIRM_RESOLVED,
    maintenance: settings.maintenance,
    keepResolvedMs: durationMs(settings.keepResolved),
  };
}

/** The defaults of the section (what an absent `consolidation:` key means). */
export function defaultConsolidation(): ConsolidationConfig {
  return compileConsolidation(consolidationSchema.parse({}));
}
