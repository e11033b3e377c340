import { ErrorCodes, FinmonError } from '../../core/errors';

/**
 * Runs one state-database operation and turns a driver error into a FinmonError that names the
 * operation: a violated constraint (PostgreSQL SQLSTATE class 23, SQLite `SQLITE_CONSTRAINT*`) is
 * STORAGE_REJECTED and not retryable; anything else (lost connection, locked file, server down) is
 * STORAGE_UNAVAILABLE, HTTP 503, retryable. FinmonErrors pass through unchanged.
 */
export async function runStateQuery<T>(operation: string, query: () => Promise<T>): Promise<T> {
  try {
    return await query();
  } catch (error) {
    throw toStateDbError(operation, error);
  }
}

/** The FinmonError for a driver error raised while doing `operation` (see `runStateQuery`). */
export function toStateDbError(operation: string, error: unknown): FinmonError {
  if (error instanceof FinmonError) return error;
  const reason = error instanceof Error ? error.message : String(error);
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const constraint =
    typeof code === 'string' && (/^23[0-9A-Z]{3}$/.test(code) || code.startsWith('SQLITE_CONSTRAINT'));
  return constraint
    ? new FinmonError(ErrorCodes.STORAGE_REJECTED, `state database refused to ${operation}: ${reason}`, 500, false, { cause: error })
    : new FinmonError(ErrorCodes.STORAGE_UNAVAILABLE, `state database failed to ${operation}: ${reason}`, 503, true, { cause: error });
}
