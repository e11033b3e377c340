import fc from 'fast-check';
import { nsToMs, pointAt, type FieldValue, type Point } from '../../core/point';
import { parseLineProtocol } from './parse-line-protocol';
import { serializeLineProtocol, serializePoint } from './serialize-line-protocol';

const raw = String.raw;

function point(kpi: string, tags: Record<string, string>, value: number, ns: bigint, fields?: Record<string, FieldValue>): Point {
  return fields ? { kpi, tags, value, time: nsToMs(ns), ns, fields } : { kpi, tags, value, time: nsToMs(ns), ns };
}

describe('serializePoint', () => {
  const cases: Array<[string, Point, string]> = [
    ['a plain point', pointAt('revenue', { region: 'na' }, 1234.5, 1_000), 'revenue,region=na value=1234.5 1000000000'],
    ['tags sorted by key', point('m', { b: '2', a: '1' }, 1, 5n), 'm,a=1,b=2 value=1 5'],
    ['escaped measurement', point('my kpi,x=y', {}, 1, 1n), raw`my\ kpi\,x=y value=1 1`],
    ['escaped tag key and value', point('m', { 'k e,y=': 'v a,l=ue' }, 1, 1n), raw`m,k\ e\,y\==v\ a\,l\=ue value=1 1`],
    ['backslashes kept, the one before an escape doubled up', point('m', { t: raw`a\b\,c` }, 1, 1n), raw`m,t=a\b\\,c value=1 1`],
    ['negative zero, exponents and integers', point('m', {}, -0, -1n, { a: 1e21, b: 1.5e-7, c: 3 }), 'm value=-0,a=1e+21,b=1.5e-7,c=3 -1'],
    [
      'string and boolean fields',
      point('m', {}, 1, 1n, { s: raw`say "hi" \ bye`, ok: true, no: false }),
      raw`m value=1,s="say \"hi\" \\ bye",ok=true,no=false 1`,
    ],
  ];
  test.each(cases)('%s', (_name, p, expected) => {
    expect(serializePoint(p)).toBe(expected);
  });

  const unwritable: Array<[string, Point, string]> = [
    ['an empty KPI id', point('', {}, 1, 1n), 'has an empty KPI id'],
    ['a measurement starting with "#"', point('#m', {}, 1, 1n), 'starting with "#"'],
    ['a line break in a tag value', point('m', { t: 'a\nb' }, 1, 1n), 'line break in tag "t"'],
    ['a tag value ending in a backslash', point('m', { t: 'a\\' }, 1, 1n), 'ending in a backslash'],
    ['an empty tag value', point('m', { t: '' }, 1, 1n), 'has an empty tag "t"'],
    ['a non-finite value', point('m', {}, Number.NaN, 1n), 'non-finite field "value" (NaN)'],
    ['an extra field called value', point('m', {}, 1, 1n, { value: 2 }), 'extra field named "value"'],
    ['a line break in a string field', point('m', {}, 1, 1n, { s: 'a\nb' }), 'line break in string field "s"'],
  ];
  test.each(unwritable)('throws, naming the point, for %s', (_name, p, message) => {
    expect(() => serializePoint(p)).toThrow(message);
    expect(() => serializePoint(p)).toThrow(`cannot write point ${JSON.stringify(p.kpi)}`);
  });
});

describe('serializeLineProtocol', () => {
  test('writes one line per point, each ending in a newline', () => {
    const text = serializeLineProtocol([point('a', {}, 1, 1n), point('b', {}, 2, 2n)]);
    expect(text).toBe('a value=1 1\nb value=2 2\n');
    expect(serializeLineProtocol([])).toBe('');
  });
});

/** Characters that line protocol treats specially, plus some unicode. */
const hostileChar = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(' ', ',', '=', '"', '\\', '#', '\t', '\r', "'", 'é', '東', '😀') },
  { weight: 3, arbitrary: fc.constantFrom('a', 'b', 'z', '0', '9', '_', '-', '.') },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }).filter((c) => c !== '\n') },
);
const hostileText = (maxLength: number) => fc.string({ unit: hostileChar, minLength: 1, maxLength });
/** Names line protocol can express (see serialize-line-protocol.ts). */
const name = hostileText(20).filter((s) => !s.endsWith('\\'));
const measurement = name.filter((s) => !s.startsWith('#') && !s.startsWith('\t'));
const finite = fc.double({ noNaN: true, noDefaultInfinity: true });
const arbitraryPoint: fc.Arbitrary<Point> = fc
  .record({
    kpi: measurement,
    tags: fc.dictionary(name, name, { maxKeys: 4 }),
    value: finite,
    ns: fc.bigInt({ min: -9223372036854775806n, max: 9223372036854775806n }),
    fields: fc.option(
      fc.dictionary(
        name.filter((k) => k !== 'value'),
        fc.oneof(finite, fc.boolean(), fc.string({ unit: hostileChar, maxLength: 20 })),
        { minKeys: 1, maxKeys: 3 },
      ),
      { nil: undefined },
    ),
  })
  .map(({ kpi, tags, value, ns, fields }) => point(kpi, tags, value, ns, fields));

describe('serialize → parse round trip', () => {
  test('parse(serialize(points)) gives back the same points', () => {
    fc.assert(
      fc.property(fc.array(arbitraryPoint, { maxLength: 5 }), (points) => {
        const { records, errors } = parseLineProtocol(serializeLineProtocol(points));
        expect(errors).toEqual([]);
        const back = records.map((r) => {
          const { value, ...fields } = r.fields;
          return point(r.measurement, r.tags, value as number, r.timestamp as bigint, Object.keys(fields).length > 0 ? fields : undefined);
        });
        expect(back).toEqual(points.map((p) => ({ ...p, tags: { ...p.tags }, ...(p.fields ? { fields: { ...p.fields } } : {}) })));
      }),
      { seed: 424242, numRuns: 1500 },
    );
  });
});
