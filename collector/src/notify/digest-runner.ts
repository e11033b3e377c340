import type { Digest, Recipient } from '../config/notification-settings-schema';
import type { Logger } from '../core/logger';
import { nextFireTime } from '../scheduling/cron-schedule';
import type { DigestContent } from './channel-port';
import type { DeliveryDirectory } from './delivery-directory';
import { deliveryId } from './delivery-id';
import { digestMessage, latestAlerts, type DashboardLinks } from './messages';
import type { DigestItem, NewDelivery, OutboxStore } from './outbox-store';
import { digestsCovering, fallbackOrder, holdUntil } from './route-dispatch';

/** What a digest asks for its KPI rows: the recipient, the roles it is for, and the period. */
export interface DigestDataRequest {
  readonly digestId: string;
  readonly digestName: string;
  readonly recipient: Recipient;
  /** The recipient's roles the digest is sent for (all their roles when it names them directly). */
  readonly roles: readonly string[];
  readonly periodStart: number;
  readonly periodEnd: number;
}

/** The port the lead wires to the KPI engine: a daily summary's KPI rows per role. */
export interface DigestDataSource {
  rows(request: DigestDataRequest): Promise<DigestContent['rows']>;
}

export interface DigestRunnerDeps {
  readonly store: OutboxStore;
  readonly directory: DeliveryDirectory;
  readonly logger: Logger;
  readonly dataSource?: DigestDataSource;
  readonly links?: DashboardLinks;
}

/** At most this many missed fire times are stepped over to find the latest (a long outage). */
const MAX_CATCH_UP_STEPS = 10_000;

/**
 * The latest time at or before `now` the digest's cron schedule fired after `after`, or undefined
 * when it has not fired since. Missed runs (the collector was down) collapse into one.
 */
export function latestFireTime(digest: Pick<Digest, 'id' | 'schedule' | 'timezone'>, after: number, now: number): number | undefined {
  let latest: number | undefined;
  let cursor = after;
  for (let i = 0; i < MAX_CATCH_UP_STEPS; i++) {
    const next = nextFireTime(digest.schedule, cursor, `digest ${digest.id}`, digest.timezone);
    if (next === null || next > now) return latest;
    latest = next;
    cursor = next;
  }
  return latest ?? now;
}

/**
 * Sends scheduled digests that are due: for every configured digest whose cron schedule fired
 * since its last run, one message per recipient (by id or role, plus anyone with items waiting)
 * with the KPI rows of `DigestDataSource` and the incidents recorded for them in the period. A
 * recipient with neither gets nothing. The run's deliveries, the items it consumed and the new
 * last-run time are stored in one transaction, so a crash repeats the run with the same delivery
 * ids rather than losing or doubling it. A digest's first run only records the start of its period.
 * Items of a digest no longer configured go out at once, so nothing held is lost.
 * Returns the number of deliveries stored.
 */
export async function runDueDigests(deps: DigestRunnerDeps, now: number): Promise<number> {
  let stored = 0;
  const configured = new Set(deps.directory.digests.map((d) => d.id));
  for (const digest of deps.directory.digests) {
    const last = await deps.store.lastDigestRun(digest.id);
    if (last === undefined) {
      await deps.store.completeDigest(digest.id, now, [], [], now);
      continue;
    }
    const firedAt = latestFireTime(digest, last, now);
    if (firedAt === undefined) continue;
    stored += await fireDigest(deps, digest, last, firedAt, now);
  }
  for (const orphan of await deps.store.digestsWithItems()) {
    if (configured.has(orphan)) continue;
    const last = (await deps.store.lastDigestRun(orphan)) ?? now;
    const removed: Digest = {
      id: orphan,
      name: `Digest "${orphan}" (no longer configured)`,
      schedule: '0 0 * * *',
      timezone: 'UTC',
      channels: ['email'],
      include: { severities: ['critical', 'warning', 'info'] },
    };
    deps.logger.warn({ digest: orphan }, 'digest no longer configured; sending its waiting items now');
    stored += await fireDigest(deps, removed, last, now, now);
  }
  return stored;
}

async function fireDigest(deps: DigestRunnerDeps, digest: Digest, periodStart: number, firedAt: number, now: number): Promise<number> {
  const { store, directory } = deps;
  const items = await store.digestItems(digest.id);
  const byRecipient = new Map<string, DigestItem[]>();
  for (const item of items) byRecipient.set(item.recipientId, [...(byRecipient.get(item.recipientId) ?? []), item]);
  const recipients = [...directory.recipients.values()].filter(
    (r) => digestsCovering(r, [digest]).length > 0 || byRecipient.has(r.id),
  );
  for (const recipientId of byRecipient.keys()) {
    if (!directory.recipients.has(recipientId)) {
      deps.logger.warn({ digest: digest.id, recipient: recipientId }, 'digest items of a recipient no longer configured are dropped');
    }
  }

  const dispatchKey = `digest:${digest.id}:${firedAt}`;
  const deliveries: NewDelivery[] = [];
  for (const recipient of recipients) {
    const mine = byRecipient.get(recipient.id) ?? [];
    const roles = digest.roles === undefined ? recipient.roles : recipient.roles.filter((r) => digest.roles?.includes(r));
    const rows = await kpiRows(deps, {
      digestId: digest.id,
      digestName: digest.name,
      recipient,
      roles: roles.length > 0 ? roles : recipient.roles,
      periodStart,
      periodEnd: firedAt,
    });
    if (rows.length === 0 && mine.length === 0) continue;
    const content: DigestContent = {
      id: `${digest.id}:${firedAt}`,
      title: digest.name,
      periodStart,
      periodEnd: firedAt,
      rows,
      alerts: latestAlerts(mine.flatMap((i) => i.incident.alerts)),
    };
    const message = digestMessage(content, firedAt, deps.links?.digestUrl?.(digest.id));
    const reachable = (c: Digest['channels'][number]) => directory.reaches(c, recipient, message);
    const order = fallbackOrder(recipient);
    let channels = digest.channels.filter(reachable);
    if (channels.length === 0) channels = order.filter(reachable).slice(0, 1);
    if (channels.length === 0) {
      deps.logger.warn({ digest: digest.id, recipient: recipient.id }, 'no configured channel reaches the recipient; digest not sent');
      continue;
    }
    const fallback = order.filter((c) => reachable(c) && !channels.includes(c));
    const notBefore = holdUntil(recipient, 'info', now);
    for (const channel of channels) {
      deliveries.push({
        id: deliveryId(dispatchKey, recipient.id, channel),
        dispatchKey,
        recipientId: recipient.id,
        channel,
        status: 'pending',
        message,
        fallback,
        nextAttemptAt: notBefore,
        dispatchedAt: firedAt,
      });
    }
  }
  await store.completeDigest(
    digest.id,
    firedAt,
    deliveries,
    items.map((i) => ({ recipientId: i.recipientId, incidentId: i.incidentId, at: i.at })),
    now,
  );
  return deliveries.length;
}

async function kpiRows(deps: DigestRunnerDeps, request: DigestDataRequest): Promise<DigestContent['rows']> {
  if (deps.dataSource === undefined) return [];
  try {
    return await deps.dataSource.rows(request);
  } catch (error) {
    deps.logger.warn(
      { digest: request.digestId, recipient: request.recipient.id, err: (error as Error).message },
      'digest KPI rows unavailable; sending the digest with its alerts only',
    );
    return [];
  }
}
