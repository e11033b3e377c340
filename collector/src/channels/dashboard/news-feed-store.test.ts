import { sql } from 'kysely';
import type { StateDb } from '../../storage/state/open-state-db';
import { TEST_DIALECTS } from '../../storage/state/test-support/state-db-fixtures';
import { openChannelStateDb } from '../test-support/channel-state-db';
import { T0, testAlert, testTransition } from '../test-support/fixtures';
import { feedEventFromTransition, type FeedEvent } from './feed-event';
import { InMemoryNewsFeedStore, type NewsFeedStore } from './news-feed-store';
import { SqlNewsFeedStore } from './sql-news-feed-store';

function event(at: number, overrides: { fingerprint?: string; severity?: 'critical' | 'warning' | 'info'; category?: 'financial' | 'system'; incident?: string } = {}): FeedEvent {
  const alert = testAlert({
    fingerprint: overrides.fingerprint ?? 'fp-a',
    severity: overrides.severity ?? 'critical',
    category: overrides.category ?? 'financial',
  });
  return feedEventFromTransition(testTransition({ at, alert, fingerprint: alert.fingerprint }), overrides.incident);
}

function contract(make: () => Promise<NewsFeedStore>): void {
  let store: NewsFeedStore;
  beforeEach(async () => {
    store = await make();
  });

  it('keeps every field of an entry, and one entry per id', async () => {
    const e = event(T0, { incident: 'inc-42' });
    await store.append(e);
    await store.append({ ...e, text: 'changed' });
    expect(await store.list({ limit: 10 })).toEqual([e]);
    const withoutValue = feedEventFromTransition(testTransition({ at: T0 + 1, alert: testAlert({ value: undefined, threshold: undefined, series: {} }) }));
    await store.append(withoutValue);
    expect((await store.list({ limit: 10 }))[0]).toEqual(withoutValue);
  });

  it('lists newest first with since (inclusive), severity and category filters and a limit', async () => {
    await store.append(event(T0, { fingerprint: 'fp-1', severity: 'critical' }));
    await store.append(event(T0 + 1000, { fingerprint: 'fp-2', severity: 'warning', category: 'system' }));
    await store.append(event(T0 + 2000, { fingerprint: 'fp-3', severity: 'info' }));
    const ids = async (q: Parameters<NewsFeedStore['list']>[0]) => (await store.list(q)).map((e) => e.fingerprint);
    expect(await ids({ limit: 10 })).toEqual(['fp-3', 'fp-2', 'fp-1']);
    expect(await ids({ limit: 2 })).toEqual(['fp-3', 'fp-2']);
    expect(await ids({ limit: 10, since: T0 + 1000 })).toEqual(['fp-3', 'fp-2']);
    expect(await ids({ limit: 10, severities: ['critical', 'info'] })).toEqual(['fp-3', 'fp-1']);
    expect(await ids({ limit: 10, categories: ['system'] })).toEqual(['fp-2']);
    expect(await ids({ limit: 10, categories: ['market'] })).toEqual([]);
  });

  it('cuts entries of the same instant by id, the same way every time', async () => {
    for (const fp of ['fp-b', 'fp-d', 'fp-a', 'fp-c']) await store.append(event(T0, { fingerprint: fp }));
    await store.append(event(T0 + 5, { fingerprint: 'fp-z' }));
    expect((await store.list({ limit: 3 })).map((e) => e.fingerprint)).toEqual(['fp-z', 'fp-d', 'fp-c']);
    expect((await store.list({ limit: 5 })).map((e) => e.fingerprint)).toEqual(['fp-z', 'fp-d', 'fp-c', 'fp-b', 'fp-a']);
  });

  it('prunes entries older than a time', async () => {
    await store.append(event(T0, { fingerprint: 'old' }));
    await store.append(event(T0 + 10, { fingerprint: 'new' }));
    expect(await store.prune(T0 + 10)).toBe(1);
    expect((await store.list({ limit: 10 })).map((e) => e.fingerprint)).toEqual(['new']);
  });
}

describe('InMemoryNewsFeedStore', () => {
  contract(async () => new InMemoryNewsFeedStore());
});

describe.each(TEST_DIALECTS)('SqlNewsFeedStore on %s', (dialect) => {
  let db: { state: StateDb; dispose(): Promise<void> };
  beforeAll(async () => {
    db = await openChannelStateDb(dialect);
  });
  afterAll(() => db.dispose());
  contract(async () => {
    await sql`delete from news_feed`.execute(db.state.db);
    return new SqlNewsFeedStore(db.state.db);
  });
});
