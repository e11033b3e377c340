/**
 * Loads the NAB corpus, streams it through a detector and scores the results (the I/O half of the
 * NAB bench; the scoring rules live in analytics/nab).
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { NabSeries, parseNabCsv, parseNabWindows } from '../analytics/nab/nab-corpus';
import { locateWindows, NAB_PROFILES, ProfileScore, RowWindow, ScoredFile, scoreCorpus } from '../analytics/nab/nab-scoring';

/** A streaming detector as the bench sees it: one score in [0, 1] per row, rows in order. */
export interface StreamScorer {
  update(time: number, value: number): number;
}

/** One NAB data file with its windows as row indices. */
export interface NabFile {
  readonly key: string;
  readonly category: string;
  readonly name: string;
  readonly series: NabSeries;
  readonly windows: readonly RowWindow[];
}

/** Reads every `<folder>/data/<category>/*.csv` and the windows of `labels/combined_windows.json`. */
export function loadNabCorpus(folder: string): NabFile[] {
  const windowsByFile = parseNabWindows(readFileSync(join(folder, 'labels', 'combined_windows.json'), 'utf8'));
  const files: NabFile[] = [];
  for (const category of readdirSync(join(folder, 'data')).sort()) {
    for (const name of readdirSync(join(folder, 'data', category)).filter((f) => f.endsWith('.csv')).sort()) {
      const key = `${category}/${name}`;
      const series = parseNabCsv(key, readFileSync(join(folder, 'data', category, name), 'utf8'));
      files.push({ key, category, name, series, windows: locateWindows(key, series.timestamps, windowsByFile.get(key) ?? []) });
    }
  }
  return files;
}

/** Scores of one run: per-file detector output, total points and detector time. */
export interface NabRun {
  readonly scored: ScoredFile[];
  readonly points: number;
  readonly detectorMs: number;
}

/** Streams each file through a fresh detector from `create` (no look-ahead: one row at a time). */
export function runDetector(files: readonly NabFile[], create: () => StreamScorer): NabRun {
  const scored: ScoredFile[] = [];
  let points = 0;
  let detectorMs = 0;
  for (const f of files) {
    const n = f.series.values.length;
    const scores = new Float64Array(n);
    const started = process.hrtime.bigint();
    const detector = create();
    for (let i = 0; i < n; i++) scores[i] = detector.update(f.series.times[i]!, f.series.values[i]!);
    detectorMs += Number(process.hrtime.bigint() - started) / 1e6;
    points += n;
    scored.push({ name: f.key, scores, windows: f.windows });
  }
  return { scored, points, detectorMs };
}

/** The three NAB profiles, each with its own corpus-wide optimal threshold (as NAB's optimizer does). */
export function scoreProfiles(scored: readonly ScoredFile[]): { standard: ProfileScore; lowFp: ProfileScore; lowFn: ProfileScore } {
  return {
    standard: scoreCorpus(scored, NAB_PROFILES.standard),
    lowFp: scoreCorpus(scored, NAB_PROFILES.rewardLowFP),
    lowFn: scoreCorpus(scored, NAB_PROFILES.rewardLowFN),
  };
}
