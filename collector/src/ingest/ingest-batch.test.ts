import fc from 'fast-check';
import { ManualClock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import { nsToMs, type Point } from '../core/point';
import { ingestJsonBatch, ingestLineProtocol, parsePrecision } from './ingest-batch';
import { serializeLineProtocol, serializePoint } from './line-protocol/serialize-line-protocol';
import { testCatalog, TEST_KPIS, TEST_NOW } from './test-support/test-catalog';

const NOW_NS = BigInt(TEST_NOW) * 1_000_000n;
const options = { catalog: testCatalog, clock: new ManualClock(TEST_NOW) };

function thrown(run: () => unknown): FinmonError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(FinmonError);
    return error as FinmonError;
  }
  throw new Error('expected a FinmonError');
}

describe('ingestLineProtocol', () => {
  test('keeps the received text of canonical lines only, so storage can write them as they came', () => {
    const lines = [
      `ebitda value=1.5 ${NOW_NS}`, // canonical
      `ebitda value=2i ${NOW_NS}`, // integer: would store an integer field
      'ebitda value=3', // no timestamp: the collector adds one
      `ebitda value=4 ${NOW_NS} `, // trailing blank
      `ebitda value=5 ${NOW_NS}\r`, // CRLF line ending: the line without its CR is canonical
    ];
    const result = ingestLineProtocol(lines.join('\n'), options);
    expect(result.points.map((p) => p.line)).toEqual([lines[0], undefined, undefined, undefined, `ebitda value=5 ${NOW_NS}`]);
    const seconds = ingestLineProtocol(`ebitda value=1.5 ${NOW_NS / 1_000_000_000n}`, { ...options, precision: 's' });
    expect(seconds.points[0]!.line).toBeUndefined();
    expect(serializeLineProtocol(result.points)).toBe(
      [`ebitda value=1.5 ${NOW_NS}`, `ebitda value=2 ${NOW_NS}`, `ebitda value=3 ${NOW_NS}`, `ebitda value=4 ${NOW_NS}`, `ebitda value=5 ${NOW_NS}`].join('\n') + '\n',
    );
  });

  test('says the body is canonical only when it is exactly the accepted lines joined by newlines', () => {
    const a = `ebitda value=1.5 ${NOW_NS}`;
    const b = `revenue,region=na,product=platform value=2 ${NOW_NS}`;
    const canonical = (body: string, precision?: 's') =>
      ingestLineProtocol(body, precision ? { ...options, precision } : options).canonicalBody;
    expect(canonical(`${a}\n${b}`)).toBe(true);
    expect(canonical(`${a}\n${b}\n`)).toBe(true);
    expect(canonical(a)).toBe(true);
    expect(canonical(`${a}\n${b}\n\n`)).toBe(false); // a trailing blank line
    expect(canonical(`${a}\n\n${b}`)).toBe(false); // a blank line between
    expect(canonical(`# from the ERP\n${a}`)).toBe(false); // a comment
    expect(canonical(`${a}\r\n${b}`)).toBe(false); // CRLF
    expect(canonical(`${a}\n${b} `)).toBe(false); // a trailing blank
    expect(canonical(`${a}\nebitda value=3`)).toBe(false); // a line without timestamp
    expect(canonical(`${a}\nebitda value=3i ${NOW_NS}`)).toBe(false); // an integer value
    expect(canonical(`${a}\nunknown_kpi value=1 ${NOW_NS}`)).toBe(false); // a rejected line
    expect(canonical(`${a}\nebitda value=oops ${NOW_NS}`)).toBe(false); // an unparsable line
    expect(canonical(`ebitda value=1.5 ${NOW_NS / 1_000_000_000n}`, 's')).toBe(false); // not nanoseconds
    expect(canonical('\n')).toBe(false);
    expect(ingestJsonBatch(JSON.stringify({ points: [{ kpi: 'ebitda', value: 1 }] }), options).canonicalBody).not.toBe(true);
  });

  test('a canonical body is what the serializer writes for its points (property)', () => {
    const line = fc
      .record({ value: fc.double({ min: -1e12, max: 1e12, noNaN: true }), offsetNs: fc.bigInt({ min: 0n, max: 86_400_000_000_000n }) })
      .map(({ value, offsetNs }) => `ebitda value=${value} ${NOW_NS - offsetNs}`);
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 20 }), fc.boolean(), (lines, trailingNewline) => {
        const body = lines.join('\n') + (trailingNewline ? '\n' : '');
        const result = ingestLineProtocol(body, options);
        if (result.canonicalBody) expect(serializeLineProtocol(result.points)).toBe(`${lines.join('\n')}\n`);
        else expect(result.rejectedTotal + result.points.filter((p) => p.line === undefined).length).toBeGreaterThan(0);
      }),
      { seed: 7, numRuns: 200 },
    );
  });

  test('keeps every good line of a mixed batch and lists every bad one with its reason', () => {
    const body = [
      '# pushed by the ERP',
      `revenue,region=na,product=platform value=1200.5 ${NOW_NS}`,
      'revenue,region=na value=oops',
      `unknown_kpi value=1 ${NOW_NS}`,
      'ebitda value=99',
      `cash_position value=1 ${NOW_NS}`,
      '',
      'revenue,planet=mars value=1',
    ].join('\n');
    const result = ingestLineProtocol(body, options);
    expect(result.points).toEqual([
      {
        kpi: 'revenue',
        tags: { region: 'na', product: 'platform' },
        value: 1200.5,
        time: TEST_NOW,
        ns: NOW_NS,
        line: `revenue,region=na,product=platform value=1200.5 ${NOW_NS}`,
      },
      { kpi: 'ebitda', tags: {}, value: 99, time: TEST_NOW, ns: NOW_NS },
    ]);
    expect(result.rejected).toEqual([
      {
        line: 3,
        reason: 'field "value" has an invalid value "oops"; expected a number (1.5), integer (5i), unsigned (5u), boolean (true/false) or "string" (column 25)',
        text: 'revenue,region=na value=oops',
      },
      { line: 4, reason: 'unknown KPI "unknown_kpi" (not in metrics_config.json)', text: `unknown_kpi value=1 ${NOW_NS}` },
      { line: 6, reason: 'KPI "cash_position" is derived from a formula; push its inputs', text: `cash_position value=1 ${NOW_NS}` },
      { line: 8, reason: 'KPI "revenue": unknown dimension (tag) "planet"; allowed: region, product', text: 'revenue,planet=mars value=1' },
    ]);
    expect(result.rejectedTotal).toBe(4);
  });

  test('applies the precision', () => {
    const result = ingestLineProtocol(`ebitda value=1 ${TEST_NOW / 1000}`, { ...options, precision: 's' });
    expect(result.points.map((p) => p.ns)).toEqual([NOW_NS]);
  });

  test('points without timestamps in one batch share one clock reading', () => {
    let tick = TEST_NOW;
    const result = ingestLineProtocol('ebitda value=1\nebitda value=2', { ...options, clock: { now: () => tick++ } });
    expect(result.points.map((p) => p.time)).toEqual([TEST_NOW, TEST_NOW]);
  });

  test('lists at most maxListedRejections and counts the rest', () => {
    const body = Array.from({ length: 25 }, (_, i) => `bad${i}`).join('\n');
    const result = ingestLineProtocol(body, { ...options, limits: { maxListedRejections: 10 } });
    expect(result.rejected.map((r) => r.line)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(result.rejectedTotal).toBe(25);
  });

  test('more than maxLines data lines refuse the whole body', () => {
    const body = '# comment\nebitda value=1\n\nebitda value=2\nebitda value=3';
    expect(ingestLineProtocol(body, { ...options, limits: { maxLines: 3 } }).points).toHaveLength(3);
    const error = thrown(() => ingestLineProtocol(body, { ...options, limits: { maxLines: 2 } }));
    expect(error.code).toBe(ErrorCodes.INGEST_BODY_TOO_LARGE);
    expect(error.httpStatus).toBe(413);
    expect(error.message).toBe('line protocol body has more than 2 data lines; send at most 2 per request');
  });

  test('passes the point limits on to validation', () => {
    const result = ingestLineProtocol(`ebitda value=1 ${NOW_NS + 3_600_000_000_000n}`, { ...options, limits: { maxFutureMs: 60_000 } });
    expect(result.rejected[0]?.reason).toContain('is absurd: more than 60000 ms after now');
  });
});

describe('ingestJsonBatch', () => {
  test('keeps good items and lists bad ones in index order, shape and catalog problems alike', () => {
    const body = JSON.stringify({
      points: [
        { kpi: 'revenue', value: 10, time: '2026-11-24T10:00:00Z', dimensions: { region: 'na', product: 'platform' } },
        { kpi: 'revenue', value: 'ten' },
        { kpi: 'nope', value: 1 },
        { kpi: 'headcount', value: 450, time: TEST_NOW - 60_000, dimensions: { department: 'sales' } },
        { kpi: 'ebitda', value: 1, time: '1999-01-01T00:00:00Z' },
        { kpi: 'ebitda' },
      ],
    });
    const result = ingestJsonBatch(body, options);
    expect(result.points).toEqual([
      { kpi: 'revenue', tags: { region: 'na', product: 'platform' }, value: 10, time: TEST_NOW, ns: NOW_NS },
      { kpi: 'headcount', tags: { department: 'sales' }, value: 450, time: TEST_NOW - 60_000, ns: NOW_NS - 60_000_000_000n },
    ]);
    expect(result.rejected).toEqual([
      { index: 1, reason: 'points[1].value must be a number; got string "ten"' },
      { index: 2, reason: 'points[2]: unknown KPI "nope" (not in metrics_config.json)' },
      { index: 4, reason: 'points[4]: KPI "ebitda": timestamp 1999-01-01T00:00:00.000Z is absurd: before 2000-01-01T00:00:00.000Z' },
      { index: 5, reason: 'points[5]: missing "value"' },
    ]);
    expect(result.rejectedTotal).toBe(4);
  });

  test('an item without time gets the clock time', () => {
    const result = ingestJsonBatch('{"points":[{"kpi":"ebitda","value":3}]}', options);
    expect(result.points[0]?.time).toBe(TEST_NOW);
  });

  test('rejects Infinity from an overflowing JSON number', () => {
    const result = ingestJsonBatch('{"points":[{"kpi":"ebitda","value":1e999}]}', options);
    expect(result.rejected).toEqual([{ index: 0, reason: 'points[0]: KPI "ebitda": field "value" must be a finite number; got Infinity' }]);
  });

  test('a body that is not an object is refused whole', () => {
    const error = thrown(() => ingestJsonBatch('[]', options));
    expect(error.code).toBe(ErrorCodes.INGEST_MALFORMED);
    expect(error.httpStatus).toBe(400);
  });

  test('more than maxPoints items are refused whole', () => {
    const error = thrown(() => ingestJsonBatch('{"points":[1,2,3]}', { ...options, limits: { maxPoints: 2 } }));
    expect(error.code).toBe(ErrorCodes.INGEST_BODY_TOO_LARGE);
  });

  test('lists at most maxListedRejections', () => {
    const result = ingestJsonBatch(JSON.stringify({ points: Array.from({ length: 5 }, () => ({ kpi: 'x', value: 1 })) }), {
      ...options,
      limits: { maxListedRejections: 2 },
    });
    expect(result.rejected.map((r) => r.index)).toEqual([0, 1]);
    expect(result.rejectedTotal).toBe(5);
  });
});

describe('parsePrecision', () => {
  test('absent means ns; known names pass; anything else is a 400 naming the choices', () => {
    expect(parsePrecision(undefined)).toBe('ns');
    expect(parsePrecision('')).toBe('ns');
    expect(parsePrecision('ms')).toBe('ms');
    const error = thrown(() => parsePrecision('days'));
    expect(error.code).toBe(ErrorCodes.INGEST_MALFORMED);
    expect(error.httpStatus).toBe(400);
    expect(error.message).toBe('unknown precision "days"; expected one of ns, us, u, ms, s, m, h');
  });
});

/** A dimension value that is valid but full of characters line protocol must escape. */
const hostileTagValue = fc
  .string({
    unit: fc.oneof(
      fc.constantFrom(' ', ',', '=', '"', '\\', '#', "'", 'é', '東', '😀', '\t'),
      fc.constantFrom('a', 'n', '1', '_', '-'),
    ),
    minLength: 1,
    maxLength: 40,
  })
  .filter((s) => !s.endsWith('\\'));

const pushableKpis = Object.entries(TEST_KPIS).filter(([, kpi]) => kpi.formula === undefined);
const DAY_NS = 86_400_000_000_000n;

const validPoint: fc.Arbitrary<Point> = fc
  .constantFrom(...pushableKpis)
  .chain(([kpi, def]) =>
    fc.record({
      kpi: fc.constant(kpi),
      tags: fc.subarray([...def.dimensions]).chain((dims) => fc.tuple(...dims.map(() => hostileTagValue)).map((values) => Object.fromEntries(dims.map((d, i) => [d, values[i] as string])))),
      value: fc.double({ noNaN: true, noDefaultInfinity: true }),
      ns: fc.bigInt({ min: BigInt(Date.UTC(2000, 0, 1)) * 1_000_000n, max: NOW_NS + 7n * DAY_NS }),
    }),
  )
  .map(({ kpi, tags, value, ns }) => ({ kpi, tags, value, time: nsToMs(ns), ns }));

const garbageLine = fc.string({
  unit: fc.oneof(
    fc.constantFrom('revenue', 'ebitda', 'value', '=', ',', ' ', '"', '\\', '1', '.', 'e', '-', 'i', '#', '\r', '\t', 'region', 'na'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\n'),
  ),
  maxLength: 60,
});

function isDataLine(line: string): boolean {
  const trimmed = (line.endsWith('\r') ? line.slice(0, -1) : line).replace(/^[ \t]+/, '');
  return trimmed !== '' && !trimmed.startsWith('#');
}

describe('ingestLineProtocol: properties', () => {
  test('arbitrary text never throws (below the line limit) and every data line is accepted or rejected', () => {
    fc.assert(
      fc.property(fc.array(garbageLine, { maxLength: 30 }), (lines) => {
        const result = ingestLineProtocol(lines.join('\n'), options);
        expect(result.points.length + result.rejectedTotal).toBe(lines.filter(isDataLine).length);
      }),
      { seed: 99, numRuns: 500 },
    );
  });

  test('valid points mixed with garbage lines all come through exactly, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(validPoint, garbageLine), { maxLength: 30 }), (entries) => {
        const lines = entries.map((e) => (typeof e === 'string' ? e : serializePoint(e)));
        const body = lines.join('\r\n');
        const result = ingestLineProtocol(body, options);
        const expected = entries.filter((e): e is Point => typeof e !== 'string');
        // Garbage could by chance be a valid line, so the valid points must form a subsequence.
        let found = 0;
        for (const point of result.points) {
          if (found < expected.length && sameStoredPoint(point, expected[found] as Point)) found++;
        }
        expect(found).toBe(expected.length);
        expect(result.points.length + result.rejectedTotal).toBe(body.split('\n').filter(isDataLine).length);
      }),
      { seed: 2026, numRuns: 500 },
    );
  });
});

function sameStoredPoint(a: Point, b: Point): boolean {
  try {
    const { line, ...received } = a;
    expect(received).toEqual({ ...b, tags: { ...b.tags } });
    if (line !== undefined) expect(line).toBe(serializePoint(b));
    return true;
  } catch {
    return false;
  }
}
