/**
 * npm run bench:forecast -- ../shared/datasets/m4-weekly [--out forecasts.csv]
 *
 * Backtest on M4 Weekly's training file: for each of the 359 series the last 13 training weeks are
 * held out, each method is fitted on the rest and forecasts 13 weeks, scored with M4's sMAPE, MASE
 * (m = 1) and OWA against Naive2 (ratios of set-level means). This is NOT M4's test set; the
 * published anchors (Naive2 9.161 / OWA 1.000, Theta 9.093 / 0.971, Forecast Pro 6.582 / 0.739)
 * were measured on the real test weeks. The headline method is the pooled ensemble
 * (analytics/forecast/pooled-ensemble.ts): its nets are trained on the windows of all 359 series
 * that end BEFORE the holdout (each series cut at its origin), never on the held-out weeks; it was
 * chosen with forecast-dev-bench.ts at earlier origins, not on this holdout. `--arima` adds
 * AutoARIMA (on the last 260 points, five years, of each series) and the combinations using it to
 * the table, about half a minute more. `--out FILE` retrains the headline method on the FULL
 * training series and writes its forecasts as `id,F1,…,F13`, so they can be scored on M4's test
 * weeks elsewhere. Last line:
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
import { trainPooledEnsemble } from '../analytics/forecast/pooled-ensemble';
import { ses } from '../analytics/forecast/ses';
import { theta } from '../analytics/forecast/theta';

const HORIZON = 13;
const ARIMA_HISTORY = 260;
const LOCAL_MEMBERS: readonly Forecaster[] = [naive2, ses, theta, holtDamped];
const ARIMA: Forecaster = createAutoArima({ maxHistory: ARIMA_HISTORY });
const HEADLINE = 'pooled-ensemble';

/** Combinations of the local members shown in the table for comparison (the M4 "Comb" idea). */
const COMBINATIONS: readonly { label: string; how: Pooling; members: readonly string[] }[] = [
  { label: 'combo mean(ses,theta,holt,arima)', how: 'mean', members: ['ses', 'theta', 'holt-damped', 'arima'] },
  { label: 'combo median(ses,theta,holt,arima)', how: 'median', members: ['ses', 'theta', 'holt-damped', 'arima'] },
  { label: 'combo median(ses,theta,holt)', how: 'median', members: ['ses', 'theta', 'holt-damped'] },
  { label: 'combo mean(theta,holt,arima)', how: 'mean', members: ['theta', 'holt-damped', 'arima'] },
  { label: 'combo mean(ses,theta,holt)', how: 'mean', members: ['ses', 'theta', 'holt-damped'] },
];

interface Args {
  folder?: string;
  out?: string;
  arima: boolean;
}

function parseArgs(argv: readonly string[]): Args {
  const args: Args = { arima: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    if (arg === '--out') {
      const file = argv[++i];
      if (!file) throw new Error('usage: forecast-bench FOLDER [--arima] [--out FILE] (--out needs a file name)');
      args.out = file;
    } else if (arg === '--arima') {
      args.arima = true;
    } else if (arg.startsWith('--')) {
      throw new Error(`usage: forecast-bench FOLDER [--arima] [--out FILE] (unknown option ${arg})`);
    } else {
      args.folder = arg;
    }
  }
  return args;
}

/**
 * Every method's forecast of `history`: the local members, their combinations and the headline
 * (already trained on the set); a member that fails gets the naive forecast, counted in `failures`.
 */
function forecastAll(history: readonly number[], members: readonly Forecaster[], headline: Forecaster, failures: Map<string, number>): Map<string, Forecast> {
  const out = new Map<string, Forecast>();
  for (const member of [...members, headline]) {
    try {
      out.set(member.name, member.forecast(history, HORIZON, 95));
    } catch {
      failures.set(member.name, (failures.get(member.name) ?? 0) + 1);
      out.set(member.name, { ...naiveForecast(history, HORIZON, 95), method: `${member.name} (fell back to naive)` });
    }
  }
  for (const combo of COMBINATIONS) {
    if (!combo.members.every((m) => out.has(m))) continue;
    out.set(combo.label, combineForecasts(combo.members.map((m) => out.get(m) as Forecast), combo.how));
  }
  return out;
}

function main(): void {
  const started = performance.now();
  const { folder, out, arima } = parseArgs(process.argv.slice(2));
  const file = folder ? path.join(folder, 'Weekly-train.csv') : undefined;
  if (!file || !existsSync(file)) {
    console.log(`forecast bench: M4 Weekly data not found (${file ?? 'no folder given'}); usage: npm run bench:forecast -- ../shared/datasets/m4-weekly [--out FILE]. Nothing to do.`);
    return;
  }
  const series: M4Series[] = parseM4TrainCsv(readFileSync(file, 'utf8'));
  console.log(`M4 Weekly: ${series.length} series. Backtest = last ${HORIZON} TRAINING weeks held out (not M4's test set).`);
  if (arima) console.log(`AutoARIMA fitted on the last ${ARIMA_HISTORY} points of each series; other methods on the full history.`);
  const members = arima ? [...LOCAL_MEMBERS, ARIMA] : LOCAL_MEMBERS;
  const names = new Set(members.map((m) => m.name));
  const combos = COMBINATIONS.filter((c) => c.members.every((m) => names.has(m)));
  const trainedOn = (histories: readonly number[][]) => trainPooledEnsemble(histories, HORIZON);
  const headline = trainedOn(series.map((s) => s.values.slice(0, -HORIZON)));

  const labels = [...members.map((m) => m.name), ...combos.map((c) => c.label), HEADLINE];
  const cases = new Map<string, { inSample: number[]; actual: number[]; forecast: number[] }[]>(labels.map((l) => [l, []]));
  const failures = new Map<string, number>();
  for (const s of series) {
    const inSample = s.values.slice(0, -HORIZON);
    const actual = s.values.slice(-HORIZON);
    const forecasts = forecastAll(inSample, members, headline, failures);
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

  if (out) {
    const full = trainedOn(series.map((s) => s.values));
    const rows = [['id', ...Array.from({ length: HORIZON }, (_, i) => `F${i + 1}`)].join(',')];
    for (const s of series) rows.push([s.id, ...full.forecast(s.values, HORIZON, 95).mean.map((v) => String(v))].join(','));
    writeFileSync(out, rows.join('\n') + '\n');
    console.log(`wrote ${series.length} full-history forecasts of ${HEADLINE} to ${out}`);
  }
  const h = scores.get(HEADLINE) as SetScore;
  const seconds = (performance.now() - started) / 1000;
  console.log(`headline: ${HEADLINE} (median of pooled window nets and mean(ses,theta,holt)); anchors on M4's real test set: Naive2 9.161/1.000, Theta 9.093/0.971, best 6.582/0.739`);
  console.log(`m4weekly smape=${h.smape.toFixed(3)} mase=${h.mase.toFixed(3)} owa=${owa(h, base).toFixed(3)} n=${series.length} s=${seconds.toFixed(1)}`);
}

main();
