/**
 * Whether a group needs a notification now — Alertmanager's `needsUpdate` (notify/notify.go),
 * given what was last notified:
 * - nothing notified yet: notify when something fires ('firing');
 * - an alert fires that the last notification did not list: 'update';
 * - nothing fires (all acknowledged, muted or resolved): nothing — the resolution of the whole
 *   incident is notified at once by the consolidator, not here;
 * - otherwise, once the repeat interval has passed since the last notification: 'repeat'
 *   (`repeatMs` undefined: never repeat, as for acknowledged or information incidents).
 */
export interface NotificationLog {
  /** Fingerprints of the firing alerts the last notification listed. */
  readonly firing: readonly string[];
  /** Fingerprints of the resolved alerts it listed. */
  readonly resolved: readonly string[];
  /** When it was sent. */
  readonly at: number;
}

export type GroupUpdate = 'firing' | 'update' | 'repeat';

export function needsUpdate(
  last: NotificationLog | undefined,
  firing: ReadonlySet<string>,
  repeatMs: number | undefined,
  now: number,
): GroupUpdate | undefined {
  if (last === undefined) return firing.size > 0 ? 'firing' : undefined;
  const notified = new Set(last.firing);
  for (const fingerprint of firing) if (!notified.has(fingerprint)) return 'update';
  if (firing.size === 0) return undefined;
  return repeatMs !== undefined && now - last.at >= repeatMs ? 'repeat' : undefined;
}
