/**
 * NAB benchmark of finmon's streaming anomaly detector.
 * Usage: node collector/dist/bench/anomaly-bench.js <nab-folder> [--out DIR]
 * Streams each file through a fresh detector (no look-ahead, same parameters everywhere), writes
 * results/<detector>/<category>/<detector>_<file>.csv, scores them with the project's NAB scorer and
 * prints as last line: `nab standard=X low_fp=Y low_fn=Z points_s=N`.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnomalyDetector } from '../analytics/anomaly';
import { formatNabResults, NabSeries, parseNabCsv, parseNabWindows } from '../analytics/nab/nab-corpus';
import { locateWindows, NAB_PROFILES, ScoredFile, scoreCorpus } from '../analytics/nab/nab-scoring';

const DETECTOR_NAME = 'finmon';

function main(argv: string[]): void {
  const outIndex = argv.indexOf('--out');
  const outArg = outIndex >= 0 ? argv[outIndex + 1] : undefined;
  const folder = argv.find((a, i) => !a.startsWith('--') && (outIndex < 0 || i !== outIndex + 1));
  if (folder === undefined || !existsSync(join(folder, 'data')) || !existsSync(join(folder, 'labels', 'combined_windows.json'))) {
    console.log(`anomaly bench: NAB data not found${folder ? ` at ${folder}` : ''} (need <folder>/data and <folder>/labels/combined_windows.json); usage: npm run bench:anomaly -- <nab-folder> [--out DIR]. Skipping.`);
    return;
  }
  const windowsByFile = parseNabWindows(readFileSync(join(folder, 'labels', 'combined_windows.json'), 'utf8'));
  const outDir = outArg ?? mkdtempSync(join(tmpdir(), 'finmon-nab-'));
  const files: { key: string; category: string; name: string; series: NabSeries }[] = [];
  for (const category of readdirSync(join(folder, 'data')).sort()) {
    for (const name of readdirSync(join(folder, 'data', category)).filter((f) => f.endsWith('.csv')).sort()) {
      const key = `${category}/${name}`;
      files.push({ key, category, name, series: parseNabCsv(key, readFileSync(join(folder, 'data', category, name), 'utf8')) });
    }
  }
  const scored: ScoredFile[] = [];
  let points = 0;
  let detectorMs = 0;
  for (const f of files) {
    const windows = locateWindows(f.key, f.series.timestamps, windowsByFile.get(f.key) ?? []);
    const n = f.series.values.length;
    const scores = new Float64Array(n);
    const started = process.hrtime.bigint();
    const detector = createAnomalyDetector();
    for (let i = 0; i < n; i++) scores[i] = detector.update(f.series.times[i]!, f.series.values[i]!).score;
    detectorMs += Number(process.hrtime.bigint() - started) / 1e6;
    points += n;
    const dir = join(outDir, 'results', DETECTOR_NAME, f.category);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${DETECTOR_NAME}_${f.name}`), formatNabResults(f.series, scores, windows));
    scored.push({ name: f.key, scores, windows });
  }
  const standard = scoreCorpus(scored, NAB_PROFILES.standard);
  const lowFp = scoreCorpus(scored, NAB_PROFILES.rewardLowFP);
  const lowFn = scoreCorpus(scored, NAB_PROFILES.rewardLowFN);
  for (const r of [standard, lowFp, lowFn]) {
    console.log(`${r.profile}: threshold=${r.threshold} raw=${r.raw.toFixed(3)} normalized=${r.normalized.toFixed(2)} windows=${r.windowCount}`);
  }
  console.log(`${files.length} files, ${points} points, results in ${join(outDir, 'results', DETECTOR_NAME)}`);
  const pointsPerSecond = Math.round(points / (detectorMs / 1000));
  console.log(`nab standard=${standard.normalized.toFixed(1)} low_fp=${lowFp.normalized.toFixed(1)} low_fn=${lowFn.normalized.toFixed(1)} points_s=${pointsPerSecond}`);
}

main(process.argv.slice(2));
