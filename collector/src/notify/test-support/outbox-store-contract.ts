import type { ChannelName } from '../../config/notification-settings-schema';
import type { NotificationMessage } from '../channel-port';
import { deliveryId } from '../delivery-id';
import type { DigestItem, NewDelivery, OutboxStore } from '../outbox-store';
import { T0, testIncident } from './notify-fixtures';

export type OutboxStoreFactory = () => Promise<{ store: OutboxStore; dispose(): Promise<void> }>;

const message: NotificationMessage = { kind: 'incident', reason: 'firing', incident: testIncident(), at: T0, dashboardUrl: 'http://g/d/x?ü=✓' };

export function newDelivery(key: string, recipientId: string, channel: ChannelName, extra: Partial<NewDelivery> = {}): NewDelivery {
  return {
    id: deliveryId(key, recipientId, channel),
    dispatchKey: key,
    recipientId,
    channel,
    status: 'pending',
    message,
    fallback: ['email', 'ntfy'],
    nextAttemptAt: T0,
    dispatchedAt: T0 - 5,
    admittedAt: T0,
    ...extra,
  };
}

const item = (recipientId: string, incidentId: string, at: number, held = true): DigestItem => ({
  digestId: 'daily',
  recipientId,
  incidentId,
  held,
  incident: testIncident({ id: incidentId }),
  at,
});

/** The behaviour every OutboxStore shares; call inside a describe block. */
export function outboxStoreContract(factory: OutboxStoreFactory): void {
  let store: OutboxStore;
  let dispose: () => Promise<void>;
  beforeEach(async () => {
    ({ store, dispose } = await factory());
  });
  afterEach(async () => dispose());

  const save = (deliveries: NewDelivery[], now = T0) => store.savePlan({ receipts: [], deliveries, digestItems: [] }, now);

  it('stores deliveries with their message and returns only the ids it inserted', async () => {
    const a = newDelivery('k1', 'dana', 'sms');
    expect(await save([a, a])).toEqual([a.id]);
    expect(await save([a, newDelivery('k1', 'dana', 'email')])).toEqual([deliveryId('k1', 'dana', 'email')]);
    expect(await store.get(a.id)).toEqual({
      ...a,
      attempts: 0,
      createdAt: T0,
      updatedAt: T0,
    });
  });

  it('never replaces a stored delivery: a sent one stays sent when planned again', async () => {
    const a = newDelivery('k1', 'dana', 'sms');
    await save([a]);
    expect(await store.markSent(a.id, T0 + 10, 'SM123')).toBe(true);
    expect(await save([a], T0 + 20)).toEqual([]);
    expect(await store.get(a.id)).toMatchObject({ status: 'sent', sentAt: T0 + 10, providerId: 'SM123' });
    expect(await store.markSent(a.id, T0 + 30)).toBe(false);
  });

  it('stores nothing of a plan that cannot be stored whole', async () => {
    const bad = newDelivery('k2', 'dana', 'sms', { message: { ...message, folded: 1n as unknown as number } });
    await expect(
      store.savePlan(
        { receipts: [{ dispatchKey: 'k2', recipientId: 'dana', plan: 'deliver', at: T0 }], deliveries: [newDelivery('k2', 'dana', 'email'), bad], digestItems: [] },
        T0,
      ),
    ).rejects.toThrow();
    expect(await store.plannedRecipients('k2')).toEqual(new Set());
    expect(await store.list({})).toEqual([]);
  });

  it('records receipts once per dispatch and recipient', async () => {
    await store.savePlan(
      {
        receipts: [
          { dispatchKey: 'k1', recipientId: 'dana', plan: 'deliver', at: T0 },
          { dispatchKey: 'k1', recipientId: 'sam', plan: 'filtered', at: T0 },
        ],
        deliveries: [],
        digestItems: [],
      },
      T0,
    );
    await store.savePlan({ receipts: [{ dispatchKey: 'k1', recipientId: 'dana', plan: 'digest', at: T0 }], deliveries: [], digestItems: [] }, T0);
    expect([...(await store.plannedRecipients('k1'))].sort()).toEqual(['dana', 'sam']);
    expect(await store.plannedRecipients('k2')).toEqual(new Set());
  });

  it('counts admissions per notification (dispatch key), not per channel, after `since`', async () => {
    await save([
      newDelivery('k1', 'dana', 'sms', { admittedAt: T0 + 1 }),
      newDelivery('k1', 'dana', 'email', { admittedAt: T0 + 1 }),
      newDelivery('k2', 'dana', 'sms', { admittedAt: T0 + 5 }),
      newDelivery('k3', 'dana', 'sms', { status: 'held', hold: 'rate:dana', admittedAt: undefined }),
      newDelivery('k4', 'sam', 'sms', { admittedAt: T0 + 6 }),
      newDelivery('k0', 'dana', 'sms', { admittedAt: T0 - 100 }),
    ]);
    expect(await store.admittedSince('dana', T0)).toEqual([T0 + 1, T0 + 5]);
  });

  it('claims due pending deliveries oldest first, up to the limit, and leases them', async () => {
    await save([
      newDelivery('k1', 'dana', 'sms', { nextAttemptAt: T0 + 2 }),
      newDelivery('k2', 'dana', 'sms', { nextAttemptAt: T0 + 1 }),
      newDelivery('k3', 'dana', 'sms', { nextAttemptAt: T0 + 50 }),
      newDelivery('k4', 'dana', 'sms', { status: 'held', hold: 'rate:dana', nextAttemptAt: T0 }),
    ]);
    const first = await store.claimDue(T0 + 10, 1, 1000);
    expect(first.map((d) => d.dispatchKey)).toEqual(['k2']);
    expect((await store.claimDue(T0 + 10, 10, 1000)).map((d) => d.dispatchKey)).toEqual(['k1']);
    expect(await store.claimDue(T0 + 10, 10, 1000)).toEqual([]);
    // the leases run out (a crashed worker): both come back, k3 is due by now too
    expect((await store.claimDue(T0 + 1011, 10, 1000)).map((d) => d.dispatchKey)).toEqual(['k2', 'k1', 'k3']);
  });

  it('reschedules a claimed delivery and releases its lease', async () => {
    const a = newDelivery('k1', 'dana', 'sms');
    await save([a]);
    await store.claimDue(T0, 10, 60_000);
    await store.reschedule(a.id, { attempts: 1, nextAttemptAt: T0 + 500, lastError: 'HTTP 503' }, T0 + 1);
    expect(await store.claimDue(T0 + 499, 10, 60_000)).toEqual([]);
    const [again] = await store.claimDue(T0 + 500, 10, 60_000);
    expect(again).toMatchObject({ id: a.id, attempts: 1, lastError: 'HTTP 503', updatedAt: T0 + 1 });
  });

  it('ends a delivery as a dead letter with its fallback inserted at once; an existing fallback is kept', async () => {
    const a = newDelivery('k1', 'dana', 'sms');
    const fb = newDelivery('k1', 'dana', 'email', { fallbackOf: a.id, admittedAt: undefined, fallback: ['ntfy'] });
    await save([a]);
    expect(await store.supersede(a.id, { status: 'dead', attempts: 8, lastError: 'HTTP 503 (after 8 attempts)' }, fb, T0 + 9)).toBe(fb.id);
    expect(await store.get(a.id)).toMatchObject({ status: 'dead', attempts: 8, supersededBy: fb.id, lastError: 'HTTP 503 (after 8 attempts)' });
    expect(await store.get(fb.id)).toMatchObject({ status: 'pending', fallbackOf: a.id, fallback: ['ntfy'] });
    expect((await store.siblings('k1', 'dana')).map((d) => d.channel).sort()).toEqual(['email', 'sms']);

    const b = newDelivery('k1', 'dana', 'push');
    await save([b]);
    await store.markSent(fb.id, T0 + 10);
    await store.supersede(b.id, { status: 'fallen_back', attempts: 0, lastError: 'breaker open' }, { ...fb, fallbackOf: b.id }, T0 + 11);
    expect(await store.get(fb.id)).toMatchObject({ status: 'sent', fallbackOf: a.id });
    expect(await store.get(b.id)).toMatchObject({ status: 'fallen_back', supersededBy: fb.id });

    const c = newDelivery('k1', 'dana', 'slack');
    await save([c]);
    expect(await store.supersede(c.id, { status: 'dead', attempts: 1, lastError: 'HTTP 400' }, undefined, T0 + 12)).toBeUndefined();
    expect((await store.get(c.id))?.supersededBy).toBeUndefined();
  });

  it('releases held deliveries of a due hold, or folds them into new messages', async () => {
    const h1 = newDelivery('k1', 'dana', 'sms', { status: 'held', hold: 'rate:dana', nextAttemptAt: T0 + 100, admittedAt: undefined });
    const h2 = newDelivery('k2', 'dana', 'sms', { status: 'held', hold: 'rate:dana', nextAttemptAt: T0 + 100, admittedAt: undefined });
    const h3 = newDelivery('k3', 'sam', 'sms', { status: 'held', hold: 'rate:sam', nextAttemptAt: T0 + 300, admittedAt: undefined });
    await save([h1], T0);
    await save([h2], T0 + 1);
    await save([h3], T0 + 2);
    expect(await store.dueHolds(T0 + 99)).toEqual([]);
    expect(await store.dueHolds(T0 + 100)).toEqual(['rate:dana']);
    expect((await store.heldDeliveries('rate:dana')).map((d) => d.id)).toEqual([h1.id, h2.id]);

    const folded = newDelivery('fold:dana:1', 'dana', 'sms', { message: { ...message, folded: 2 } });
    await store.foldHeld([h1.id, h2.id], [folded], T0 + 100);
    expect(await store.get(h1.id)).toMatchObject({ status: 'folded', supersededBy: folded.id });
    expect(await store.get(folded.id)).toMatchObject({ status: 'pending', message: { folded: 2 } });
    expect(await store.dueHolds(T0 + 100)).toEqual([]);

    await store.releaseHeld([h3.id], T0 + 400, T0 + 300, T0 + 300);
    expect(await store.get(h3.id)).toMatchObject({ status: 'pending', nextAttemptAt: T0 + 400, admittedAt: T0 + 300 });
    expect((await store.get(h3.id))?.hold).toBeUndefined();
  });

  it('keeps the latest snapshot of an incident per digest and recipient, and consumes items on a run', async () => {
    await store.savePlan({ receipts: [], deliveries: [], digestItems: [item('dana', 'inc-1', T0), item('dana', 'inc-2', T0 + 1)] }, T0);
    const latest = item('dana', 'inc-1', T0 + 2, false);
    await store.savePlan({ receipts: [], deliveries: [], digestItems: [latest] }, T0 + 2);
    const items = await store.digestItems('daily');
    expect(items.map((i) => [i.incidentId, i.at, i.held])).toEqual([
      ['inc-2', T0 + 1, true],
      ['inc-1', T0 + 2, false],
    ]);
    expect(items[1]?.incident).toEqual(latest.incident);
    expect(await store.digestsWithItems()).toEqual(['daily']);
    expect(await store.lastDigestRun('daily')).toBeUndefined();

    // inc-2 was updated after the run read it: it stays for the next run
    await store.savePlan({ receipts: [], deliveries: [], digestItems: [item('dana', 'inc-2', T0 + 5)] }, T0 + 5);
    const d = newDelivery('digest:daily:1', 'dana', 'email');
    await store.completeDigest('daily', T0 + 6, [d], items, T0 + 6);
    expect((await store.digestItems('daily')).map((i) => i.incidentId)).toEqual(['inc-2']);
    expect(await store.lastDigestRun('daily')).toBe(T0 + 6);
    expect(await store.get(d.id)).toMatchObject({ status: 'pending' });
    await store.completeDigest('daily', T0 + 7, [d], [], T0 + 7);
    expect(await store.lastDigestRun('daily')).toBe(T0 + 7);
  });

  it('lists by status, retries only dead letters, counts and prunes finished rows', async () => {
    const a = newDelivery('k1', 'dana', 'sms');
    const b = newDelivery('k2', 'dana', 'sms');
    const c = newDelivery('k3', 'sam', 'email');
    await save([a, b, c]);
    await store.supersede(a.id, { status: 'dead', attempts: 3, lastError: 'HTTP 400' }, undefined, T0 + 1);
    await store.markSent(b.id, T0 + 2);
    expect((await store.list({ status: 'dead' })).map((d) => d.id)).toEqual([a.id]);
    expect((await store.list({ channel: 'email' })).map((d) => d.id)).toEqual([c.id]);
    expect((await store.list({ recipientId: 'dana', limit: 1 })).map((d) => d.id)).toEqual([b.id]);
    expect(await store.countByStatus()).toEqual({ pending: 1, sent: 1, dead: 1, held: 0, folded: 0, fallen_back: 0 });

    expect(await store.retryDead(b.id, T0 + 3)).toBe(false);
    expect(await store.retryDead('nope', T0 + 3)).toBe(false);
    expect(await store.retryDead(a.id, T0 + 3)).toBe(true);
    expect(await store.get(a.id)).toMatchObject({ status: 'pending', attempts: 0, nextAttemptAt: T0 + 3 });

    await store.supersede(a.id, { status: 'dead', attempts: 1, lastError: 'HTTP 400' }, undefined, T0 + 4);
    expect(await store.prune(T0 + 3)).toBe(1);
    expect(await store.get(b.id)).toBeUndefined();
    expect(await store.get(a.id)).toMatchObject({ status: 'dead' });
  });
}
