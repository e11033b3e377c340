import { ManualClock } from '../core/clock';
import type { FieldValue } from '../core/point';
import type { ParsedRecord } from './line-protocol/parse-line-protocol';
import { testCatalog, TEST_NOW } from './test-support/test-catalog';
import { DEFAULT_POINT_LIMITS, isoOf, validatePoint } from './validate-point';

const clock = new ManualClock(TEST_NOW);
const NOW_NS = BigInt(TEST_NOW) * 1_000_000n;
const DAY_NS = 86_400_000n * 1_000_000n;

function record(
  measurement: string,
  fields: Record<string, FieldValue>,
  tags: Record<string, string> = {},
  timestamp: bigint | undefined = NOW_NS,
): ParsedRecord {
  return { measurement, tags, fields, timestamp };
}

function reasonOf(r: ParsedRecord, limits = DEFAULT_POINT_LIMITS): string {
  const outcome = validatePoint(r, testCatalog, clock, limits);
  if (outcome.ok) throw new Error(`expected a rejection, got ${JSON.stringify(outcome.point, (_k, v) => (typeof v === 'bigint' ? `${v}` : v))}`);
  return outcome.reason;
}

describe('validatePoint: accepted points', () => {
  test('a known KPI with declared dimensions becomes a point with ms and ns time', () => {
    const ns = NOW_NS - 123_456_789n;
    expect(validatePoint(record('revenue', { value: 1234.5 }, { region: 'na', product: 'platform' }, ns), testCatalog, clock)).toEqual({
      ok: true,
      point: { kpi: 'revenue', tags: { region: 'na', product: 'platform' }, value: 1234.5, time: TEST_NOW - 124, ns },
    });
  });

  test('a point without a timestamp gets the clock time', () => {
    const outcome = validatePoint(record('ebitda', { value: -5 }, {}, undefined), testCatalog, new ManualClock(TEST_NOW + 0.7));
    expect(outcome).toEqual({ ok: true, point: { kpi: 'ebitda', tags: {}, value: -5, time: TEST_NOW, ns: NOW_NS } });
  });

  test('a subset of the dimensions is enough', () => {
    expect(validatePoint(record('revenue', { value: 1 }, { region: 'emea' }), testCatalog, clock).ok).toBe(true);
  });

  test('the bounds themselves are accepted', () => {
    const minNs = BigInt(DEFAULT_POINT_LIMITS.minTime) * 1_000_000n;
    expect(validatePoint(record('ebitda', { value: 1 }, {}, minNs), testCatalog, clock).ok).toBe(true);
    expect(validatePoint(record('ebitda', { value: 1 }, {}, NOW_NS + 7n * DAY_NS), testCatalog, clock).ok).toBe(true);
  });

  test('a 256-character dimension value is accepted', () => {
    expect(validatePoint(record('headcount', { value: 450 }, { department: 'x'.repeat(256) }), testCatalog, clock).ok).toBe(true);
  });
});

describe('validatePoint: rejections name what is wrong', () => {
  const cases: Array<[string, ParsedRecord, string]> = [
    ['an unknown KPI', record('foo', { value: 1 }), 'unknown KPI "foo" (not in metrics_config.json)'],
    ['an unknown KPI with a huge name is shortened', record('x'.repeat(1000), { value: 1 }), `unknown KPI "${'x'.repeat(64)}…" (not in metrics_config.json)`],
    ['a derived KPI', record('cash_position', { value: 1 }), 'KPI "cash_position" is derived from a formula; push its inputs'],
    ['NaN', record('ebitda', { value: Number.NaN }), 'KPI "ebitda": field "value" must be a finite number; got NaN'],
    ['Infinity', record('ebitda', { value: Number.POSITIVE_INFINITY }), 'KPI "ebitda": field "value" must be a finite number; got Infinity'],
    ['-Infinity', record('ebitda', { value: Number.NEGATIVE_INFINITY }), 'KPI "ebitda": field "value" must be a finite number; got -Infinity'],
    ['a string value', record('ebitda', { value: '12' }), 'KPI "ebitda": field "value" must be numeric (float, integer or unsigned); got string "12"'],
    ['a boolean value', record('ebitda', { value: true }), 'KPI "ebitda": field "value" must be numeric (float, integer or unsigned); got boolean true'],
    ['no value field', record('ebitda', { amount: 1 }), 'KPI "ebitda": unexpected field "amount"; only the field "value" is accepted'],
    ['an extra field', record('ebitda', { value: 1, note: 'x' }), 'KPI "ebitda": unexpected field "note"; only the field "value" is accepted'],
    [
      'several extra fields',
      record('ebitda', Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`f${i}`, i]))),
      'KPI "ebitda": unexpected fields "f0", "f1", "f2", "f3", "f4", "f5", "f6", "f7", "f8", "f9" and 2 more; only the field "value" is accepted',
    ],
    ['an empty field set', record('ebitda', {}), 'KPI "ebitda": missing the field "value"'],
    [
      'an undeclared tag',
      record('revenue', { value: 1 }, { region: 'na', country: 'us' }),
      'KPI "revenue": unknown dimension (tag) "country"; allowed: region, product',
    ],
    ['a tag on a KPI without dimensions', record('ebitda', { value: 1 }, { region: 'na' }), 'KPI "ebitda": unknown dimension (tag) "region"; it has no dimensions'],
    ['an empty tag value', record('revenue', { value: 1 }, { region: '' }), 'KPI "revenue": dimension "region" has an empty value'],
    ['a too long tag value', record('revenue', { value: 1 }, { region: 'x'.repeat(257) }), 'KPI "revenue": dimension "region" is longer than 256 characters (257)'],
    ['a line break in a tag value', record('revenue', { value: 1 }, { region: 'n\na' }), 'KPI "revenue": dimension "region" contains a line break'],
    [
      'a tag value ending in a backslash',
      record('revenue', { value: 1 }, { region: 'na\\' }),
      'KPI "revenue": dimension "region" ends with a backslash, which line protocol cannot store',
    ],
    [
      'a timestamp before 2000',
      record('ebitda', { value: 1 }, {}, 946_684_799_999_999_999n),
      'KPI "ebitda": timestamp 1999-12-31T23:59:59.999Z is absurd: before 2000-01-01T00:00:00.000Z',
    ],
    ['the epoch (seconds sent as nanoseconds)', record('ebitda', { value: 1 }, {}, 1_764_000_000n), 'KPI "ebitda": timestamp 1970-01-01T00:00:01.764Z is absurd: before 2000-01-01T00:00:00.000Z'],
    [
      'a timestamp more than 7 days ahead',
      record('ebitda', { value: 1 }, {}, NOW_NS + 7n * DAY_NS + 1_000_000n),
      'KPI "ebitda": timestamp 2026-12-01T10:00:00.001Z is absurd: more than 7 days after now (2026-11-24T10:00:00.000Z)',
    ],
  ];
  test.each(cases)('%s', (_name, r, reason) => {
    expect(reasonOf(r)).toBe(reason);
  });

  test('the KPI is checked before the fields, the fields before the tags, the tags before the time', () => {
    expect(reasonOf(record('nope', { value: 'x' }, { bad: '' }, 0n))).toContain('unknown KPI');
    expect(reasonOf(record('revenue', { value: 'x' }, { bad: '' }, 0n))).toContain('field "value"');
    expect(reasonOf(record('revenue', { value: 1 }, { bad: '' }, 0n))).toContain('unknown dimension');
  });

  test('limits are configurable', () => {
    const limits = { minTime: Date.UTC(2026, 0, 1), maxFutureMs: 3_600_000, maxTagValueLength: 4 };
    expect(reasonOf(record('ebitda', { value: 1 }, {}, NOW_NS + 3_600_001_000_000n), limits)).toBe(
      'KPI "ebitda": timestamp 2026-11-24T11:00:00.001Z is absurd: more than 1 h after now (2026-11-24T10:00:00.000Z)',
    );
    expect(reasonOf(record('ebitda', { value: 1 }, {}, BigInt(Date.UTC(2025, 11, 31)) * 1_000_000n), limits)).toBe(
      'KPI "ebitda": timestamp 2025-12-31T00:00:00.000Z is absurd: before 2026-01-01T00:00:00.000Z',
    );
    expect(reasonOf(record('revenue', { value: 1 }, { region: 'emea1' }), limits)).toBe(
      'KPI "revenue": dimension "region" is longer than 4 characters (5)',
    );
  });

  test('a tag named like an Object.prototype member is still unknown', () => {
    expect(reasonOf(record('revenue', { value: 1 }, { constructor: 'x' }))).toBe(
      'KPI "revenue": unknown dimension (tag) "constructor"; allowed: region, product',
    );
  });
});

describe('isoOf', () => {
  test('shows times Date cannot represent as a count of milliseconds', () => {
    expect(isoOf(0)).toBe('1970-01-01T00:00:00.000Z');
    expect(isoOf(9e15)).toBe('9000000000000000 ms after 1970-01-01T00:00:00Z');
  });
});
