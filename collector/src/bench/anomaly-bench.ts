/**
 * NAB benchmark of finmon's streaming anomaly detection.
 * Usage: node collector/dist/bench/anomaly-bench.js <nab-folder> [--out DIR] [--detector NAME]
 *   NAME: novelty-rule (default: NoveltyAnomalyDetector as an anomaly rule with `method: novelty`
 *   runs it on a 5-minute KPI, memory bounded per series), novelty (the same with the detector's
 *   unbounded defaults), combined (createAnomalyDetector(), the detector
 *   behind the anomaly rule kind, with its default options),
 *   windowed-gaussian (NAB's reference detector, to check the scorer: NAB publishes 41.42/26.48/48.45).
 * Streams each file through a fresh detector (no look-ahead, same parameters everywhere, labels never
 * shown to the detector), writes results/<detector>/<category>/<detector>_<file>.csv, scores them with
 * the project's NAB scorer — which, as NAB's optimizer does, picks one corpus-wide threshold per
 * profile — and prints as last line: `nab standard=X low_fp=Y low_fn=Z points_s=N`.
 */
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createAnomalyDetector } from '../analytics/anomaly';
import { NoveltyAnomalyDetector } from '../analytics/anomaly/novelty-anomaly-detector';
import { noveltyRuleOptions } from '../analytics/anomaly/novelty-rule-options';
import { formatNabResults } from '../analytics/nab/nab-corpus';
import { loadNabCorpus, runDetector, scoreProfiles, StreamScorer } from './nab-corpus-runner';
import { NabWindowedGaussian } from './nab-reference-detectors';

const DETECTORS: Record<string, () => StreamScorer> = {
  novelty: () => new NoveltyAnomalyDetector(),
  // As an anomaly rule (`method: novelty`) runs it on a 5-minute KPI (NAB's usual spacing): memory
  // bounded per series (noveltyRuleOptions).
  'novelty-rule': () => new NoveltyAnomalyDetector(noveltyRuleOptions(5 * 60_000)),
  combined: () => {
    const detector = createAnomalyDetector();
    return { update: (time, value) => detector.update(time, value).score };
  },
  'windowed-gaussian': () => new NabWindowedGaussian(),
};

function option(argv: string[], name: string): string | undefined {
  const at = argv.indexOf(name);
  return at >= 0 ? argv[at + 1] : undefined;
}

function main(argv: string[]): void {
  const outArg = option(argv, '--out');
  const detectorName = option(argv, '--detector') ?? 'novelty-rule';
  const optionValues = new Set([outArg, option(argv, '--detector')]);
  const folder = argv.find((a, i) => !a.startsWith('--') && !(optionValues.has(a) && argv[i - 1]?.startsWith('--')));
  const create = DETECTORS[detectorName];
  if (create === undefined) {
    console.log(`anomaly bench: unknown detector ${JSON.stringify(detectorName)}; expected one of ${Object.keys(DETECTORS).join(', ')}`);
    process.exitCode = 2;
    return;
  }
  if (folder === undefined || !existsSync(join(folder, 'data')) || !existsSync(join(folder, 'labels', 'combined_windows.json'))) {
    console.log(`anomaly bench: NAB data not found${folder ? ` at ${folder}` : ''} (need <folder>/data and <folder>/labels/combined_windows.json); usage: npm run bench:anomaly -- <nab-folder> [--out DIR] [--detector ${Object.keys(DETECTORS).join('|')}]. Skipping.`);
    return;
  }
  const files = loadNabCorpus(folder);
  const run = runDetector(files, create);
  const resultName = `finmon-${detectorName}`;
  const outDir = outArg ?? mkdtempSync(join(tmpdir(), 'finmon-nab-'));
  files.forEach((f, k) => {
    const dir = join(outDir, 'results', resultName, f.category);
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, `${resultName}_${f.name}`), formatNabResults(f.series, run.scored[k]!.scores, f.windows));
  });
  const { standard, lowFp, lowFn } = scoreProfiles(run.scored);
  for (const r of [standard, lowFp, lowFn]) {
    console.log(`${r.profile}: threshold=${r.threshold} raw=${r.raw.toFixed(3)} normalized=${r.normalized.toFixed(2)} windows=${r.windowCount}`);
  }
  console.log(`detector ${detectorName}: ${files.length} files, ${run.points} points, results in ${join(outDir, 'results', resultName)}`);
  const pointsPerSecond = Math.round(run.points / (run.detectorMs / 1000));
  console.log(`nab standard=${standard.normalized.toFixed(1)} low_fp=${lowFp.normalized.toFixed(1)} low_fn=${lowFn.normalized.toFixed(1)} points_s=${pointsPerSecond}`);
}

main(process.argv.slice(2));
