import { CronExpressionParser } from 'cron-parser';
import type { Alert } from '../alerting/alert-model';
import { parseWindowTime, type MaintenanceWindow } from '../config/consolidation-schema';
import { durationMs } from '../config/scalar-schemas';
import { alertLabels, compileMatchers } from './matchers';
import type { Muter, MuteReason } from './muter';

/**
 * Maintenance windows from the configuration: a one-off window (start, end) or a recurring one
 * (a cron expression for when it opens and a duration), in the window's time zone. An alert an
 * open window's matchers match is muted until the window closes; still firing then, it notifies.
 */

export interface CompiledMaintenanceWindow {
  readonly window: MaintenanceWindow;
  /** When the window that contains `now` closes, or undefined when none does. */
  openUntil(now: number): number | undefined;
  matches(labels: Readonly<Record<string, string>>): boolean;
}

/** Compiles a validated window (see `maintenanceWindowSchema`). */
export function compileMaintenanceWindow(window: MaintenanceWindow): CompiledMaintenanceWindow {
  const matches = compileMatchers(window.matchers);
  if (window.cron !== undefined && window.duration !== undefined) {
    const length = durationMs(window.duration);
    const openings = new CronOpenings(window.cron, window.timezone);
    return {
      window,
      matches,
      openUntil(now) {
        // The latest opening at or before now; the window contains now if it has not closed yet.
        // Windows longer than the cron period overlap: the latest opening closes last.
        const opened = openings.latestAtOrBefore(now);
        return now < opened + length ? opened + length : undefined;
      },
    };
  }
  const start = parseWindowTime(window.start ?? '', window.timezone);
  const end = parseWindowTime(window.end ?? '', window.timezone);
  if (start === undefined || end === undefined) {
    throw new Error(`maintenance window "${window.name}": start and end must be valid (validate the settings first)`);
  }
  return { window, matches, openUntil: (now) => (start <= now && now < end ? end : undefined) };
}

/**
 * The openings of a cron schedule, parsed once. The stage asks at every tick, nearly always
 * between the same two openings: the latest answer is kept with the next opening after it, and
 * the cron expression is only walked again once `now` leaves that span (or goes back before it).
 */
export class CronOpenings {
  private readonly expression;
  private span: { from: number; until: number } | undefined;

  constructor(cron: string, timezone: string) {
    this.expression = CronExpressionParser.parse(cron, { tz: timezone });
  }

  /** The latest opening at or before `now` (epoch ms). */
  latestAtOrBefore(now: number): number {
    const span = this.span;
    if (span !== undefined && span.from <= now && now < span.until) return span.from;
    this.expression.reset(new Date(now + 1));
    const from = this.expression.prev().getTime();
    this.expression.reset(new Date(from));
    const until = this.expression.next().getTime();
    this.span = { from, until };
    return from;
  }
}

export class MaintenanceMuter implements Muter {
  private readonly windows: readonly CompiledMaintenanceWindow[];
  /** The windows open at the last `now` asked about (a flush asks for many alerts at one instant). */
  private cache: { now: number; open: { w: CompiledMaintenanceWindow; until: number }[] } | undefined;

  constructor(windows: readonly MaintenanceWindow[]) {
    this.windows = windows.map(compileMaintenanceWindow);
  }

  mutes(alert: Alert, now: number): MuteReason | undefined {
    const open = this.openAt(now);
    if (open.length === 0) return undefined;
    const labels = alertLabels(alert);
    for (const { w, until } of open) if (w.matches(labels)) return { kind: 'maintenance', name: w.window.name, until };
    return undefined;
  }

  private openAt(now: number): { w: CompiledMaintenanceWindow; until: number }[] {
    if (this.cache?.now !== now) {
      const open = this.windows.flatMap((w) => {
        const until = w.openUntil(now);
        return until === undefined ? [] : [{ w, until }];
      });
      this.cache = { now, open };
    }
    return this.cache.open;
  }

  /** The windows open at `now` with when each closes (for the API). */
  openWindows(now: number): { name: string; until: number; comment?: string }[] {
    return this.windows.flatMap((w) => {
      const until = w.openUntil(now);
      if (until === undefined) return [];
      return [{ name: w.window.name, until, ...(w.window.comment === undefined ? {} : { comment: w.window.comment }) }];
    });
  }
}
