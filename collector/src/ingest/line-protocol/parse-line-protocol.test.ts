import fc from 'fast-check';
import {
  isPrecision,
  parseLineProtocol,
  scanLineProtocol,
  type LineProtocolRecord,
  type ParsedRecord,
  type Precision,
} from './parse-line-protocol';

const raw = String.raw;

function parseOne(line: string, precision?: Precision): ParsedRecord {
  const { records, errors } = parseLineProtocol(line, { precision });
  expect(errors).toEqual([]);
  expect(records).toHaveLength(1);
  const { line: _line, ...record } = records[0] as LineProtocolRecord;
  return record;
}

function reasonOf(line: string, precision?: Precision): string {
  const { records, errors } = parseLineProtocol(line, { precision });
  expect(records).toEqual([]);
  expect(errors).toHaveLength(1);
  return errors[0]!.reason;
}

describe('parseLineProtocol: valid lines', () => {
  const cases: Array<[string, string, ParsedRecord]> = [
    ['measurement and one field', 'cpu value=1', { measurement: 'cpu', tags: {}, fields: { value: 1 }, timestamp: undefined }],
    [
      'tags, fields and a timestamp',
      'cpu,host=server01,region=uswest value=1.5,load=2i 1465839830100400200',
      { measurement: 'cpu', tags: { host: 'server01', region: 'uswest' }, fields: { value: 1.5, load: 2 }, timestamp: 1465839830100400200n },
    ],
    ['escaped comma and space in the measurement', raw`my\ cpu\,x,t=1 v=1`, { measurement: 'my cpu,x', tags: { t: '1' }, fields: { v: 1 }, timestamp: undefined }],
    ['an "=" in the measurement is literal', 'a=b v=1', { measurement: 'a=b', tags: {}, fields: { v: 1 }, timestamp: undefined }],
    ['an escaped "=" in the measurement stays as written', raw`a\=b v=1`, { measurement: raw`a\=b`, tags: {}, fields: { v: 1 }, timestamp: undefined }],
    [
      'escaped comma, equals and space in tag keys and values',
      raw`m,k\ e\,y\=1=v\ a\,l\=ue f=1`,
      { measurement: 'm', tags: { 'k e,y=1': 'v a,l=ue' }, fields: { f: 1 }, timestamp: undefined },
    ],
    ['a backslash before an ordinary character is literal', raw`m,t=a\b f=1`, { measurement: 'm', tags: { t: raw`a\b` }, fields: { f: 1 }, timestamp: undefined }],
    ['a double backslash in a tag value is two backslashes', raw`m,t=a\\b f=1`, { measurement: 'm', tags: { t: raw`a\\b` }, fields: { f: 1 }, timestamp: undefined }],
    [
      'backslashes before an escaped comma: only the last one escapes',
      raw`m,t=a\\\,b f=1`,
      { measurement: 'm', tags: { t: raw`a\\,b` }, fields: { f: 1 }, timestamp: undefined },
    ],
    ['quotes in a tag value are literal', 'm,t="q" f=1', { measurement: 'm', tags: { t: '"q"' }, fields: { f: 1 }, timestamp: undefined }],
    ['escaped characters in a field key', raw`m f\ o\,o\=x=1`, { measurement: 'm', tags: {}, fields: { 'f o,o=x': 1 }, timestamp: undefined }],
    [
      'string field with escaped quote and backslash',
      raw`m s="say \"hi\", a\\b and C:\temp" 5`,
      { measurement: 'm', tags: {}, fields: { s: raw`say "hi", a\b and C:\temp` }, timestamp: 5n },
    ],
    ['string field with spaces, commas and equals', 'm s="a b,c=d",v=1', { measurement: 'm', tags: {}, fields: { s: 'a b,c=d', v: 1 }, timestamp: undefined }],
    ['empty string field', 'm s=""', { measurement: 'm', tags: {}, fields: { s: '' }, timestamp: undefined }],
    [
      'integers and unsigned',
      'm a=-42i,b=0i,c=42u,d=9223372036854775807i,e=-9223372036854775808i,f=18446744073709551615u,g=007i',
      {
        measurement: 'm',
        tags: {},
        fields: { a: -42, b: 0, c: 42, d: 9223372036854775807, e: -9223372036854775808, f: 18446744073709551615, g: 7 },
        timestamp: undefined,
      },
    ],
    [
      'float spellings',
      'm a=1,b=-1.5,c=.5,d=1.,e=1e3,f=1E-3,g=-.5e+3,h=01.5,i=1234567890.123456789,j=0.1,k=-0',
      {
        measurement: 'm',
        tags: {},
        fields: { a: 1, b: -1.5, c: 0.5, d: 1, e: 1000, f: 0.001, g: -500, h: 1.5, i: 1234567890.123456789, j: 0.1, k: -0 },
        timestamp: undefined,
      },
    ],
    [
      'every boolean spelling',
      'm a=t,b=T,c=true,d=True,e=TRUE,f=f,g=F,h=false,i=False,j=FALSE',
      {
        measurement: 'm',
        tags: {},
        fields: { a: true, b: true, c: true, d: true, e: true, f: false, g: false, h: false, i: false, j: false },
        timestamp: undefined,
      },
    ],
    ['several spaces between sections and blanks around the line', '  \tm,t=1   v=1    7  \t', { measurement: 'm', tags: { t: '1' }, fields: { v: 1 }, timestamp: 7n }],
    ['negative timestamp', 'm v=1 -1', { measurement: 'm', tags: {}, fields: { v: 1 }, timestamp: -1n }],
    ['earliest timestamp', 'm v=1 -9223372036854775806', { measurement: 'm', tags: {}, fields: { v: 1 }, timestamp: -9223372036854775806n }],
    ['latest timestamp', 'm v=1 9223372036854775806', { measurement: 'm', tags: {}, fields: { v: 1 }, timestamp: 9223372036854775806n }],
    ['unicode names', '温度,地点=東京 値=1,😀="ü"', { measurement: '温度', tags: { 地点: '東京' }, fields: { 値: 1, '😀': 'ü' }, timestamp: undefined }],
    ['a "#" after the start is not a comment', 'm,t=#1 v=1', { measurement: 'm', tags: { t: '#1' }, fields: { v: 1 }, timestamp: undefined }],
  ];
  test.each(cases)('%s', (_name, line, expected) => {
    expect(parseOne(line)).toEqual(expected);
  });

  test('a tag or field named __proto__ becomes an own property', () => {
    const record = parseOne('m,__proto__=x __proto__=1');
    expect(Object.hasOwn(record.tags, '__proto__')).toBe(true);
    expect(record.tags['__proto__']).toBe('x');
    expect(Object.getPrototypeOf(record.tags)).toBe(Object.prototype);
    expect(Object.keys(record.fields)).toEqual(['__proto__']);
  });

  test('negative zero survives', () => {
    expect(Object.is(parseOne('m v=-0.0').fields.v, -0)).toBe(true);
  });
});

describe('parseLineProtocol: precisions', () => {
  const cases: Array<[Precision, bigint]> = [
    ['ns', 1_700_000_000n],
    ['us', 1_700_000_000_000n],
    ['u', 1_700_000_000_000n],
    ['ms', 1_700_000_000_000_000n],
    ['s', 1_700_000_000_000_000_000n],
    ['m', 102_000_000_000_000_000_000n],
    ['h', 6_120_000_000_000_000_000_000n],
  ];
  test.each(cases)('precision %s scales the timestamp to nanoseconds', (precision, ns) => {
    const line = precision === 'm' || precision === 'h' ? 'm v=1 1' : 'm v=1 1700000000';
    const expected = precision === 'm' ? 60_000_000_000n : precision === 'h' ? 3_600_000_000_000n : ns;
    expect(parseOne(line, precision).timestamp).toBe(expected);
  });

  test('a long timestamp in seconds is scaled exactly', () => {
    expect(parseOne('m v=1 1764000000123456', 'us').timestamp).toBe(1764000000123456000n);
  });

  test('a timestamp that overflows after scaling is rejected', () => {
    expect(reasonOf('m v=1 2562048', 'h')).toBe(
      "timestamp 2562048 is outside InfluxDB's range (about 1677-09-21 to 2262-04-11 in nanoseconds) (column 7)",
    );
    expect(parseOne('m v=1 2562047', 'h').timestamp).toBe(2562047n * 3_600_000_000_000n);
  });

  test('isPrecision knows exactly the accepted names', () => {
    for (const p of ['ns', 'us', 'u', 'ms', 's', 'm', 'h']) expect(isPrecision(p)).toBe(true);
    for (const p of ['n', 'd', 'NS', '', 'mss']) expect(isPrecision(p)).toBe(false);
  });
});

describe('parseLineProtocol: malformed lines name what is wrong and where', () => {
  const invalidValue = (key: string, token: string): string =>
    `field ${JSON.stringify(key)} has an invalid value ${JSON.stringify(token)}; expected a number (1.5), integer (5i), unsigned (5u), boolean (true/false) or "string" (column 7)`;
  const cases: Array<[string, string, string]> = [
    ['no measurement', ',t=1 v=1', 'missing measurement before the first "," or space (column 1)'],
    ['measurement only', 'cpu', 'missing fields: measurement "cpu" needs at least one field such as value=1 (column 4)'],
    ['tags but no fields', 'cpu,t=1', 'missing fields: measurement "cpu" needs at least one field such as value=1 (column 8)'],
    ['empty tag key', 'cpu,=1 v=1', 'empty tag key (column 5)'],
    ['a trailing comma after the measurement', 'cpu, v=1', 'empty tag key (column 5)'],
    ['a tag without "="', 'cpu,t v=1', 'tag "t" has no "=" and value (column 6)'],
    ['an empty tag value', 'cpu,t= v=1', 'tag "t" has an empty value (column 7)'],
    ['an unescaped "=" in a tag value', 'cpu,t=a=b v=1', raw`tag "t" has an unescaped "=" in its value (write \=) (column 8)`],
    ['a repeated tag key', 'cpu,t=1,t=2 v=1', 'duplicate tag key "t" (column 9)'],
    ['an empty field key', 'cpu =1', 'empty field key (column 5)'],
    ['a field without "="', 'cpu v', 'field "v" has no "=" and value (column 6)'],
    ['a field without a value', 'cpu v=', 'field "v" has no value (column 7)'],
    ['a field without a value before a comma', 'cpu v=,w=1', 'field "v" has no value (column 7)'],
    ['a trailing comma after the fields', 'cpu v=1,', 'empty field key (column 9)'],
    ['a comma then a space in the fields', 'cpu v=1, 5', 'empty field key (column 9)'],
    ['a repeated field key', 'cpu v=1,v=2', 'duplicate field key "v" (column 9)'],
    ['an unterminated string', 'cpu v="abc', 'field "v" has an unterminated string (missing closing ") (column 7)'],
    ['an escaped closing quote leaves the string open', raw`cpu v="abc\"`, 'field "v" has an unterminated string (missing closing ") (column 7)'],
    ['text glued to a string', 'cpu v="a"b', 'unexpected character after the string value of field "v"; expected "," or space (column 10)'],
    ['a float out of range', 'cpu v=1e999', 'field "v": float 1e999 is out of range (column 7)'],
    ['an int64 overflow', 'cpu v=9223372036854775808i', 'field "v": integer 9223372036854775808i is out of the int64 range (column 7)'],
    ['an int64 underflow', 'cpu v=-9223372036854775809i', 'field "v": integer -9223372036854775809i is out of the int64 range (column 7)'],
    ['a uint64 overflow', 'cpu v=18446744073709551616u', 'field "v": unsigned 18446744073709551616u is out of the uint64 range (column 7)'],
    ['a word as timestamp', 'cpu v=1 abc', 'invalid timestamp "abc"; expected an integer (column 9)'],
    ['digits then letters as timestamp', 'cpu v=1 12a', 'invalid timestamp "12a"; expected an integer (column 9)'],
    ['a lone minus as timestamp', 'cpu v=1 -', 'invalid timestamp "-"; expected an integer (column 9)'],
    ['a plus sign on the timestamp', 'cpu v=1 +1', 'invalid timestamp "+1"; expected an integer (column 9)'],
    ['a float timestamp', 'cpu v=1 1.5', 'invalid timestamp "1.5"; expected an integer (column 9)'],
    ['text after the timestamp', 'cpu v=1 1 2', 'unexpected text after the timestamp (column 11)'],
    ['a timestamp beyond int64', 'cpu v=1 9223372036854775807', "timestamp 9223372036854775807 is outside InfluxDB's range (about 1677-09-21 to 2262-04-11 in nanoseconds) (column 9)"],
  ];
  test.each(cases)('%s', (_name, line, reason) => {
    expect(reasonOf(line)).toBe(reason);
  });

  const badValues = ['abc', 'fAlse', 'truE', '+1', '1.5.5', '0x10', '1_000', '1e', '1e+', '-', '.', '1.5i', '1e5i', '-1u', '1.0u', 'NaN', 'Infinity', 'inf', '1i2', '1ii', `1\t1`, '١'];
  test.each(badValues)('the value %j is not a valid field value', (token) => {
    expect(reasonOf(`cpu v=${token}`)).toBe(invalidValue('v', token));
  });
});

describe('parseLineProtocol: lines, comments and errors', () => {
  test('skips blank lines and comments, handles CRLF, numbers lines from 1', () => {
    const body = '# header\r\n\r\nm v=1 1\r\n   # indented comment\n\t\nm v=oops 2\r\nm v=3 3';
    const { records, errors } = parseLineProtocol(body);
    expect(records.map((r) => [r.line, r.fields.v, r.timestamp])).toEqual([
      [3, 1, 1n],
      [7, 3, 3n],
    ]);
    expect(errors).toEqual([{ line: 6, reason: expect.stringContaining('field "v" has an invalid value "oops"'), text: 'm v=oops 2' }]);
  });

  test('columns count from the start of the line, leading blanks included', () => {
    expect(parseLineProtocol('  \tcpu v=x').errors[0]?.reason).toMatch(/\(column 10\)$/);
  });

  test('a trailing newline adds no line', () => {
    expect(parseLineProtocol('m v=1\n').records).toHaveLength(1);
    expect(parseLineProtocol('').records).toEqual([]);
  });

  test('a string field cannot span lines', () => {
    const { records, errors } = parseLineProtocol('m s="a\nb" 1');
    expect(records).toEqual([]);
    expect(errors.map((e) => e.line)).toEqual([1, 2]);
  });

  test('the text of a long bad line is cut to about 200 characters', () => {
    const long = `m v=${'x'.repeat(500)}`;
    const [error] = parseLineProtocol(long).errors;
    expect(error?.text).toBe(`${long.slice(0, 200)}…`);
    expect(error?.reason.length).toBeLessThan(300);
  });

  test('the text is not cut inside a surrogate pair', () => {
    const long = `${'a'.repeat(199)}😀${'b'.repeat(100)}`;
    expect(parseLineProtocol(long).errors[0]?.text).toBe(`${'a'.repeat(199)}…`);
  });

  test('scanLineProtocol stops at maxLines data lines and says so', () => {
    const seen: number[] = [];
    const summary = scanLineProtocol('#c\nm v=1\n\nm v=2\nm v=3', { record: (r) => seen.push(r.line), error: () => undefined }, { maxLines: 2 });
    expect(summary).toEqual({ dataLines: 2, exceededMaxLines: true });
    expect(seen).toEqual([2, 4]);
    expect(scanLineProtocol('m v=1\nm v=2', { record: () => undefined, error: () => undefined }, { maxLines: 2 })).toEqual({
      dataLines: 2,
      exceededMaxLines: false,
    });
  });

  test('the visitor receives the span of each parsed line', () => {
    const body = 'a v=1\r\n  b v=2';
    const spans: string[] = [];
    scanLineProtocol(body, { record: (_r, start, end) => spans.push(body.slice(start, end)), error: () => undefined });
    expect(spans).toEqual(['a v=1', '  b v=2']);
  });
});

/** Non-blank, non-comment lines, counted independently of the parser. */
function dataLineCount(text: string): number {
  return text
    .split('\n')
    .map((line) => (line.endsWith('\r') ? line.slice(0, -1) : line).replace(/^[ \t]+/, ''))
    .filter((line) => line !== '' && !line.startsWith('#')).length;
}

const lineProtocolish = fc.string({
  unit: fc.oneof(
    fc.constantFrom('m', 'v', '=', ',', ' ', '"', '\\', '1', '.', 'e', '-', 'i', 'u', 't', '#', '\n', '\r', '\t', '9'),
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
  ),
  maxLength: 120,
});

describe('parseLineProtocol: properties', () => {
  test('never throws and accounts for every data line', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), lineProtocolish), (text) => {
        const { records, errors } = parseLineProtocol(text);
        expect(records.length + errors.length).toBe(dataLineCount(text));
        const lines = [...records.map((r) => r.line), ...errors.map((e) => e.line)];
        expect(new Set(lines).size).toBe(lines.length);
        for (const record of records) {
          expect(record.measurement).not.toBe('');
          expect(Object.keys(record.fields).length).toBeGreaterThan(0);
        }
      }),
      { seed: 20261124, numRuns: 2000 },
    );
  });
});
