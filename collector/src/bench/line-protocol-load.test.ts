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
