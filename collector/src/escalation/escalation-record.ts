import type { ChannelName } from '../config/notification-settings-schema';

/**
 * Where the escalation of one incident stands. Plain JSON, saved with its incident, so a restarted
 * collector resumes every timer where it was: no page twice, none missed.
 */

/** One escalation policy working on an incident (a route with `escalation:` matched it). */
export interface EscalationTrack {
  readonly policy: string;
  /**
   * active: waiting to escalate at `nextAt`; acknowledged: stopped, `nextAt` is the ack timeout
   * (if the policy has one); exhausted: every level and repeat paged, nothing more unless an ack
   * times out or the incident fires anew.
   */
  readonly status: 'active' | 'acknowledged' | 'exhausted';
  /** Pass through the levels (0 = first; the policy's `repeat` allows more). */
  readonly cycle: number;
  /** The level paged last (0-based). */
  readonly level: number;
  /** When that level was due (paged). */
  readonly levelAt: number;
  readonly nextAt?: number;
  /** The incident acknowledgement this track has honoured (an ack at a later time stops it again). */
  readonly ackAt?: number;
  /** A due timer found the incident entirely muted: it fires when the incident is heard again. */
  readonly paused?: boolean;
}

/** Someone told about the incident so far, on which channels (null: their own channels). */
export interface PagedRecipient {
  readonly id: string;
  readonly channels: readonly ChannelName[] | null;
  readonly at: number;
}

export interface EscalationRecord {
  readonly incidentId: string;
  /** Keys of the routes already told (receivers notified, policies started). */
  readonly routes: readonly string[];
  readonly tracks: readonly EscalationTrack[];
  readonly paged: readonly PagedRecipient[];
  /** Dispatches made so far: the last part of each dispatch key. */
  readonly sequence: number;
  readonly closed: boolean;
  readonly updatedAt: number;
}

export function newEscalationRecord(incidentId: string, now: number): EscalationRecord {
  return { incidentId, routes: [], tracks: [], paged: [], sequence: 0, closed: false, updatedAt: now };
}

/** The earliest timer of the record (next level or ack timeout), if any. */
export function nextTimerAt(record: EscalationRecord): number | undefined {
  let next: number | undefined;
  if (record.closed) return undefined;
  for (const t of record.tracks) {
    if (t.nextAt !== undefined && (next === undefined || t.nextAt < next)) next = t.nextAt;
  }
  return next;
}
