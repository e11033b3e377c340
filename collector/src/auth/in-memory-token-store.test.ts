import { InMemoryTokenStore } from './in-memory-token-store';
import { tokenStoreContract } from './test-support/token-store-contract';

describe('InMemoryTokenStore', () => {
  tokenStoreContract(async () => ({ store: new InMemoryTokenStore(), dispose: async () => {} }));
});
