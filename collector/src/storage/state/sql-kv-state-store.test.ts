import { SqlKvStateStore } from './sql-kv-state-store';
import type { StateDb } from './open-state-db';
import { createTestStateLocation, emptyStateTables, TEST_DIALECTS } from './test-support/state-db-fixtures';
import { kvStateStoreContract } from './test-support/kv-state-store-contract';
import { ManualClock } from '../../core/clock';

describe.each(TEST_DIALECTS)('SqlKvStateStore on %s', (dialect) => {
  describe('contract', () => {
    const location = createTestStateLocation(dialect);
    let state: StateDb;
    beforeAll(async () => {
      state = await location.open();
    });
    afterAll(() => location.dispose());
    kvStateStoreContract(async (clock) => {
      await emptyStateTables(state);
      return { store: new SqlKvStateStore(state.db, clock), dispose: async () => {} };
    });
  });

  it('keeps values across closing and reopening the database', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const clock = new ManualClock(1_700_000_000_000);
      const first = await location.open();
      await new SqlKvStateStore(first.db, clock).set('config', 'version', { id: 'v7' });
      await first.close();

      const second = await location.open();
      expect(await new SqlKvStateStore(second.db, clock).get('config', 'version')).toEqual({
        namespace: 'config',
        key: 'version',
        value: { id: 'v7' },
        updatedAt: 1_700_000_000_000,
      });
    } finally {
      await location.dispose();
    }
  });
});
