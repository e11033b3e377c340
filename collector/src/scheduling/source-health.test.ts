import { ErrorCodes, FinmonError } from '../core/errors';
import { pointAt } from '../core/point';
import type { RunOutcome } from './run-with-retry';
import { SourceHealthBook } from './source-health';

const ok = (n: number): RunOutcome => ({
  ok: true,
  points: Array.from({ length: n }, (_, i) => pointAt('fx_rate', { pair: 'EURUSD' }, 1, i)),
  attempts: 1,
});
const fail = (message: string, cancelled = false): RunOutcome => ({
  ok: false,
  points: [],
  attempts: 3,
  error: new FinmonError(ErrorCodes.SOURCE_FAILED, message),
  cancelled,
});

describe('SourceHealthBook', () => {
  it('starts every registered source empty, in order', () => {
    const book = new SourceHealthBook(['bank', 'market']);
    expect(book.snapshot().map((h) => [h.name, h.running, h.runs, h.errorStreak, h.lastRunAt])).toEqual([
      ['bank', false, 0, 0, null],
      ['market', false, 0, 0, null],
    ]);
  });

  it('refuses a second run while one is going and counts it as skipped', () => {
    const book = new SourceHealthBook(['bank']);
    expect(book.tryBegin('bank', 1000)).toBe(true);
    expect(book.tryBegin('bank', 2000)).toBe(false);
    expect(book.get('bank')).toMatchObject({ running: true, lastRunAt: 1000, skipped: 1 });
    book.finish('bank', ok(0), 2500);
    expect(book.tryBegin('bank', 3000)).toBe(true);
  });

  it('counts the error streak across failures and resets it on success, keeping the last error', () => {
    const book = new SourceHealthBook(['bank']);
    const streaks: number[] = [];
    const outcomes = [fail('e1'), fail('e2'), fail('e3'), ok(2), fail('e4')];
    outcomes.forEach((outcome, k) => {
      book.tryBegin('bank', k * 100);
      book.finish('bank', outcome, k * 100 + 10);
      streaks.push(book.get('bank')?.errorStreak ?? -1);
    });
    expect(streaks).toEqual([1, 2, 3, 0, 1]);
    expect(book.get('bank')).toMatchObject({
      running: false,
      runs: 5,
      successes: 1,
      failures: 4,
      lastSuccessAt: 310,
      lastError: 'e4',
      lastErrorAt: 410,
      lastFinishedAt: 410,
      lastAttempts: 3,
      pointsDelivered: 2,
    });
  });

  it('keeps the error after a success so the Health page can show it, with the streak at 0', () => {
    const book = new SourceHealthBook(['bank']);
    book.tryBegin('bank', 0);
    book.finish('bank', fail('timeout'), 1);
    book.tryBegin('bank', 2);
    book.finish('bank', ok(1), 3);
    expect(book.get('bank')).toMatchObject({ errorStreak: 0, lastError: 'timeout', lastErrorAt: 1, lastSuccessAt: 3 });
  });

  it('leaves the streak and last error alone for a cancelled run', () => {
    const book = new SourceHealthBook(['bank']);
    book.tryBegin('bank', 0);
    book.finish('bank', fail('real failure'), 1);
    book.tryBegin('bank', 2);
    book.finish('bank', fail('cancelled', true), 3);
    expect(book.get('bank')).toMatchObject({ errorStreak: 1, failures: 1, runs: 2, lastError: 'real failure', running: false });
  });

  it('hands out frozen copies that later runs do not change', () => {
    const book = new SourceHealthBook(['bank']);
    const before = book.snapshot();
    book.tryBegin('bank', 5);
    expect(Object.isFrozen(before)).toBe(true);
    expect(Object.isFrozen(before[0])).toBe(true);
    expect(before[0]?.running).toBe(false);
    expect(book.snapshot()[0]?.running).toBe(true);
  });

  it('throws NOT_FOUND for an unknown source', () => {
    const book = new SourceHealthBook(['bank']);
    expect(() => book.tryBegin('erp', 0)).toThrow(expect.objectContaining({ code: ErrorCodes.NOT_FOUND }));
    expect(book.get('erp')).toBeUndefined();
  });
});
