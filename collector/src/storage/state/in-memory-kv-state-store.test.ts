import { InMemoryKvStateStore } from './in-memory-kv-state-store';
import { kvStateStoreContract } from './test-support/kv-state-store-contract';

describe('InMemoryKvStateStore', () => {
  kvStateStoreContract(async (clock) => ({ store: new InMemoryKvStateStore(clock), dispose: async () => {} }));
});
