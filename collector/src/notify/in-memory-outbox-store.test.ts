import { InMemoryOutboxStore } from './in-memory-outbox-store';
import { outboxStoreContract } from './test-support/outbox-store-contract';

describe('InMemoryOutboxStore', () => {
  outboxStoreContract(async () => ({ store: new InMemoryOutboxStore(), dispose: async () => {} }));
});
