import { BatchMaker, buildSeriesPrefixes } from './line-protocol-load';

describe('ingest benchmark load', () => {
  it('builds exactly the requested number of distinct series', () => {
    const prefixes = buildSeriesPrefixes(10_000);
    expect(prefixes).toHaveLength(10_000);
    expect(new Set(prefixes).size).toBe(10_000);
    expect(prefixes[0]).toMatch(/^bank_balance,account=acct-000,bank=jpm,currency=USD value=$/);
  });

  it('gives every (series, timestamp) pair once across batches', () => {
    const prefixes = buildSeriesPrefixes(30);
    const maker = new BatchMaker(prefixes, 7, 1_000_000_000_000_000_000n);
    const keys = new Set<string>();
    for (let b = 0; b < 20; b++) {
      const lines = maker.batch(b).trimEnd().split('\n');
      expect(lines).toHaveLength(7);
      for (const line of lines) {
        const [series, , ts] = line.split(' ');
        keys.add(`${series} ${ts}`);
      }
    }
    expect(keys.size).toBe(140);
  });
});

describe('ingest benchmark values', () => {
  const valuesOf = (values: 'steady' | 'flapping', kpi: string): number[] => {
    const prefixes = buildSeriesPrefixes(600);
    const maker = new BatchMaker(prefixes, 600, 1_000_000_000_000_000_000n, undefined, values);
    return Array.from({ length: 5 }, (_, b) => maker.batch(b))
      .flatMap((body) => body.trimEnd().split('\n'))
      .filter((line) => line.startsWith(`${kpi},`))
      .map((line) => Number(line.split(' ')[1]!.slice('value='.length)));
  };

  it('keeps steady uptime inside 99.95–99.99 %, above the example warning threshold of 99.9 %', () => {
    const uptime = valuesOf('steady', 'platform_uptime');
    expect(uptime.length).toBeGreaterThan(400);
    expect(Math.min(...uptime)).toBeGreaterThanOrEqual(99.95);
    expect(Math.max(...uptime)).toBeLessThanOrEqual(99.99);
  });

  it('drives flapping uptime across 99.9 % both ways', () => {
    const uptime = valuesOf('flapping', 'platform_uptime');
    expect(uptime.filter((v) => v < 99.9).length).toBeGreaterThan(uptime.length / 4);
    expect(uptime.filter((v) => v > 99.95).length).toBeGreaterThan(uptime.length / 4);
  });
});
