import type { StateDb } from '../../../storage/state/open-state-db';
import type { TestStateLocation } from '../../../storage/state/test-support/state-db-fixtures';

/** Opens a test location's database with every state migration applied. */
export function openAlertStateDb(location: TestStateLocation): Promise<StateDb> {
  return location.open();
}
