import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadNabCorpus, runDetector, scoreProfiles, StreamScorer } from './nab-corpus-runner';

/** A NAB-shaped folder with one file of 100 rows and one window on rows 50..59. */
function corpus(): string {
  const dir = mkdtempSync(join(tmpdir(), 'nab-runner-'));
  mkdirSync(join(dir, 'data', 'synthetic'), { recursive: true });
  mkdirSync(join(dir, 'labels'));
  const rows = Array.from({ length: 100 }, (_, i) => {
    const t = new Date(Date.UTC(2014, 0, 1) + i * 300_000).toISOString().replace('T', ' ').slice(0, 19);
    return `${t},${i === 50 ? 100 : 1}`;
  });
  writeFileSync(join(dir, 'data', 'synthetic', 'a.csv'), `timestamp,value\n${rows.join('\n')}\n`);
  const at = (i: number): string => `${rows[i]!.split(',')[0]}.000000`;
  writeFileSync(join(dir, 'labels', 'combined_windows.json'), JSON.stringify({ 'synthetic/a.csv': [[at(50), at(59)]] }));
  return dir;
}

describe('NAB corpus runner', () => {
  it('loads files with their windows as row indices', () => {
    const files = loadNabCorpus(corpus());
    expect(files.map((f) => f.key)).toEqual(['synthetic/a.csv']);
    expect(files[0]!.windows).toEqual([{ left: 50, right: 59 }]);
    expect(files[0]!.series.values.length).toBe(100);
  });

  it('streams every file through a fresh detector and scores it', () => {
    const files = loadNabCorpus(corpus());
    let created = 0;
    const threshold = (): StreamScorer => {
      created++;
      return { update: (_t, v) => (v > 50 ? 1 : 0) };
    };
    const run = runDetector(files, threshold);
    expect(created).toBe(1);
    expect(run.points).toBe(100);
    const { standard, lowFp, lowFn } = scoreProfiles(run.scored);
    // the one detection is on the window's first row: a perfect detector
    expect(standard.normalized).toBeCloseTo(100, 10);
    expect(lowFp.normalized).toBeCloseTo(100, 10);
    expect(lowFn.normalized).toBeCloseTo(100, 10);
  });
});
