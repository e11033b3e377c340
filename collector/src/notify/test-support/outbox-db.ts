import type { StateDb } from '../../storage/state/open-state-db';
import type { TestStateLocation } from '../../storage/state/test-support/state-db-fixtures';

/** Opens a test state database with every registered migration, the outbox tables included. */
export function openOutboxDb(location: TestStateLocation): Promise<StateDb> {
  return location.open();
}
