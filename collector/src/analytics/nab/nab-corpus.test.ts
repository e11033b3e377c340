import { formatNabResults, parseNabCsv, parseNabWindows } from './nab-corpus';

describe('parseNabCsv', () => {
  it('reads timestamps as UTC epoch ms and keeps repeated timestamps as separate rows', () => {
    const s = parseNabCsv('f.csv', 'timestamp,value\n2014-04-10 00:00:00,1.5\n2014-04-10 00:00:00,2\n2014-04-10 00:05:00,-3\n');
    expect(s.timestamps).toEqual(['2014-04-10 00:00:00', '2014-04-10 00:00:00', '2014-04-10 00:05:00']);
    expect(Array.from(s.times)).toEqual([Date.UTC(2014, 3, 10), Date.UTC(2014, 3, 10), Date.UTC(2014, 3, 10, 0, 5)]);
    expect(Array.from(s.values)).toEqual([1.5, 2, -3]);
  });

  it('names file and line of a malformed row', () => {
    expect(() => parseNabCsv('a/b.csv', 'timestamp,value\n2014-04-10 00:00:00,abc\n')).toThrow(/a\/b\.csv:2/);
    expect(() => parseNabCsv('a/b.csv', 'time,v\n')).toThrow(/header/);
  });
});

describe('parseNabWindows', () => {
  it('reads windows per file and rejects a wrong shape', () => {
    const w = parseNabWindows('{"c/f.csv": [["2014-01-01 00:00:00.000000", "2014-01-02 00:00:00.000000"]], "c/g.csv": []}');
    expect(w.get('c/f.csv')).toEqual([['2014-01-01 00:00:00.000000', '2014-01-02 00:00:00.000000']]);
    expect(w.get('c/g.csv')).toEqual([]);
    expect(() => parseNabWindows('{"c/f.csv": [["x"]]}')).toThrow(/c\/f\.csv/);
  });
});

describe('formatNabResults', () => {
  it('writes one row per data row with the window label', () => {
    const s = parseNabCsv('f.csv', 'timestamp,value\n2014-04-10 00:00:00,1\n2014-04-10 00:05:00,2\n');
    expect(formatNabResults(s, [0, 0.75], [{ left: 1, right: 1 }])).toBe(
      'timestamp,value,anomaly_score,label\n2014-04-10 00:00:00,1,0,0\n2014-04-10 00:05:00,2,0.75,1\n',
    );
  });
});
