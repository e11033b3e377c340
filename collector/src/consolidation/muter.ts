import type { Alert } from '../alerting/alert-model';

/**
 * One interface for everything that keeps an alert from being notified: silences, maintenance
 * windows, inhibition and flapping (Alertmanager's `Muter`). Muted alerts stay in their incident
 * (people see them in the API) but count for no notification and no escalation.
 */

export type MuteReason =
  | { readonly kind: 'silence'; readonly id: string; readonly until: number }
  | { readonly kind: 'maintenance'; readonly name: string; readonly until: number }
  | { readonly kind: 'inhibition'; readonly rule: string; readonly by: string }
  | { readonly kind: 'flapping' };

export interface Muter {
  /** Why the alert is muted at `now`, or undefined when it is not. */
  mutes(alert: Alert, now: number): MuteReason | undefined;
}

/** Asks each muter in turn; the first reason found wins. */
export function composeMuters(muters: readonly Muter[]): Muter {
  return {
    mutes(alert, now) {
      for (const muter of muters) {
        const reason = muter.mutes(alert, now);
        if (reason !== undefined) return reason;
      }
      return undefined;
    },
  };
}

/** Flapping alerts wait until they settle (the lifecycle clears `flapping`). */
export const flappingMuter: Muter = {
  mutes: (alert) => (alert.flapping ? { kind: 'flapping' } : undefined),
};

/** When a reason lapses by itself (silence and window ends); undefined when only an event ends it. */
export function muteEndsAt(reason: MuteReason): number | undefined {
  return reason.kind === 'silence' || reason.kind === 'maintenance' ? reason.until : undefined;
}

/** "silence 3f2a… until …", "inhibited by critical-over-warning" — for logs and the API. */
export function describeMute(reason: MuteReason): string {
  switch (reason.kind) {
    case 'silence':
      return `silenced by ${reason.id} until ${new Date(reason.until).toISOString()}`;
    case 'maintenance':
      return `in maintenance window "${reason.name}" until ${new Date(reason.until).toISOString()}`;
    case 'inhibition':
      return `inhibited by rule "${reason.rule}" (alert ${reason.by})`;
    case 'flapping':
      return 'flapping: waiting until it settles';
  }
}
