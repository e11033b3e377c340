import { bandScore, bandZ, learnedBand, Z99, Z999 } from './learned-band';
import { BandPointBuffer, bandPoint } from './band-points';

describe('learned bands', () => {
  it.each([
    [95, 1.959964],
    [99, 2.575829],
    [99.9, 3.290527],
  ])('bandZ(%d) = %d (two-sided normal quantile)', (pct, z) => {
    expect(bandZ(pct)).toBeCloseTo(z, 5);
  });

  it('rejects a coverage outside (0, 100)', () => {
    expect(() => bandZ(100)).toThrow(/pct must be in \(0, 100\), got 100/);
  });

  it('builds the 99 % and 99.9 % bands around the expected value', () => {
    expect(learnedBand(100, 10)).toEqual({ expected: 100, lo99: 100 - 10 * Z99, hi99: 100 + 10 * Z99, lo999: 100 - 10 * Z999, hi999: 100 + 10 * Z999 });
  });

  it.each([
    [0, 0],
    [Z99, 0.99],
    [-Z999, 0.999],
    [1.959964, 0.95],
    [Infinity, 1],
    [NaN, 0],
  ])('bandScore(%d) = %d', (z, score) => {
    expect(bandScore(z)).toBeCloseTo(score, 6);
  });
});

describe('band points', () => {
  const band = learnedBand(50, 2);

  it('makes a kpi_band point with the series tags plus kpi', () => {
    const p = bandPoint('revenue', { region: 'emea' }, 1_000, band);
    expect(p).toMatchObject({ kpi: 'kpi_band', tags: { region: 'emea', kpi: 'revenue' }, value: 50, time: 1_000, ns: 1_000_000_000n });
    expect(p.fields).toEqual({ expected: 50, lo99: band.lo99, hi99: band.hi99, lo999: band.lo999, hi999: band.hi999 });
  });

  it('keeps one point per series and time, throttles per series, drains', () => {
    const buffer = new BandPointBuffer({ minIntervalMs: 60_000 });
    buffer.add('k', ',a=1', { a: '1' }, 0, band);
    buffer.add('k', ',a=1', { a: '1' }, 0, band); // second rule, same point
    buffer.add('k', ',a=1', { a: '1' }, 30_000, band); // throttled
    buffer.add('k', ',a=2', { a: '2' }, 30_000, band); // another series
    buffer.add('k', ',a=1', { a: '1' }, 60_000, band);
    expect(buffer.bandPoints().map((p) => [p.tags.a, p.time])).toEqual([
      ['1', 0],
      ['2', 30_000],
      ['1', 60_000],
    ]);
    expect(buffer.bandPoints()).toEqual([]);
  });

  it('drops the oldest points beyond its capacity and counts them', () => {
    const buffer = new BandPointBuffer({ capacity: 2 });
    for (let t = 0; t < 4; t++) buffer.add('k', '', {}, t, band);
    expect(buffer.dropped).toBe(2);
    expect(buffer.bandPoints().map((p) => p.time)).toEqual([2, 3]);
  });
});
