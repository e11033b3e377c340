/**
 * npm run bench:forecast -- ../shared/datasets/m4-weekly [--out forecasts.csv]
 *
 * Backtest on M4 Weekly's training file: for each of the 359 series the last 13 training weeks are
 * held out, each method is fitted on the rest and forecasts 13 weeks, scored with M4's sMAPE, MASE
 * (m = 1) and OWA against Naive2 (ratios of set-level means). This is NOT M4's test set; the
 * published anchors (Naive2 9.161 / OWA 1.000, Theta 9.093 / 0.971, Forecast Pro 6.582 / 0.739)
 * were measured on the real test weeks. AutoARIMA sees only the last 260 points (five years) of
 * each series to keep the bench within a few minutes; the other methods see the whole history.
 * `--out FILE` writes the headline method's forecasts for the FULL training series as
 * `id,F1,…,F13`, so they can be scored on M4's test weeks elsewhere. Last line:
 *   m4weekly smape=X mase=Y owa=Z n=359 s=T
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { createAutoArima } from '../analytics/forecast/auto-arima';
import { combineForecasts, type Pooling } from '../analytics/forecast/combination';
import type { Forecast, Forecaster } from '../analytics/forecast/forecast-result';
import { holtDamped } from '../analytics/forecast/holt-damped';
import { owa, scoreSet, type SetScore } from '../analytics/forecast/m4-metrics';
import { parseM4TrainCsv, type M4Series } from '../analytics/forecast/m4-train-csv';
import { naiveForecast } from '../analytics/forecast/naive';
import { naive2 } from '../analytics/forecast/naive2';
import { ses } from '../analytics/forecast/ses';
import { theta } from '../analytics/forecast/theta';

const HORIZON = 13;
const ARIMA_HISTORY = 260;
const MEMBERS: readonly Forecaster[] = [naive2, ses, theta, holtDamped, createAutoArima({ maxHistory: ARIMA_HISTORY })];

/**
 * Candidate combinations shown in the table; the first (equal-weight mean of the four models, the
 * M4 "Comb" idea) is the headline method, fixed in advance rather than picked per run.
 */
const COMBINATIONS: readonly { label: string; how: Pooling; members: readonly string[] }[] = [
  { label: 'combo mean(ses,theta,holt,arima)', how: 'mean', members: ['ses', 'theta', 'holt-damped', 'arima'] },
  { label: 'combo median(ses,theta,holt,arima)', how: 'median', members: ['ses', 'theta', 'holt-damped', 'arima'] },
  { label: 'combo median(ses,theta,holt)', how: 'median', members: ['ses', 'theta', 'holt-damped'] },
  { label: 'combo mean(theta,holt,arima)', how: 'mean', members: ['theta', 'holt-damped', 'arima'] },
];

function parseArgs(argv: readonly string[]): { folder?: string; out?: string } {
  const args: { folder?: string; out?: string } = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--out') {
      const file = argv[++i];
      if (!file) throw new Error('usage: forecast-bench FOLDER [--out FILE] (--out needs a file name)');
      args.out = file;
    } else if (arg.startsWith('--')) {
      throw new Error(`usage: forecast-bench FOLDER [--out FILE] (unknown option ${arg})`);
    } else {
      args.folder = arg;
    }
  }
  return args;
}

/** Every member's forecast of `history`; a member that fails gets the naive forecast, counted in `failures`. */
function forecastAll(history: readonly number[], failures: Map<string, number>): Map<string, Forecast> {
  const out = new Map<string, Forecast>();
  for (const member of MEMBERS) {
    try {
      out.set(member.name, member.forecast(history, HORIZON, 95));
    } catch {
      failures.set(member.name, (failures.get(member.name) ?? 0) + 1);
      out.set(member.name, { ...naiveForecast(history, HORIZON, 95), method: `${member.name} (fell back to naive)` });
    }
  }
  for (const combo of COMBINATIONS) {
    out.set(combo.label, combineForecasts(combo.members.map((m) => out.get(m) as Forecast), combo.how));
  }
  return out;
}

function main(): void {
  const started = performance.now();
  const { folder, out } = parseArgs(process.argv.slice(2));
  const file = folder ? path.join(folder, 'Weekly-train.csv') : undefined;
  if (!file || !existsSync(file)) {
    console.log(`forecast bench: M4 Weekly data not found (${file ?? 'no folder given'}); usage: npm run bench:forecast -- ../shared/datasets/m4-weekly [--out FILE]. Nothing to do.`);
    return;
  }
  const series: M4Series[] = parseM4TrainCsv(readFileSync(file, 'utf8'));
  console.log(`M4 Weekly: ${series.length} series. Backtest = last ${HORIZON} TRAINING weeks held out (not M4's test set).`);
  console.log(`AutoARIMA fitted on the last ${ARIMA_HISTORY} points of each series; other methods on the full history.`);

  const labels = [...MEMBERS.map((m) => m.name), ...COMBINATIONS.map((c) => c.label)];
  const cases = new Map<string, { inSample: number[]; actual: number[]; forecast: number[] }[]>(labels.map((l) => [l, []]));
  const failures = new Map<string, number>();
  for (const s of series) {
    const inSample = s.values.slice(0, -HORIZON);
    const actual = s.values.slice(-HORIZON);
    const forecasts = forecastAll(inSample, failures);
    for (const label of labels) cases.get(label)!.push({ inSample, actual, forecast: (forecasts.get(label) as Forecast).mean });
  }
  const scores = new Map<string, SetScore>(labels.map((l) => [l, scoreSet(cases.get(l)!)]));
  const base = scores.get('naive2') as SetScore;
  console.log(`${'method'.padEnd(38)} ${'sMAPE'.padStart(8)} ${'MASE'.padStart(8)} ${'OWA'.padStart(7)}`);
  for (const label of labels) {
    const s = scores.get(label) as SetScore;
    console.log(`${label.padEnd(38)} ${s.smape.toFixed(3).padStart(8)} ${s.mase.toFixed(3).padStart(8)} ${owa(s, base).toFixed(3).padStart(7)}`);
  }
  for (const [name, count] of failures) console.log(`note: ${name} failed on ${count} fits and was replaced by the naive forecast there`);
  const headline = COMBINATIONS[0]!.label;

  if (out) {
    const rows = [['id', ...Array.from({ length: HORIZON }, (_, i) => `F${i + 1}`)].join(',')];
    for (const s of series) {
      const f = forecastAll(s.values, failures).get(headline) as Forecast;
      rows.push([s.id, ...f.mean.map((v) => String(v))].join(','));
    }
    writeFileSync(out, rows.join('\n') + '\n');
    console.log(`wrote ${series.length} full-history forecasts of ${headline} to ${out}`);
  }
  const h = scores.get(headline) as SetScore;
  const seconds = (performance.now() - started) / 1000;
  console.log(`headline: ${headline}; anchors on M4's real test set: Naive2 9.161/1.000, Theta 9.093/0.971, best 6.582/0.739`);
  console.log(`m4weekly smape=${h.smape.toFixed(3)} mase=${h.mase.toFixed(3)} owa=${owa(h, base).toFixed(3)} n=${series.length} s=${seconds.toFixed(1)}`);
}

main();
