/**
 * node collector/dist/bench/anomaly-demo-report.js [metrics_config.json] [days]
 *
 * Runs the anomaly rules of the configuration (with the other rules removed) over a simulated year
 * of the demo company (collector/src/sources/demo-company) through the real AlertEngine, then
 * compares the alerts with the injected incidents (`DemoCompany.incidents()`): an alert of a KPI the
 * incident names, on a matching series, between its start and 7 days after its end, is a catch
 * (delay = first firing − incident start); any other firing is a false alarm. The intraday KPI
 * response_time_p95 is left out to keep the run short. Last line:
 *   demo anomaly caught=C/N median_delay_h=D false_alarms=F per_series_month=R
 */
import { readFileSync } from 'node:fs';
import { AlertEngine } from '../alerting/alert-engine';
import { builtInRuleKinds } from '../alerting/rules/rule-kind-registry';
import { createAnomalyRuleKind } from '../alerting/rules/kinds/anomaly-kind';
import { parseMetricsConfig } from '../config/config-loader';
import { DemoCompany } from '../sources/demo-company/demo-company';

const DAY = 86_400_000;

function main(): void {
  const file = process.argv[2] ?? 'metrics_config.json';
  const days = Number(process.argv[3] ?? 365);
  const parsed = parseMetricsConfig(readFileSync(file, 'utf8'), file);
  const kpis = parsed.kpis
    .filter((k) => k.id !== 'response_time_p95')
    .map((k) => ({ ...k, rules: (k.rules ?? []).filter((r) => r.type === 'anomaly') }));
  const metrics = { ...parsed, kpis };
  const watched = kpis.filter((k) => k.rules.length > 0).map((k) => k.id);
  const start = Date.UTC(2025, 0, 1, 5);
  const company = new DemoCompany({ seed: 42, start });
  const engine = new AlertEngine({ metrics, now: start, registry: builtInRuleKinds().with(createAnomalyRuleKind()) });
  const firings: { kpi: string; series: Record<string, string>; at: number }[] = [];
  const seriesSeen = new Set<string>();
  for (let t = start; t < start + days * DAY; t += DAY) {
    const points = company.generate(t, t + DAY, { kpis: watched }).sort((a, b) => a.time - b.time);
    for (const p of points) seriesSeen.add(`${p.kpi}${JSON.stringify(p.tags)}`);
    for (const tr of engine.onPoints(points, t + DAY)) {
      if (tr.to === 'firing' && tr.from !== 'firing') firings.push({ kpi: tr.alert.kpi, series: { ...tr.alert.series }, at: tr.at });
    }
    engine.tick(t + DAY);
  }
  const incidents = company.incidents().filter((i) => i.kpis.some((k) => watched.includes(k)) && i.start < start + days * DAY);
  const matches = (f: (typeof firings)[number], i: (typeof incidents)[number]) =>
    i.kpis.includes(f.kpi) && Object.entries(i.entity).every(([k, v]) => f.series[k] === undefined || f.series[k] === v) && f.at >= i.start && f.at < i.end + 7 * DAY;
  const delays: number[] = [];
  for (const i of incidents) {
    const first = firings.filter((f) => matches(f, i)).sort((a, b) => a.at - b.at)[0];
    console.log(`${i.id.padEnd(28)} ${i.kind.padEnd(22)} ${i.kpis.filter((k) => watched.includes(k)).join(',').padEnd(30)} ${first ? `caught after ${((first.at - i.start) / 3_600_000).toFixed(0)} h` : 'missed'}`);
    if (first) delays.push((first.at - i.start) / 3_600_000);
  }
  const falseAlarms = firings.filter((f) => !incidents.some((i) => matches(f, i)));
  for (const f of falseAlarms.slice(0, 20)) console.log(`false alarm: ${f.kpi} ${JSON.stringify(f.series)} ${new Date(f.at).toISOString()}`);
  const seriesMonths = (seriesSeen.size * days) / 30.44;
  delays.sort((a, b) => a - b);
  const median = delays.length === 0 ? NaN : delays[Math.floor((delays.length - 1) / 2)]!;
  console.log(
    `demo anomaly caught=${delays.length}/${incidents.length} median_delay_h=${median.toFixed(0)} false_alarms=${falseAlarms.length} per_series_month=${(falseAlarms.length / seriesMonths).toFixed(3)}`,
  );
}

main();
