import fc from 'fast-check';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { parseIsoTime, parseJsonBatch } from './parse-json-batch';

const MS = 1_000_000n;

function batchOf(...points: unknown[]): string {
  return JSON.stringify({ points });
}

function errorOf(item: unknown): string {
  const { items, errors } = parseJsonBatch(batchOf(item));
  expect(items).toEqual([]);
  expect(errors).toHaveLength(1);
  return errors[0]!.reason;
}

function thrownBy(body: string, maxPoints?: number): FinmonError {
  try {
    parseJsonBatch(body, maxPoints);
  } catch (error) {
    expect(error).toBeInstanceOf(FinmonError);
    return error as FinmonError;
  }
  throw new Error('expected parseJsonBatch to throw');
}

describe('parseJsonBatch: well-formed items', () => {
  test('turns each item into a record with value field, dimension tags and ns timestamp', () => {
    const body = batchOf(
      { kpi: 'revenue', value: 1234.5, time: '2026-11-24T10:00:00Z', dimensions: { region: 'na', product: 'platform' } },
      { kpi: 'ebitda', value: -3, time: 1764000000000 },
      { kpi: 'ebitda', value: 0 },
    );
    expect(parseJsonBatch(body)).toEqual({
      items: [
        {
          index: 0,
          record: {
            measurement: 'revenue',
            tags: { region: 'na', product: 'platform' },
            fields: { value: 1234.5 },
            timestamp: BigInt(Date.UTC(2026, 10, 24, 10)) * MS,
          },
        },
        { index: 1, record: { measurement: 'ebitda', tags: {}, fields: { value: -3 }, timestamp: 1764000000000n * MS } },
        { index: 2, record: { measurement: 'ebitda', tags: {}, fields: { value: 0 }, timestamp: undefined } },
      ],
      errors: [],
      total: 3,
    });
  });

  test('a null time or dimensions means absent', () => {
    const [item] = parseJsonBatch(batchOf({ kpi: 'a', value: 1, time: null, dimensions: null })).items;
    expect(item?.record).toEqual({ measurement: 'a', tags: {}, fields: { value: 1 }, timestamp: undefined });
  });

  test('an empty batch is fine', () => {
    expect(parseJsonBatch('{"points":[]}')).toEqual({ items: [], errors: [], total: 0 });
  });

  test('a huge number parses to Infinity and is left for validation to reject', () => {
    expect(parseJsonBatch('{"points":[{"kpi":"a","value":1e999}]}').items[0]?.record.fields.value).toBe(Infinity);
  });
});

describe('parseIsoTime', () => {
  const good: Array<[string, bigint]> = [
    ['2026-11-24T10:00:00Z', BigInt(Date.UTC(2026, 10, 24, 10)) * MS],
    ['2026-11-24t10:00:00z', BigInt(Date.UTC(2026, 10, 24, 10)) * MS],
    ['2026-11-24 10:00:00Z', BigInt(Date.UTC(2026, 10, 24, 10)) * MS],
    ['2026-11-24T05:00:00-05:00', BigInt(Date.UTC(2026, 10, 24, 10)) * MS],
    ['2026-11-24T15:30:00+0530', BigInt(Date.UTC(2026, 10, 24, 10)) * MS],
    ['2026-11-24T10:00:00.5Z', (BigInt(Date.UTC(2026, 10, 24, 10)) + 500n) * MS],
    ['2026-11-24T10:00:00.123456789Z', BigInt(Date.UTC(2026, 10, 24, 10)) * MS + 123_456_789n],
    ['2024-02-29T00:00:00Z', BigInt(Date.UTC(2024, 1, 29)) * MS],
    ['0050-01-01T00:00:00Z', -60589296000000n * MS],
  ];
  test.each(good)('%s', (text, ns) => {
    expect(parseIsoTime(text)).toBe(ns);
  });

  const bad: Array<[string, string]> = [
    ['2026-11-24', 'is not an ISO-8601 date-time with time zone'],
    ['2026-11-24T10:00:00', 'is not an ISO-8601 date-time with time zone'],
    ['2026-11-24T10:00Z', 'is not an ISO-8601 date-time with time zone'],
    ['2026-11-24T10:00:00.1234567890Z', 'is not an ISO-8601 date-time with time zone'],
    ['yesterday', 'is not an ISO-8601 date-time with time zone'],
    ['2025-02-29T00:00:00Z', 'is not a real date and time'],
    ['2026-13-01T00:00:00Z', 'is not a real date and time'],
    ['2026-11-24T24:00:00Z', 'is not a real date and time'],
    ['2026-11-24T10:60:00Z', 'is not a real date and time'],
    ['2026-11-24T10:00:60Z', 'is not a real date and time'],
    ['2026-11-24T10:00:00+24:00', 'has an invalid time zone offset'],
  ];
  test.each(bad)('%s is rejected', (text, reason) => {
    expect(parseIsoTime(text)).toBe(`${JSON.stringify(text)} ${reason}${reason.startsWith('is not an') ? ', e.g. "2026-11-24T10:00:00Z" or "2026-11-24T05:00:00-05:00"' : ''}`);
  });
});

describe('parseJsonBatch: malformed items are reported as points[i]', () => {
  const cases: Array<[string, unknown, string]> = [
    ['a non-object item', 5, 'points[0]: must be an object like {"kpi":"revenue","value":1}; got number 5'],
    ['an array item', [1], 'points[0]: must be an object like {"kpi":"revenue","value":1}; got an array of 1'],
    ['a null item', null, 'points[0]: must be an object like {"kpi":"revenue","value":1}; got null'],
    ['a missing kpi', { value: 1 }, 'points[0]: missing "kpi"'],
    ['an empty kpi', { kpi: '', value: 1 }, 'points[0].kpi must be a non-empty string; got string ""'],
    ['a numeric kpi', { kpi: 7, value: 1 }, 'points[0].kpi must be a non-empty string; got number 7'],
    ['a missing value', { kpi: 'a' }, 'points[0]: missing "value"'],
    ['a string value', { kpi: 'a', value: '12' }, 'points[0].value must be a number; got string "12"'],
    ['a null value', { kpi: 'a', value: null }, 'points[0].value must be a number; got null'],
    ['a boolean value', { kpi: 'a', value: true }, 'points[0].value must be a number; got boolean true'],
    ['an unknown property', { kpi: 'a', value: 1, timestamp: 5 }, 'points[0]: unknown property "timestamp"; expected kpi, value, time, dimensions'],
    [
      'a fractional epoch-ms time',
      { kpi: 'a', value: 1, time: 1.5 },
      'points[0].time must be an ISO-8601 date-time or an integer of epoch milliseconds; got 1.5',
    ],
    [
      'an epoch-ms time beyond Date',
      { kpi: 'a', value: 1, time: 9e15 },
      'points[0].time must be an ISO-8601 date-time or an integer of epoch milliseconds; got 9000000000000000',
    ],
    [
      'a boolean time',
      { kpi: 'a', value: 1, time: false },
      'points[0].time must be an ISO-8601 date-time or an integer of epoch milliseconds; got boolean false',
    ],
    ['a time without zone', { kpi: 'a', value: 1, time: '2026-11-24T10:00:00' }, 'points[0].time "2026-11-24T10:00:00" is not an ISO-8601 date-time with time zone, e.g. "2026-11-24T10:00:00Z" or "2026-11-24T05:00:00-05:00"'],
    ['dimensions as an array', { kpi: 'a', value: 1, dimensions: ['na'] }, 'points[0].dimensions must be an object of strings; got an array of 1'],
    ['a numeric dimension value', { kpi: 'a', value: 1, dimensions: { region: 5 } }, 'points[0].dimensions.region must be a string; got number 5'],
    ['an odd dimension name', { kpi: 'a', value: 1, dimensions: { 'a b': null } }, 'points[0].dimensions["a b"] must be a string; got null'],
  ];
  test.each(cases)('%s', (_name, item, reason) => {
    expect(errorOf(item)).toBe(reason);
  });

  test('good items around a bad one are kept, with their indexes', () => {
    const { items, errors } = parseJsonBatch(batchOf({ kpi: 'a', value: 1 }, { kpi: 'a' }, { kpi: 'b', value: 2 }));
    expect(items.map((i) => [i.index, i.record.measurement])).toEqual([
      [0, 'a'],
      [2, 'b'],
    ]);
    expect(errors).toEqual([{ index: 1, reason: 'points[1]: missing "value"' }]);
  });
});

describe('parseJsonBatch: bodies that are refused whole', () => {
  const cases: Array<[string, string, string]> = [
    ['not JSON', '{"points":', 'request body is not valid JSON: '],
    ['an array', '[{"kpi":"a","value":1}]', 'request body must be a JSON object like {"points":[…]}; got an array of 1'],
    ['a string', '"hello"', 'request body must be a JSON object like {"points":[…]}; got string "hello"'],
    ['null', 'null', 'request body must be a JSON object like {"points":[…]}; got null'],
    ['no points', '{"data":[]}', 'request body has no "points" array; expected {"points":[…]}'],
    ['points not an array', '{"points":{"kpi":"a"}}', '"points" must be an array; got an object'],
    ['an extra top-level property', '{"points":[],"precision":"s"}', 'request body has unknown property "precision"; expected only "points"'],
  ];
  test.each(cases)('%s → INGEST_MALFORMED, 400', (_name, body, message) => {
    const error = thrownBy(body);
    expect(error.code).toBe(ErrorCodes.INGEST_MALFORMED);
    expect(error.httpStatus).toBe(400);
    expect(error.message.startsWith(message)).toBe(true);
  });

  test('more than maxPoints items → INGEST_BODY_TOO_LARGE, 413', () => {
    const error = thrownBy(batchOf({ kpi: 'a', value: 1 }, { kpi: 'a', value: 2 }, 'junk'), 2);
    expect(error.code).toBe(ErrorCodes.INGEST_BODY_TOO_LARGE);
    expect(error.httpStatus).toBe(413);
    expect(error.message).toBe('request has 3 points; at most 2 are accepted per request, split the batch');
  });
});

describe('parseJsonBatch: properties', () => {
  test('any JSON body either throws a FinmonError or accounts for every item', () => {
    fc.assert(
      fc.property(fc.oneof(fc.json(), fc.jsonValue().map((points) => JSON.stringify({ points })), fc.string()), (body) => {
        let batch;
        try {
          batch = parseJsonBatch(body);
        } catch (error) {
          expect(error).toBeInstanceOf(FinmonError);
          return;
        }
        expect(batch.items.length + batch.errors.length).toBe(batch.total);
      }),
      { seed: 7, numRuns: 1000 },
    );
  });
});
