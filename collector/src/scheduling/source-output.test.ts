import fc from 'fast-check';
import { ErrorCodes, FinmonError } from '../core/errors';
import { pointAt } from '../core/point';
import { readSourceOutput } from './source-output';

function failureOf(output: unknown): FinmonError {
  try {
    readSourceOutput(output, 'market');
  } catch (error) {
    if (error instanceof FinmonError) return error;
    throw error;
  }
  throw new Error('expected readSourceOutput to throw');
}

describe('readSourceOutput', () => {
  it('returns an array of well-formed points as it is', () => {
    const points = [
      pointAt('fx_rate', { pair: 'EURUSD' }, 1.08, Date.UTC(2024, 0, 2)),
      pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 5, Date.UTC(2024, 0, 2), { target: 6, note: 'x', final: true }),
    ];
    expect(readSourceOutput(points, 'market')).toBe(points);
    expect(readSourceOutput([], 'market')).toEqual([]);
  });

  it.each<[string, unknown, string]>([
    ['undefined', undefined, 'returned undefined, expected an array of points'],
    ['null', null, 'returned null, expected an array of points'],
    ['an object', { points: [] }, 'returned an object, expected an array of points'],
    ['a string', 'ok', 'returned "ok", expected an array of points'],
  ])('rejects %s instead of an array', (_case, output, message) => {
    const error = failureOf(output);
    expect(error.code).toBe(ErrorCodes.SOURCE_FAILED);
    expect(error.retryable).toBe(false);
    expect(error.message).toBe(`pulled source "market" ${message}`);
  });

  const good = pointAt('stock_price', { ticker: 'NWRB' }, 12.5, 1_700_000_000_000);
  it.each<[string, unknown, string]>([
    ['a number', 3, 'expected an object, got 3'],
    ['an empty kpi', { ...good, kpi: '' }, 'kpi must be a non-empty string'],
    ['a numeric tag', { ...good, tags: { ticker: 1 } }, 'tag "ticker" must be a string, got 1'],
    ['a NaN value', { ...good, value: NaN }, 'value must be a finite number, got NaN'],
    ['a string value', { ...good, value: '12' }, 'value must be a finite number, got "12"'],
    ['a number ns', { ...good, ns: 1 }, 'ns must be a bigint, got 1'],
    ['time not matching ns', { ...good, time: good.time + 1 }, 'does not match ns'],
    ['an object field', { ...good, fields: { target: {} } }, 'field "target" must be a finite number, string or boolean'],
  ])('rejects a point with %s, naming its index', (_case, bad, message) => {
    const error = failureOf([good, bad]);
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('malformed point at index 1');
    expect(error.message).toContain(message);
  });

  it('accepts any array of points built with pointAt', () => {
    const arbPoint = fc
      .record({
        kpi: fc.string({ minLength: 1 }),
        tags: fc.dictionary(fc.string(), fc.string()),
        value: fc.double({ noNaN: true, noDefaultInfinity: true }),
        time: fc.integer({ min: -1e13, max: 1e13 }),
      })
      .map(({ kpi, tags, value, time }) => pointAt(kpi, tags, value, time));
    fc.assert(fc.property(fc.array(arbPoint), (points) => readSourceOutput(points, 'p') === points));
  });

  it('on any input either returns it unchanged or throws a non-retryable SOURCE_FAILED', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.array(fc.anything())), (output) => {
        try {
          return readSourceOutput(output, 'p') === output;
        } catch (error) {
          return error instanceof FinmonError && error.code === ErrorCodes.SOURCE_FAILED && !error.retryable;
        }
      }),
    );
  });
});
