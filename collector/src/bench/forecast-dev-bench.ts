/**
 * node collector/dist/bench/forecast-dev-bench.js ../shared/datasets/m4-weekly [ORIGINS] [--nets]
 *
 * The development backtest used to CHOOSE the forecast method, kept apart from forecast-bench's
 * holdout: the bench holds out the last 13 training weeks; this bench cuts those off first and then
 * backtests at ORIGINS earlier origins (default 3): forecasting weeks −26…−14, −39…−27 and −52…−40
 * of the training file from the data before them. The pooled nets are retrained at every origin on
 * the windows before it. Prints sMAPE / MASE / OWA (against Naive2 = naive for weekly) per origin
 * and the mean OWA; `--nets` also scores each pooled net alone (trains them twice). Last line: `m4weekly-dev owa=X origins=K s=T`.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Forecaster } from '../analytics/forecast/forecast-result';
import { owa, scoreSet, type SetScore } from '../analytics/forecast/m4-metrics';
import { parseM4TrainCsv } from '../analytics/forecast/m4-train-csv';
import { naive2 } from '../analytics/forecast/naive2';
import { DEFAULT_POOLED_NETS, LOCAL_MEAN, trainPooledEnsemble } from '../analytics/forecast/pooled-ensemble';
import { trainPooledWindowNet } from '../analytics/forecast/pooled-window-net';

const HORIZON = 13;

function main(): void {
  const started = performance.now();
  const args = process.argv.slice(2);
  const withNets = args.includes('--nets');
  const [folder, originsArg] = args.filter((a) => a !== '--nets');
  const origins = Number(originsArg ?? 3);
  const file = folder ? path.join(folder, 'Weekly-train.csv') : undefined;
  if (!file || !existsSync(file)) {
    console.log(`forecast dev bench: M4 Weekly data not found (${file ?? 'no folder given'}); usage: node collector/dist/bench/forecast-dev-bench.js ../shared/datasets/m4-weekly [ORIGINS] [--nets]. Nothing to do.`);
    return;
  }
  const training = parseM4TrainCsv(readFileSync(file, 'utf8')).map((s) => s.values.slice(0, -HORIZON));
  const owas: number[] = [];
  for (let k = 1; k <= origins; k++) {
    const cases = training.map((values) => ({ inSample: values.slice(0, values.length - HORIZON * k), actual: values.slice(values.length - HORIZON * k, values.length - HORIZON * (k - 1)) }));
    const histories = cases.map((c) => c.inSample);
    const nets = withNets ? DEFAULT_POOLED_NETS.map((o) => trainPooledWindowNet(histories, { ...o, horizon: HORIZON }).forecaster) : [];
    const methods: Forecaster[] = [naive2, LOCAL_MEAN, ...nets, trainPooledEnsemble(histories, HORIZON)];
    const scores = methods.map((m) => scoreSet(cases.map((c) => ({ ...c, forecast: m.forecast(c.inSample, HORIZON).mean }))));
    const base = scores[0] as SetScore;
    console.log(`origin ${k}: forecasting training weeks −${HORIZON * (k + 1)}…−${HORIZON * k + 1}`);
    methods.forEach((m, i) => {
      const s = scores[i] as SetScore;
      console.log(`  ${m.name.padEnd(44)} ${s.smape.toFixed(3).padStart(8)} ${s.mase.toFixed(3).padStart(8)} ${owa(s, base).toFixed(3).padStart(7)}`);
    });
    owas.push(owa(scores[scores.length - 1] as SetScore, base));
  }
  const seconds = (performance.now() - started) / 1000;
  console.log(`m4weekly-dev owa=${(owas.reduce((a, b) => a + b, 0) / owas.length).toFixed(3)} origins=${origins} s=${seconds.toFixed(1)}`);
}

main();
