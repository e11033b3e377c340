import { InMemoryAlertStore } from './in-memory-alert-store';
import { alertStoreContract } from './test-support/alert-store-contract';

describe('InMemoryAlertStore', () => {
  alertStoreContract(async () => ({ store: new InMemoryAlertStore(), dispose: async () => {} }));
});
