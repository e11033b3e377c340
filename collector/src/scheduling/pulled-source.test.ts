import { ErrorCodes, FinmonError } from '../core/errors';
import { DEFAULT_RETRY, DEFAULT_TIMEOUT_MS, sourcePolicy, type PulledSource } from './pulled-source';

function source(overrides: Partial<PulledSource>): PulledSource {
  return { name: 'bank', schedule: '*/15 * * * *', run: async () => [], ...overrides };
}

describe('sourcePolicy', () => {
  it('fills in the default timeout and retry policy', () => {
    expect(sourcePolicy(source({}))).toEqual({ timeoutMs: DEFAULT_TIMEOUT_MS, retry: DEFAULT_RETRY });
  });

  it("keeps a source's own timeout and retry policy", () => {
    const retry = { attempts: 5, baseDelayMs: 10, maxDelayMs: 10 };
    expect(sourcePolicy(source({ timeoutMs: 250, retry }))).toEqual({ timeoutMs: 250, retry });
  });

  it.each<[string, Partial<PulledSource>, string]>([
    ['an empty name', { name: ' ' }, 'name must be a non-empty string'],
    ['a zero timeout', { timeoutMs: 0 }, 'timeoutMs must be a positive number'],
    ['an infinite timeout', { timeoutMs: Infinity }, 'timeoutMs must be a positive number'],
    ['zero attempts', { retry: { attempts: 0, baseDelayMs: 1, maxDelayMs: 1 } }, 'retry.attempts must be an integer ≥ 1'],
    ['fractional attempts', { retry: { attempts: 1.5, baseDelayMs: 1, maxDelayMs: 1 } }, 'retry.attempts'],
    ['a negative base delay', { retry: { attempts: 2, baseDelayMs: -1, maxDelayMs: 1 } }, 'retry.baseDelayMs'],
    ['a max delay below the base', { retry: { attempts: 2, baseDelayMs: 100, maxDelayMs: 50 } }, 'retry.maxDelayMs must be a number of milliseconds ≥ baseDelayMs (100), got 50'],
  ])('rejects %s with CONFIG_INVALID naming the source and field', (_case, overrides, message) => {
    const bad = source(overrides);
    let thrown: unknown;
    try {
      sourcePolicy(bad);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(FinmonError);
    expect((thrown as FinmonError).code).toBe(ErrorCodes.CONFIG_INVALID);
    expect((thrown as FinmonError).message).toContain(`pulled source "${bad.name}"`);
    expect((thrown as FinmonError).message).toContain(message);
  });
});
