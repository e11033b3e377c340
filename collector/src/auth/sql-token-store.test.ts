import { ErrorCodes } from '../core/errors';
import type { StateDb } from '../storage/state/open-state-db';
import { createTestStateLocation, emptyStateTables, TEST_DIALECTS } from '../storage/state/test-support/state-db-fixtures';
import { SqlTokenStore } from './sql-token-store';
import { sampleToken, tokenStoreContract } from './test-support/token-store-contract';

describe.each(TEST_DIALECTS)('SqlTokenStore on %s', (dialect) => {
  describe('contract', () => {
    const location = createTestStateLocation(dialect);
    let state: StateDb;
    beforeAll(async () => {
      state = await location.open();
    });
    afterAll(() => location.dispose());
    tokenStoreContract(async () => {
      await emptyStateTables(state);
      return { store: new SqlTokenStore(state.db), dispose: async () => {} };
    });
  });

  it('refuses to read a row holding an unknown scope, naming the row', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await location.open();
      const store = new SqlTokenStore(state.db);
      await store.insert(sampleToken(1));
      await state.db.updateTable('api_tokens').set({ scopes: 'read superuser' }).execute();
      await expect(store.findById(sampleToken(1).id)).rejects.toMatchObject({
        code: ErrorCodes.STORAGE_REJECTED,
        message: expect.stringContaining(`${sampleToken(1).id} holds unknown scope "superuser"`),
      });
    } finally {
      await location.dispose();
    }
  });

  it('reports a closed database as unavailable and retryable', async () => {
    const location = createTestStateLocation(dialect);
    try {
      const state = await location.open();
      await state.close();
      await expect(new SqlTokenStore(state.db).list()).rejects.toMatchObject({
        code: ErrorCodes.STORAGE_UNAVAILABLE,
        retryable: true,
        message: expect.stringContaining('list API tokens'),
      });
    } finally {
      await location.dispose();
    }
  });
});
