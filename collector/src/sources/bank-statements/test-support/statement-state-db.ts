import type { StateDb } from '../../../storage/state/open-state-db';
import type { TestStateLocation } from '../../../storage/state/test-support/state-db-fixtures';

/** Opens a test state database at `location` with every migration applied. */
export function openStatementStateDb(location: TestStateLocation): Promise<StateDb> {
  return location.open();
}
