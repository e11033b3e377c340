import type { Dispatch, Incident } from '../alerting/alert-model';
import type { ChannelName, Digest, Recipient } from '../config/notification-settings-schema';
import { recipientChannels } from '../config/recipient-channels';
import type { Channel } from './channel-port';
import { carries } from './delivery-directory';
import { incidentMessage } from './messages';
import { quietHoursEnd } from './quiet-hours';

/** What routing reads: the recipients and digests of notification_settings.yaml, the channels, the time. */
export interface RoutingContext {
  readonly recipients: ReadonlyMap<string, Recipient>;
  readonly digests: readonly Digest[];
  readonly channels: ReadonlyMap<ChannelName, Channel>;
  readonly now: number;
}

/** One message to send on one channel, not before `notBefore` (the end of quiet hours, or now). */
export interface PlannedDelivery {
  readonly channel: ChannelName;
  readonly notBefore: number;
  /** The recipient's other reachable channels, in fallback order, not already used by this dispatch. */
  readonly fallback: readonly ChannelName[];
}

/**
 * What happens to one dispatch for one recipient:
 * - deliver: send on `deliveries` now or after quiet hours; the incident is also recorded in
 *   `digestIds` (the digests that summarise it), and rate limits still apply (the service's part);
 * - digest: an information alert, held for the recipient's next scheduled digests `digestIds`;
 * - skip: the recipient is unknown, does not want this severity, or cannot be reached at all.
 */
export type RecipientPlan =
  | {
      readonly kind: 'deliver';
      readonly recipient: Recipient;
      readonly deliveries: readonly PlannedDelivery[];
      readonly digestIds: readonly string[];
      /** Set when no requested channel reaches the recipient and their own first channel is used. */
      readonly note?: string;
    }
  | { readonly kind: 'digest'; readonly recipient: Recipient; readonly digestIds: readonly string[] }
  | {
      readonly kind: 'skip';
      readonly recipientId: string;
      readonly reason: 'unknown' | 'filtered' | 'unreachable';
      readonly detail: string;
    };

/**
 * Expands a dispatch into a plan per recipient (each recipient once, in the dispatch's order). Pure:
 * no I/O, time from `ctx.now`. The rules, in order:
 * 1. an unknown recipient id is skipped;
 * 2. a severity the recipient's `preferences.severities` leaves out is skipped;
 * 3. information alerts (reason `information` or class `information`) covered by one of the
 *    recipient's digests (by recipient or role, and the digest's `include` filters) wait for it;
 * 4. channels: the dispatch's, else the recipient's own; only those a channel reaches
 *    (`Channel.canReach`) and that carry the message (`Channel.accepts`); when none does, the recipient's first reachable channel in fallback
 *    order; when there is none at all, skipped;
 * 5. quiet hours in the recipient's time zone hold every severity not in `allow` until they end.
 */
export function routeDispatch(dispatch: Dispatch, ctx: RoutingContext): RecipientPlan[] {
  const plans: RecipientPlan[] = [];
  const incident = dispatch.incident;
  const message = incidentMessage(dispatch);
  for (const recipientId of new Set(dispatch.recipients)) {
    const recipient = ctx.recipients.get(recipientId);
    if (recipient === undefined) {
      plans.push({ kind: 'skip', recipientId, reason: 'unknown', detail: `no recipient "${recipientId}" in notification_settings.yaml` });
      continue;
    }
    if (!recipient.preferences.severities.includes(incident.severity)) {
      plans.push({
        kind: 'skip',
        recipientId,
        reason: 'filtered',
        detail: `${recipientId} does not want ${incident.severity} notifications (preferences.severities)`,
      });
      continue;
    }
    const digestIds = digestsCovering(recipient, ctx.digests)
      .filter((d) => digestIncludes(d, incident))
      .map((d) => d.id);
    if (isInformational(dispatch) && digestIds.length > 0) {
      plans.push({ kind: 'digest', recipient, digestIds });
      continue;
    }
    const reachable = (c: ChannelName) => carries(ctx.channels.get(c), recipient, message);
    const order = fallbackOrder(recipient);
    let chosen = unique(dispatch.channels ?? recipientChannels(recipient)).filter(reachable);
    let note: string | undefined;
    if (chosen.length === 0) {
      const first = order.find(reachable);
      if (first === undefined) {
        plans.push({
          kind: 'skip',
          recipientId,
          reason: 'unreachable',
          detail: `no configured channel reaches ${recipientId}`,
        });
        continue;
      }
      note = `none of ${(dispatch.channels ?? []).join(', ')} reaches ${recipientId}; using ${first}`;
      chosen = [first];
    }
    const fallback = order.filter((c) => reachable(c) && !chosen.includes(c));
    const notBefore = holdUntil(recipient, incident.severity, ctx.now);
    plans.push({
      kind: 'deliver',
      recipient,
      deliveries: chosen.map((channel) => ({ channel, notBefore, fallback })),
      digestIds,
      ...(note === undefined ? {} : { note }),
    });
  }
  return plans;
}

/** Information alerts go to digests rather than out one by one. */
export function isInformational(dispatch: Pick<Dispatch, 'reason' | 'incident'>): boolean {
  return dispatch.reason === 'information' || dispatch.incident.alertClass === 'information';
}

/** When a message of `severity` may reach the recipient: the end of their quiet hours, or `now`. */
export function holdUntil(recipient: Recipient, severity: Incident['severity'], now: number): number {
  const quiet = recipient.preferences.quietHours;
  if (quiet === undefined || quiet.allow.includes(severity)) return now;
  return quietHoursEnd(now, recipient.timezone, quiet) ?? now;
}

/** The recipient's channels in fallback order: `preferences.fallback`, else the order of `channels`. */
export function fallbackOrder(recipient: Recipient): ChannelName[] {
  const own = recipientChannels(recipient);
  const preferred = recipient.preferences.fallback;
  if (preferred === undefined) return own;
  return unique([...preferred, ...own]);
}

/** The digests that go to the recipient, by id or by one of their roles, in configuration order. */
export function digestsCovering(recipient: Recipient, digests: readonly Digest[]): Digest[] {
  return digests.filter(
    (d) => d.recipients?.includes(recipient.id) === true || (d.roles ?? []).some((role) => recipient.roles.includes(role)),
  );
}

/** Whether a digest's `include` filters admit the incident (severity, and category when given). */
export function digestIncludes(digest: Digest, incident: Pick<Incident, 'severity' | 'category'>): boolean {
  return (
    digest.include.severities.includes(incident.severity) &&
    (digest.include.categories === undefined || digest.include.categories.includes(incident.category))
  );
}

function unique<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}
