/**
 * npm run bench:fatigue [-- metrics_config.json notification_settings.yaml --days 365 --seed 42
 *                          --start 2025-01-06 --ack each|none --ack-delay-min 5 --no-baseline --explain 20]
 *
 * Replays a year of the demo company (with its recorded incidents) through the whole alerting
 * engine with the example configuration and counts what people would have been told
 * (bench/fatigue/fatigue-replay.ts: replay; fatigue-score.ts: counting; incident-signatures.ts:
 * which alerts show which incident). The same replay runs a plain threshold setup alongside (the
 * static/covenant/variance/trend/nodata rules without `for`, hysteresis or consolidation: every
 * firing is a page). People acknowledge each paged incident 5 minutes after the page (--ack none:
 * nobody does). Incidents: the demo's six (critical: cash_drop, outage, covenant_squeeze). A
 * notification is one decision to tell people (the dispatches of one incident, reason and instant,
 * which differ only by the channels their recipients get, count once; the per-dispatch count is
 * printed beside it). Last line:
 *   fatigue incidents=N detected=D notifications=K per_incident=R false_pages=F
 * Goal: every critical incident detected, at most 2 notifications per incident, fewer false pages
 * than the plain threshold setup.
 */
import path from 'node:path';
import { loadMetricsConfig, loadNotificationSettings } from '../config/config-loader';
import type { Incident as DemoIncident } from '../sources/demo-company';
import { collapsedPages, decisionsOf, fatigueLine, incidentsShownBy, isNotification, pageBreakdown, scorePages, type FatigueScore, type Page, type ScoreOptions } from './fatigue/fatigue-score';
import { replayDemoYear, type AckModel } from './fatigue/fatigue-replay';
import { plainThresholdMetrics } from './fatigue/plain-threshold-config';

interface Options {
  metrics: string;
  notifications: string;
  days: number;
  seed: number;
  start: number;
  ack: AckModel;
  ackDelayMin: number;
  baseline: boolean;
  explain: number;
}

const USAGE =
  'usage: fatigue-bench [metrics_config.json] [notification_settings.yaml] [--days N] [--seed N] [--start YYYY-MM-DD] [--ack each|none] [--ack-delay-min N] [--no-baseline] [--explain N]';

function parseOptions(argv: readonly string[]): Options {
  const files: string[] = [];
  const options: Options = {
    metrics: 'metrics_config.json',
    notifications: 'notification_settings.yaml',
    days: 365,
    seed: 42,
    start: Date.UTC(2025, 0, 6),
    ack: 'each',
    ackDelayMin: 5,
    baseline: true,
    explain: 0,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      files.push(arg);
      continue;
    }
    if (arg === '--no-baseline') {
      options.baseline = false;
      continue;
    }
    const value = argv[++i];
    if (value === undefined) throw new Error(`${USAGE}\n(${arg} needs a value)`);
    const number = Number(value);
    switch (arg) {
      case '--days':
      case '--seed':
      case '--ack-delay-min':
      case '--explain':
        if (!Number.isInteger(number) || number < 0) throw new Error(`${USAGE}\n(${arg}: expected a whole number, got "${value}")`);
        if (arg === '--days') options.days = number;
        else if (arg === '--seed') options.seed = number;
        else if (arg === '--explain') options.explain = number;
        else options.ackDelayMin = number;
        break;
      case '--start': {
        const ms = Date.parse(`${value}T00:00:00Z`);
        if (!Number.isFinite(ms)) throw new Error(`${USAGE}\n(--start: expected YYYY-MM-DD, got "${value}")`);
        options.start = ms;
        break;
      }
      case '--ack':
        if (value !== 'each' && value !== 'none') throw new Error(`${USAGE}\n(--ack: expected each or none, got "${value}")`);
        options.ack = value;
        break;
      default:
        throw new Error(`${USAGE}\n(unknown option ${arg})`);
    }
  }
  if (files[0] !== undefined) options.metrics = files[0];
  if (files[1] !== undefined) options.notifications = files[1];
  if (options.days < 1) throw new Error(`${USAGE}\n(--days must be at least 1)`);
  return options;
}

const HOUR = 3_600_000;

function explain(label: string, pages: readonly Page[], incidents: readonly DemoIncident[], n: number, options: ScoreOptions = {}): void {
  if (n === 0) return;
  for (const incident of incidents) {
    const own = decisionsOf(pages).filter((p) => isNotification(p, !options.countWithoutRecipients) && incidentsShownBy(p, [incident], options.signatures).length > 0);
    console.log(`  ${label}: pages attributed to ${incident.id} (${own.length}, first ${Math.min(n, own.length)}):`);
    for (const p of own.slice(0, n)) {
      const rules = [...new Set(p.alerts.map((a) => `${a.kpi}/${a.ruleId}`))].join(' + ');
      console.log(`    +${((p.at - incident.start) / HOUR).toFixed(1).padStart(7)} h  ${p.reason.padEnd(11)} ${p.severity.padEnd(8)} ${p.source.slice(0, 8)}  to ${p.recipients.join(',') || '-'}  ${rules}`);
    }
  }
  for (const which of ['false', 'attributed'] as const) {
    const rows = pageBreakdown(pages, incidents, which, options);
    console.log(`  ${label}: ${which} pages by reason, severity and alerts (top ${n} of ${rows.length}):`);
    for (const row of rows.slice(0, n)) console.log(`    ${String(row.pages).padStart(5)}  ${row.key}`);
  }
}

function describeScore(label: string, score: FatigueScore): void {
  const reasons = Object.entries(score.byReason)
    .map(([r, n]) => `${r}=${n}`)
    .join(' ');
  console.log(
    `${label}: pages=${score.notifications} (${reasons}) dispatches=${score.dispatches} recipient_messages=${score.recipientMessages} attributed=${score.attributed} false=${score.falsePages} detected=${score.detected}/${score.incidents} critical_detected=${score.criticalDetected}/${score.criticalIncidents}`,
  );
  for (const o of score.outcomes) {
    const when = o.firstPageAfterMs === undefined ? 'missed' : `first page after ${(o.firstPageAfterMs / HOUR).toFixed(1)} h`;
    console.log(`  ${o.incident.id.padEnd(28)} ${o.incident.kind.padEnd(18)} ${(o.critical ? 'critical' : 'warning').padEnd(8)} ${String(o.notifications).padStart(4)} pages  ${when}`);
  }
  if (score.falseByRule.length > 0) {
    console.log(`  false pages by rule: ${score.falseByRule.slice(0, 12).map((r) => `${r.rule}=${r.pages}`).join(' ')}`);
  }
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2));
  const metrics = loadMetricsConfig(path.resolve(options.metrics));
  const settings = loadNotificationSettings(path.resolve(options.notifications));
  const began = Date.now();
  const result = await replayDemoYear({
    metrics,
    settings,
    ...(options.baseline ? { baseline: plainThresholdMetrics(metrics) } : {}),
    seed: options.seed,
    anchor: options.start,
    days: options.days,
    ack: options.ack,
    ackDelayMs: options.ackDelayMin * 60_000,
    onDay: (day, days) => {
      if (day % 30 === 0) process.stderr.write(`  day ${day}/${days} (${((Date.now() - began) / 1000).toFixed(0)} s)\n`);
    },
  });
  const seconds = (Date.now() - began) / 1000;
  const s = result.stats;
  console.log(
    `replayed ${options.days} days (+365 warm-up) seed=${options.seed} ack=${options.ack}${options.ack === 'each' ? ` after ${options.ackDelayMin} min` : ''}: ` +
      `raw=${s.rawPoints} derived=${s.derivedPoints} rollups=${s.rollupPoints} transitions=${s.transitions} ticks=${s.ticks} acks=${s.acknowledgements} ` +
      `warmup_pages=${result.warmupPages.length} in ${seconds.toFixed(1)} s (warm-up ${s.warmupSeconds.toFixed(1)} s)`,
  );
  if (s.unsupportedRules.length > 0) console.log(`rules without an evaluator: ${s.unsupportedRules.join(', ')}`);
  if (result.warmupPages.length > 0) describeScore('warm-up year (not counted)', scorePages(result.warmupPages, []));
  const score = scorePages(result.pages, result.incidents);
  describeScore('finmon', score);
  explain('finmon', result.pages, result.incidents, options.explain);
  const perDispatch = scorePages(result.pages, result.incidents, { perDispatch: true });
  console.log(
    `counting each dispatch as a notification (one decision to people on different channels is several): notifications=${perDispatch.notifications} per_incident=${perDispatch.perIncident.toFixed(2)} false_pages=${perDispatch.falsePages}`,
  );
  const collapsed = scorePages(collapsedPages(result.pages), result.incidents);
  console.log(
    `if one notification were one message and reminders paged only on a severity raise: notifications=${collapsed.notifications} per_incident=${collapsed.perIncident.toFixed(2)} false_pages=${collapsed.falsePages}`,
  );
  if (options.baseline) {
    const base = scorePages(result.baselinePages, result.incidents, { countWithoutRecipients: true });
    describeScore('plain threshold setup', base);
    explain('plain', result.baselinePages, result.incidents, options.explain, { countWithoutRecipients: true });
    console.log(`baseline notifications=${base.notifications} per_incident=${base.perIncident.toFixed(2)} false_pages=${base.falsePages} detected=${base.detected}`);
  }
  console.log(fatigueLine(score));
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
