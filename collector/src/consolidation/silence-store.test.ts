import type { StateDb } from '../storage/state/open-state-db';
import { emptyStateTables, TEST_DIALECTS, type TestStateLocation } from '../storage/state/test-support/state-db-fixtures';
import { openConsolidationTestDb } from '../escalation/test-support/state-db';
import { InMemorySilenceStore } from './in-memory-silence-store';
import type { Silence } from './silences';
import type { SilenceStore } from './silence-store';
import { SqlSilenceStore } from './sql-silence-store';
import { HOUR, T0 } from './test-support/alert-fixtures';

const silence = (id: string, createdAt: number, endsAt: number): Silence => ({
  id,
  matchers: [
    { name: 'kpi', op: '=~', value: 'revenue|cogs' },
    { name: 'region', op: '!=', value: 'emea' },
  ],
  startsAt: createdAt,
  endsAt,
  createdBy: 'dana',
  comment: 'ERP migration — ünïcode ✓',
  createdAt,
  updatedAt: createdAt,
});

function silenceStoreContract(factory: () => Promise<SilenceStore>): void {
  let store: SilenceStore;
  beforeEach(async () => {
    store = await factory();
  });

  it('round-trips a silence', async () => {
    const s = silence('s-1', T0, T0 + HOUR);
    await store.insert(s);
    expect(await store.get('s-1')).toEqual(s);
    expect(await store.get('s-2')).toBeUndefined();
  });

  it('refuses a second silence with the same id and keeps the first', async () => {
    await store.insert(silence('s-1', T0, T0 + HOUR));
    await expect(store.insert(silence('s-1', T0 + 1, T0 + 2 * HOUR))).rejects.toMatchObject({ code: 'FINMON_STORAGE_REJECTED' });
    expect((await store.get('s-1'))!.endsAt).toBe(T0 + HOUR);
  });

  it('updates (expires) a silence and says whether it was there', async () => {
    await store.insert(silence('s-1', T0, T0 + HOUR));
    const expired = { ...silence('s-1', T0, T0 + 10), updatedAt: T0 + 10 };
    expect(await store.update(expired)).toBe(true);
    expect(await store.get('s-1')).toEqual(expired);
    expect(await store.update(silence('s-9', T0, T0 + HOUR))).toBe(false);
    expect(await store.get('s-9')).toBeUndefined();
  });

  it('lists newest first, optionally only those ending after a time', async () => {
    await store.insert(silence('old', T0, T0 + HOUR));
    await store.insert(silence('new', T0 + 2 * HOUR, T0 + 3 * HOUR));
    await store.insert(silence('b-same-time', T0 + HOUR, T0 + 5 * HOUR));
    await store.insert(silence('a-same-time', T0 + HOUR, T0 + 5 * HOUR));
    expect((await store.list()).map((s) => s.id)).toEqual(['new', 'a-same-time', 'b-same-time', 'old']);
    expect((await store.list({ endsAfter: T0 + HOUR })).map((s) => s.id)).toEqual(['new', 'a-same-time', 'b-same-time']);
  });

  it('deletes silences that ended before a time', async () => {
    await store.insert(silence('old', T0, T0 + HOUR));
    await store.insert(silence('new', T0, T0 + 3 * HOUR));
    expect(await store.deleteEndedBefore(T0 + 2 * HOUR)).toBe(1);
    expect((await store.list()).map((s) => s.id)).toEqual(['new']);
  });
}

describe('InMemorySilenceStore', () => {
  silenceStoreContract(async () => new InMemorySilenceStore());
});

describe.each(TEST_DIALECTS)('SqlSilenceStore on %s', (dialect) => {
  let location: TestStateLocation;
  let state: StateDb;
  beforeAll(async () => {
    ({ location, state } = await openConsolidationTestDb(dialect));
  });
  afterAll(() => location.dispose());
  silenceStoreContract(async () => {
    await emptyStateTables(state);
    return new SqlSilenceStore(state.db);
  });
});
