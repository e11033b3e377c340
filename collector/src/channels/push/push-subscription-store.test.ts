import { sql } from 'kysely';
import { migrateStateDb } from '../../storage/state/migrate';
import { newsFeedAndPushSubscriptions } from '../../storage/state/migrations/0005-news-feed';
import type { StateDb } from '../../storage/state/open-state-db';
import { TEST_DIALECTS } from '../../storage/state/test-support/state-db-fixtures';
import { MIGRATIONS_WITH_CHANNELS, openChannelStateDb } from '../test-support/channel-state-db';
import { InMemoryPushSubscriptionStore, type PushSubscriptionStore } from './push-subscription-store';
import { SqlPushSubscriptionStore } from './sql-push-subscription-store';

const T = 1_772_000_000_000;
const sub = (id: string, endpoint = `https://push.example/${id}`) => ({ id, endpoint, p256dh: `key-${id}`, auth: `auth-${id}`, createdAt: T });

function contract(make: () => Promise<PushSubscriptionStore>): void {
  let store: PushSubscriptionStore;
  beforeEach(async () => {
    store = await make();
  });

  it('stores subscriptions and returns the asked ones in the order asked, skipping unknown ids', async () => {
    await store.upsert({ ...sub('a'), label: 'Priya iPhone', createdBy: 'grafana-app' });
    await store.upsert(sub('b'));
    expect(await store.getMany(['b', 'zz', 'a'])).toEqual([sub('b'), { ...sub('a'), label: 'Priya iPhone', createdBy: 'grafana-app' }]);
    expect(await store.getMany([])).toEqual([]);
    expect((await store.list()).map((s) => s.id)).toEqual(['a', 'b']);
  });

  it('records success and gone, and a new subscription under the same id starts clean', async () => {
    await store.upsert(sub('a'));
    await store.markSuccess('a', T + 1);
    await store.markGone('a', T + 2);
    expect(await store.getMany(['a'])).toEqual([{ ...sub('a'), lastSuccessAt: T + 1, goneAt: T + 2 }]);
    await store.recordSent('d1', 'a', T + 3);
    await store.upsert(sub('a', 'https://push.example/new'));
    expect(await store.getMany(['a'])).toEqual([sub('a', 'https://push.example/new')]);
    expect(await store.sentTo('d1', ['a'])).toEqual(new Set());
  });

  it('remembers which subscription got which delivery, once, and prunes old records', async () => {
    await store.upsert(sub('a'));
    await store.upsert(sub('b'));
    await store.recordSent('d1', 'a', T);
    await store.recordSent('d1', 'a', T + 5);
    await store.recordSent('d2', 'b', T + 10);
    expect(await store.sentTo('d1', ['a', 'b'])).toEqual(new Set(['a']));
    expect(await store.sentTo('d2', ['a', 'b'])).toEqual(new Set(['b']));
    expect(await store.sentTo('d1', [])).toEqual(new Set());
    expect(await store.pruneSent(T + 1)).toBe(1);
    expect(await store.sentTo('d1', ['a'])).toEqual(new Set());
    expect(await store.sentTo('d2', ['b'])).toEqual(new Set(['b']));
  });

  it('deletes a subscription with its delivery records', async () => {
    await store.upsert(sub('a'));
    await store.recordSent('d1', 'a', T);
    expect(await store.delete('a')).toBe(true);
    expect(await store.delete('a')).toBe(false);
    expect(await store.getMany(['a'])).toEqual([]);
    await store.upsert(sub('a'));
    expect(await store.sentTo('d1', ['a'])).toEqual(new Set());
  });
}

describe('InMemoryPushSubscriptionStore', () => {
  contract(async () => new InMemoryPushSubscriptionStore());
});

describe.each(TEST_DIALECTS)('SqlPushSubscriptionStore on %s', (dialect) => {
  let db: { state: StateDb; dispose(): Promise<void> };
  beforeAll(async () => {
    db = await openChannelStateDb(dialect);
  });
  afterAll(() => db.dispose());
  contract(async () => {
    await sql`delete from push_deliveries`.execute(db.state.db);
    await sql`delete from push_subscriptions`.execute(db.state.db);
    return new SqlPushSubscriptionStore(db.state.db);
  });

  it('migration 0005 goes down and up again', async () => {
    await newsFeedAndPushSubscriptions.down!(db.state.db);
    await newsFeedAndPushSubscriptions.up(db.state.db);
    const tables = (await db.state.db.introspection.getTables()).map((t) => t.name);
    expect(tables).toEqual(expect.arrayContaining(['news_feed', 'push_subscriptions', 'push_deliveries']));
    // Running the migrator again applies nothing.
    const schema = dialect === 'postgres' ? ((await sql<{ s: string }>`select current_schema() as s`.execute(db.state.db)).rows[0]!.s) : undefined;
    expect(
      await migrateStateDb(db.state.db, { migrations: MIGRATIONS_WITH_CHANNELS, ...(schema ? { migrationTableSchema: schema } : {}) }),
    ).toEqual([]);
  });
});
