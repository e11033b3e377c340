import { ErrorCodes, FinmonError } from '../../core/errors';
import { runStateQuery, toStateDbError } from './state-db-errors';

function driverError(message: string, code?: string): Error {
  return Object.assign(new Error(message), code === undefined ? {} : { code });
}

describe('toStateDbError', () => {
  it.each([
    ['23505', ErrorCodes.STORAGE_REJECTED, false],
    ['23503', ErrorCodes.STORAGE_REJECTED, false],
    ['SQLITE_CONSTRAINT_UNIQUE', ErrorCodes.STORAGE_REJECTED, false],
    ['SQLITE_BUSY', ErrorCodes.STORAGE_UNAVAILABLE, true],
    ['ECONNREFUSED', ErrorCodes.STORAGE_UNAVAILABLE, true],
    ['57P01', ErrorCodes.STORAGE_UNAVAILABLE, true],
    [undefined, ErrorCodes.STORAGE_UNAVAILABLE, true],
  ])('classifies driver code %s as %s (retryable %s)', (code, expected, retryable) => {
    const error = toStateDbError('insert API token t1', driverError('boom', code));
    expect(error).toMatchObject({ code: expected, retryable });
    expect(error.message).toContain('insert API token t1: boom');
    expect(error.cause).toBeInstanceOf(Error);
  });

  it('passes a FinmonError through unchanged', () => {
    const original = new FinmonError(ErrorCodes.NOT_FOUND, 'x', 404);
    expect(toStateDbError('anything', original)).toBe(original);
  });
});

describe('runStateQuery', () => {
  it('returns the query result', async () => {
    await expect(runStateQuery('read', async () => 42)).resolves.toBe(42);
  });

  it('converts a thrown driver error', async () => {
    await expect(
      runStateQuery('list kv_state demo', async () => {
        throw driverError('connection terminated', '57P01');
      }),
    ).rejects.toMatchObject({ code: ErrorCodes.STORAGE_UNAVAILABLE, httpStatus: 503 });
  });
});
