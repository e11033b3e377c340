import type { StateDb } from '../storage/state/open-state-db';
import { createTestStateLocation, emptyStateTables, TEST_DIALECTS } from '../storage/state/test-support/state-db-fixtures';
import { SqlOutboxStore, type OutboxTables } from './sql-outbox-store';
import { openOutboxDb } from './test-support/outbox-db';
import { newDelivery, outboxStoreContract } from './test-support/outbox-store-contract';
import { T0 } from './test-support/notify-fixtures';

describe.each(TEST_DIALECTS)('SqlOutboxStore on %s', (dialect) => {
  describe('contract', () => {
    const location = createTestStateLocation(dialect);
    let state: StateDb;
    beforeAll(async () => {
      state = await openOutboxDb(location);
    });
    afterAll(() => location.dispose());
    outboxStoreContract(async () => {
      await emptyStateTables(state);
      return { store: new SqlOutboxStore(state.db), dispose: async () => {} };
    });
  });

  it('keeps deliveries across closing and reopening the database', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const first = await openOutboxDb(location);
      const a = newDelivery('k1', 'dana', 'sms');
      await new SqlOutboxStore(first.db).savePlan({ receipts: [], deliveries: [a], digestItems: [] }, T0);
      await first.close();
      const second = await openOutboxDb(location);
      expect(await new SqlOutboxStore(second.db).get(a.id)).toMatchObject({ id: a.id, status: 'pending', message: a.message });
    } finally {
      await location.dispose();
    }
  });

  it('stores a message once however many deliveries carry it, and prunes it with the last of them', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await openOutboxDb(location);
      const store = new SqlOutboxStore(state.db);
      const a = newDelivery('k1', 'dana', 'sms');
      const b = { ...newDelivery('k1', 'sam', 'email'), message: { ...a.message } };
      await store.savePlan({ receipts: [], deliveries: [a, b], digestItems: [] }, T0);
      const messages = () => state.db.withTables<OutboxTables>().selectFrom('notify_messages').select('id').execute();
      expect(await messages()).toHaveLength(1);
      await store.markSent(a.id, T0 + 1);
      expect(await store.prune(T0 + 2)).toBe(1);
      expect(await messages()).toHaveLength(1); // b still needs it
      await store.markSent(b.id, T0 + 3);
      expect(await store.prune(T0 + 4)).toBe(1);
      expect(await messages()).toHaveLength(0);
    } finally {
      await location.dispose();
    }
  });

  it('never hands the same delivery to two workers claiming at once', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await openOutboxDb(location);
      const store = new SqlOutboxStore(state.db);
      const many = Array.from({ length: 60 }, (_, i) => newDelivery(`k${i}`, 'dana', 'sms'));
      await store.savePlan({ receipts: [], deliveries: many, digestItems: [] }, T0);
      const ids: string[] = [];
      for (let round = 0; round < 20 && ids.length < 60; round++) {
        // four workers race for the same rows; a row lost to another worker is simply not returned
        const claims = await Promise.all(Array.from({ length: 4 }, () => store.claimDue(T0, 25, 60_000)));
        ids.push(...claims.flat().map((d) => d.id));
      }
      expect(ids).toHaveLength(60);
      expect(new Set(ids).size).toBe(60);
    } finally {
      await location.dispose();
    }
  });
});
