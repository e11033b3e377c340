import { parseFieldPath, readFieldPath } from './field-path';
import { mapResponse, timeOf } from './response-mapping';
import { expandUrl, unknownPlaceholders } from './url-template';

const ctx = { symbol: 'NWR', timezone: 'America/New_York', label: 'provider "p" NWR' };

describe('field paths', () => {
  it.each([
    ['quote.price', ['quote', 'price']],
    ['data[0].close', ['data', 0, 'close']],
    ['["Global Quote"]["05. price"]', ['Global Quote', '05. price']],
    ["$.rates['EUR']", ['rates', 'EUR']],
    ['$', []],
  ])('parses %s', (path, segments) => {
    expect(parseFieldPath(path)).toEqual(segments);
  });

  it.each(['a..b', 'a[', 'a[x]', 'a.'])('refuses %s', (path) => {
    expect(() => parseFieldPath(path)).toThrow(/field path/);
  });

  it('reads values and gives undefined for a missing step', () => {
    const doc = { a: [{ b: 1 }], c: null };
    expect(readFieldPath(doc, ['a', 0, 'b'])).toBe(1);
    expect(readFieldPath(doc, ['a', 1, 'b'])).toBeUndefined();
    expect(readFieldPath(doc, ['c', 'd'])).toBeUndefined();
    expect(readFieldPath(doc, ['toString'])).toBeUndefined();
  });
});

describe('URL templates', () => {
  it('replaces {symbol} and {date}, URL-encoded, and names unknown placeholders', () => {
    expect(expandUrl('https://x/q?s={symbol}&d={date}', { symbol: 'BRK.B & co', date: '2025-11-24' })).toBe('https://x/q?s=BRK.B%20%26%20co&d=2025-11-24');
    expect(unknownPlaceholders('https://x/{symbol}?k={apikey}&d={date}')).toEqual(['apikey']);
  });
});

describe('mapResponse', () => {
  it('maps a JSON record list, skipping records without a number', () => {
    const body = JSON.stringify({ obs: [{ d: '2025-11-20', v: '4.10' }, { d: '2025-11-21', v: '.' }, { d: '2025-11-24', v: 4.04 }, { d: 'someday', v: 1 }] });
    const out = mapResponse(body, { format: 'json', records: 'obs', value: 'v', time: 'd' }, ctx);
    expect(out.records).toEqual([
      { value: 4.1, time: Date.UTC(2025, 10, 20, 5) },
      { value: 4.04, time: Date.UTC(2025, 10, 24, 5) },
    ]);
    expect(out.skipped).toEqual(['obs[1]: value "." is not a number', 'obs[3]: time "someday" is not a date, date-time or epoch time']);
  });

  it('maps a single JSON document with a {symbol} path and no time', () => {
    expect(mapResponse('{"rates":{"NWR":41.5}}', { format: 'json', value: 'rates.{symbol}' }, ctx).records).toEqual([{ value: 41.5 }]);
  });

  it('maps CSV by column name (case-insensitive); without a time column only the last row counts', () => {
    const csv = 'Date,Close\n2025-11-21,41.05\n2025-11-24,41.97\n';
    expect(mapResponse(csv, { format: 'csv', value: 'close', time: 'date' }, ctx).records).toEqual([
      { value: 41.05, time: Date.UTC(2025, 10, 21, 5) },
      { value: 41.97, time: Date.UTC(2025, 10, 24, 5) },
    ]);
    expect(mapResponse(csv, { format: 'csv', value: 'Close' }, ctx).records).toEqual([{ value: 41.97 }]);
    expect(mapResponse('a;b\n1;2,5\n', { format: 'csv', value: 'b', delimiter: ';' }, ctx).records).toEqual([]);
  });

  it.each([
    ['a body that is not JSON', '<html>', { format: 'json' as const, value: 'x' }, /provider "p" NWR: the response is not JSON/],
    ['a records path that is no array', '{"data":{}}', { format: 'json' as const, records: 'data', value: 'x' }, /records path "data" is an object|records path "data" is \{\}, not an array/],
    ['a value path found nowhere', '{"price":1}', { format: 'json' as const, value: 'quote.price' }, /no record has a value at "quote.price"/],
    ['a CSV without the column', 'Date,Open\n2025-11-24,1\n', { format: 'csv' as const, value: 'Close', time: 'Date' }, /the CSV header has no column "Close" \(columns: Date, Open\)/],
    ['an empty CSV', '', { format: 'csv' as const, value: 'Close' }, /the CSV response is empty/],
  ])('rejects %s', (_name, body, mapping, message) => {
    expect(() => mapResponse(body, mapping, ctx)).toThrow(message);
  });

  it('reads epoch seconds and milliseconds, ISO date-times with and without offset', () => {
    expect(timeOf(1764003600, 'UTC')).toBe(1764003600000);
    expect(timeOf('1764003600000', 'UTC')).toBe(1764003600000);
    expect(timeOf('2025-11-24T16:00:00Z', 'America/New_York')).toBe(Date.UTC(2025, 10, 24, 16));
    expect(timeOf('2025-11-24 16:00:00', 'America/New_York')).toBe(Date.UTC(2025, 10, 24, 21));
    expect(timeOf('2025-11-24T16:00:00+01:00', 'UTC')).toBe(Date.UTC(2025, 10, 24, 15));
    expect(timeOf('yesterday', 'UTC')).toBeUndefined();
  });
});
