/**
 * npm run bench:dashboards
 *
 * Fills a throwaway influxd with a year of the demo company (plus contract-shaped points for the
 * measurements other stages write and the demo does not produce yet: alert_events, kpi_forecast,
 * cash_forecast_13w), then runs every InfluxQL query of every provisioned dashboard — panel
 * queries, annotation queries and template-variable queries — the way Grafana would send them:
 * `$timeFilter`, `$__interval` and template variables substituted, panel time overrides applied.
 * Each query runs over the dashboard's default time range and over the last year, once to warm up
 * and RUNS times timed. Last line:
 *   dashboards queries=N p50_ms=X p95_ms=Y
 * where N is the number of distinct rendered queries (query × time range) and the percentiles are
 * over all timed runs.
 *
 * The rest of this module is the Grafana emulation the bench and the provisioning tests share
 * (test/provisioning-*.test.ts): reading the provisioned dashboards, Grafana's time math and
 * interval rounding, variable resolution and InfluxQL interpolation, and the demo data.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { DateTime } from 'luxon';
import { parse as parseYaml } from 'yaml';
import { runDemo } from '../app/demo-mode';
import { startCollector } from '../app/start-collector';
import { systemClock } from '../core/clock';
import { createLogger, type Logger } from '../core/logger';
import { readRuntimeSettings } from '../runtime/runtime-settings';
import { InfluxClient, type InfluxSeries } from '../storage/influx/influx-client';
import { startInfluxd } from '../storage/influx/influxd-launcher';

export const REPO_ROOT = path.resolve(__dirname, '..', '..', '..');
/** Where docker-compose.yml mounts provisioning/ inside the Grafana container. */
export const GRAFANA_PROVISIONING_DIR = '/etc/grafana/provisioning';
/** The Grafana Live stream the collector pushes to (channels `stream/finmon/<measurement>`). */
export const LIVE_STREAM_ID = 'finmon';

// ------------------------------------------------------------------------------------------------
// Provisioned files

/** A dashboard's JSON as far as finmon's checks and queries need it (the full type is @grafana/schema's). */
export interface DashboardJson {
  uid: string;
  title: string;
  timezone?: string;
  time: { from: string; to: string };
  refresh?: string;
  tags?: string[];
  panels: PanelJson[];
  templating?: { list?: VariableJson[] };
  annotations?: { list?: AnnotationJson[] };
  links?: Array<{ type: string; url?: string; tags?: string[]; includeVars?: boolean; keepTime?: boolean }>;
}

export interface DataSourceRefJson {
  type?: string;
  uid?: string;
}

export interface TargetJson {
  refId: string;
  datasource?: DataSourceRefJson;
  query?: string;
  rawQuery?: boolean;
  resultFormat?: string;
  alias?: string;
  queryType?: string;
  channel?: string;
}

export interface PanelJson {
  id: number;
  type: string;
  title: string;
  gridPos: { x: number; y: number; w: number; h: number };
  datasource?: DataSourceRefJson;
  targets?: TargetJson[];
  panels?: PanelJson[];
  collapsed?: boolean;
  interval?: string;
  maxDataPoints?: number;
  timeFrom?: string;
  timeShift?: string;
  fieldConfig?: { defaults?: { links?: Array<{ title: string; url: string }> } };
  options?: Record<string, unknown>;
}

export interface VariableJson {
  type: string;
  name: string;
  query?: string;
  datasource?: DataSourceRefJson;
  regex?: string;
  sort?: number;
  multi?: boolean;
  includeAll?: boolean;
  allValue?: string;
  current?: { text: string | string[]; value: string | string[] };
}

export interface AnnotationJson {
  name: string;
  builtIn?: number;
  enable: boolean;
  datasource?: DataSourceRefJson;
  target?: TargetJson & { titleColumn?: string; textColumn?: string; tagsColumn?: string };
}

export interface ProvisionedDatasource {
  name: string;
  uid: string;
  type: string;
  /** `jsonData.timeInterval`: Grafana's lower limit of `$__interval` for this datasource. */
  timeInterval?: string;
  database?: string;
}

export interface ProvisionedDashboard {
  /** Path of the JSON file relative to the repository. */
  file: string;
  provider: string;
  folder: string;
  folderUid: string;
  dashboard: DashboardJson;
}

export interface Provisioning {
  datasources: ProvisionedDatasource[];
  dashboards: ProvisionedDashboard[];
}

/** Maps a path inside the Grafana container (under /etc/grafana/provisioning) to the repository. */
export function repositoryPathOf(containerPath: string, repoRoot = REPO_ROOT): string {
  const prefix = `${GRAFANA_PROVISIONING_DIR}/`;
  if (!containerPath.startsWith(prefix)) {
    throw new Error(`provisioning path "${containerPath}" is not under ${GRAFANA_PROVISIONING_DIR}, where docker-compose.yml mounts provisioning/`);
  }
  return path.join(repoRoot, 'provisioning', containerPath.slice(prefix.length));
}

function yamlFiles(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()
    .map((f) => path.join(dir, f));
}

/** Reads provisioning/datasources/*.yaml and the dashboards of every provider in provisioning/dashboards/*.yaml. */
export function loadProvisioning(repoRoot = REPO_ROOT): Provisioning {
  const datasources: ProvisionedDatasource[] = [];
  for (const file of yamlFiles(path.join(repoRoot, 'provisioning', 'datasources'))) {
    const doc = parseYaml(fs.readFileSync(file, 'utf8')) as { datasources?: Array<Record<string, unknown>> };
    for (const ds of doc.datasources ?? []) {
      const jsonData = (ds.jsonData ?? {}) as Record<string, unknown>;
      datasources.push({
        name: String(ds.name),
        uid: String(ds.uid),
        type: String(ds.type),
        timeInterval: typeof jsonData.timeInterval === 'string' ? jsonData.timeInterval : undefined,
        database: typeof jsonData.dbName === 'string' ? jsonData.dbName : undefined,
      });
    }
  }
  const dashboards: ProvisionedDashboard[] = [];
  for (const file of yamlFiles(path.join(repoRoot, 'provisioning', 'dashboards'))) {
    const doc = parseYaml(fs.readFileSync(file, 'utf8')) as {
      providers?: Array<{ name: string; folder?: string; folderUid?: string; options?: { path?: string } }>;
    };
    for (const provider of doc.providers ?? []) {
      const dir = repositoryPathOf(String(provider.options?.path), repoRoot);
      for (const json of fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort()) {
        const full = path.join(dir, json);
        let dashboard: DashboardJson;
        try {
          dashboard = JSON.parse(fs.readFileSync(full, 'utf8')) as DashboardJson;
        } catch (error) {
          throw new Error(`${path.relative(repoRoot, full)} is not valid JSON: ${(error as Error).message}`);
        }
        dashboards.push({
          file: path.relative(repoRoot, full),
          provider: provider.name,
          folder: provider.folder ?? '',
          folderUid: provider.folderUid ?? '',
          dashboard,
        });
      }
    }
  }
  return { datasources, dashboards };
}

/** Every panel of a dashboard, including those inside (collapsed) rows. */
export function allPanels(dashboard: DashboardJson): PanelJson[] {
  return dashboard.panels.flatMap((p) => [p, ...(p.panels ?? [])]);
}

// ------------------------------------------------------------------------------------------------
// Grafana's time math and interval (packages/grafana-data: datemath, rangeutil)

const LUXON_UNIT = { y: 'year', M: 'month', w: 'week', d: 'day', h: 'hour', m: 'minute', s: 'second' } as const;
type GrafanaUnit = keyof typeof LUXON_UNIT;

/**
 * Grafana's date math: `now`, `now-30d`, `now+13w`, `now/M`, `now-1d/d`, or an absolute ISO time.
 * Calendar units and rounding follow the dashboard's time zone; `roundUp` rounds a `/unit` to the
 * end of the unit (as Grafana does for a range's `to`). Throws on anything else.
 */
export function parseGrafanaTime(text: string, nowMs: number, zone: string, roundUp: boolean): number {
  const m = /^now(.*)$/.exec(text.trim());
  if (!m) {
    const absolute = Date.parse(text);
    if (Number.isNaN(absolute)) throw new Error(`"${text}" is neither Grafana time math (now-30d, now/M…) nor an ISO time`);
    return absolute;
  }
  let dt = DateTime.fromMillis(nowMs, { zone });
  if (!dt.isValid) throw new Error(`unknown time zone "${zone}"`);
  let rest = m[1] ?? '';
  const step = /^(?:([+-])(\d+)([yMwdhms])|\/([yMwdhms]))/;
  while (rest.length > 0) {
    const op = step.exec(rest);
    if (!op) throw new Error(`"${text}" is not Grafana time math (expected now, now-30d, now+13w, now/M…)`);
    if (op[4] !== undefined) {
      const unit = LUXON_UNIT[op[4] as GrafanaUnit];
      dt = roundUp ? dt.endOf(unit) : dt.startOf(unit);
    } else {
      const amount = Number(op[2]) * (op[1] === '-' ? -1 : 1);
      dt = dt.plus({ [`${LUXON_UNIT[op[3] as GrafanaUnit]}s`]: amount });
    }
    rest = rest.slice(op[0].length);
  }
  return dt.toMillis();
}

export interface TimeRange {
  fromMs: number;
  toMs: number;
  /** What the range was made from, for messages. */
  label: string;
}

/** A dashboard time range (`{ from: 'now-30d', to: 'now' }`) at `nowMs`. */
export function resolveRange(raw: { from: string; to: string }, nowMs: number, zone: string): TimeRange {
  const fromMs = parseGrafanaTime(raw.from, nowMs, zone, false);
  const toMs = parseGrafanaTime(raw.to, nowMs, zone, true);
  if (!(fromMs < toMs)) throw new Error(`time range ${raw.from} → ${raw.to} is empty`);
  return { fromMs, toMs, label: `${raw.from} → ${raw.to}` };
}

/**
 * The range a panel queries: its relative time (`timeFrom`: `now-6h` or `6h`, up to now) replaces
 * the dashboard's, then its `timeShift` moves the range back (Grafana's applyPanelTimeOverrides).
 */
export function panelRange(dashboardRange: TimeRange, panel: Pick<PanelJson, 'timeFrom' | 'timeShift'>, nowMs: number, zone: string): TimeRange {
  let range = dashboardRange;
  if (panel.timeFrom) {
    const from = panel.timeFrom.startsWith('now') ? panel.timeFrom : `now-${panel.timeFrom}`;
    range = resolveRange({ from, to: 'now' }, nowMs, zone);
  }
  if (panel.timeShift) {
    const shift = `now-${panel.timeShift.replace(/^now-?/, '')}`;
    const fromMs = parseGrafanaTime(shift, range.fromMs, zone, false);
    const toMs = parseGrafanaTime(shift, range.toMs, zone, true);
    range = { fromMs, toMs, label: `${range.label} shifted ${panel.timeShift}` };
  }
  return range;
}

const INTERVAL_SECONDS: Record<string, number> = { y: 31536000, M: 2592000, w: 604800, d: 86400, h: 3600, m: 60, s: 1, ms: 0.001 };

/** Grafana's `intervalToMs`: "15m" → 900000. Throws on a malformed interval. */
export function intervalToMs(text: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|[Mwdhmsy])$/.exec(text.trim());
  if (!m) throw new Error(`"${text}" is not a Grafana interval (e.g. 30s, 15m, 1h, 1d)`);
  return Number(m[1]) * INTERVAL_SECONDS[m[2]!]! * 1000;
}

/** Grafana's ladder of "nice" intervals (rangeutil.roundInterval), in ms. */
export function roundInterval(ms: number): number {
  const ladder: Array<[number, number]> = [
    [10, 1], [15, 10], [35, 20], [75, 50], [150, 100], [350, 200], [750, 500], [1500, 1000], [3500, 2000], [7500, 5000],
    [12500, 10000], [17500, 15000], [25000, 20000], [45000, 30000], [90000, 60000], [210000, 120000], [450000, 300000],
    [750000, 600000], [1050000, 900000], [1500000, 1200000], [2700000, 1800000], [5400000, 3600000], [9000000, 7200000],
    [16200000, 10800000], [32400000, 21600000], [86400000, 43200000], [604800000, 86400000], [1814400000, 604800000],
    [3628800000, 2592000000],
  ];
  for (const [below, value] of ladder) if (ms < below) return value;
  return 31536000000;
}

/** Grafana's `secondsToHms` for whole intervals: 3600 → "1h", 604800 → "7d". */
export function secondsToHms(seconds: number): string {
  const years = Math.floor(seconds / 31536000);
  if (years) return `${years}y`;
  const days = Math.floor((seconds % 31536000) / 86400);
  if (days) return `${days}d`;
  const hours = Math.floor((seconds % 86400) / 3600);
  if (hours) return `${hours}h`;
  const minutes = Math.floor((seconds % 3600) / 60);
  if (minutes) return `${minutes}m`;
  const secs = Math.floor(seconds % 60);
  if (secs) return `${secs}s`;
  return `${Math.floor(seconds * 1000)}ms`;
}

/**
 * `$__interval` of a panel query (rangeutil.calculateInterval): the range divided by the panel's
 * max data points, rounded to a nice interval, never below the panel's min interval or else the
 * datasource's `timeInterval`.
 */
export function calculateInterval(range: TimeRange, maxDataPoints: number, lowLimit: string | undefined): { ms: number; text: string } {
  let ms = roundInterval((range.toMs - range.fromMs) / maxDataPoints);
  const lowMs = lowLimit ? intervalToMs(lowLimit) : 1;
  if (lowMs > ms) ms = lowMs;
  return { ms, text: secondsToHms(ms / 1000) };
}

// ------------------------------------------------------------------------------------------------
// Template variables and InfluxQL interpolation

/** A resolved dashboard variable: its options and current selection. */
export interface ResolvedVariable {
  readonly def: VariableJson;
  readonly options: readonly string[];
  /** The selected values; `allSelected` when the current value is All. */
  readonly selected: readonly string[];
  readonly allSelected: boolean;
}

/** Names Grafana itself defines; `$timeFilter` is replaced by the InfluxDB backend. */
export const BUILT_IN_VARIABLES = new Set([
  'timeFilter', '__interval', '__interval_ms', '__from', '__to', '__range', '__range_s', '__range_ms', '__rate_interval',
  '__url_time_range', '__all_variables', '__dashboard', '__org', '__user', '__timezone', '__name', '__field', '__series',
  '__value', '__data', '__cell', '__calc',
]);

/** Matches $name, ${name}, ${name:format}, ${name.path} and [[name]] (Grafana's variable syntax). */
const VARIABLE_REFERENCE = /\$(\w+)|\[\[(\w+?)(?::(\w+))?\]\]|\$\{(\w+)(?:\.([^:}]+))?(?::([^}]+))?\}/g;

/** Every variable name a text refers to (built-ins included). */
export function variableReferences(text: string): string[] {
  const names: string[] = [];
  for (const m of text.matchAll(VARIABLE_REFERENCE)) names.push((m[1] ?? m[2] ?? m[4])!);
  return names;
}

function escapeInfluxRegex(value: string): string {
  return value.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&');
}

/**
 * A variable's value as Grafana's InfluxDB datasource writes it into a query: a custom All value
 * as is; several values (or All without a custom value) as a regex group `(a|b)`; a single value of
 * a multi-value variable regex-escaped; a single-value variable's value as is.
 */
export function formatVariable(v: ResolvedVariable): string {
  if (v.allSelected && v.def.allValue !== undefined) return v.def.allValue;
  const values = v.allSelected ? v.options : v.selected;
  if (!v.def.multi && !v.def.includeAll) return values[0] ?? '';
  const escaped = values.map(escapeInfluxRegex);
  return escaped.length === 1 ? escaped[0]! : `(${escaped.join('|')})`;
}

export interface InterpolationContext {
  readonly range: TimeRange;
  readonly interval: { ms: number; text: string };
  readonly variables: ReadonlyMap<string, ResolvedVariable>;
}

/**
 * Substitutes a query the way Grafana does before InfluxDB sees it: `$timeFilter` →
 * `time >= <from>ms and time <= <to>ms`, `$__interval`, `$__interval_ms`, and the dashboard's
 * variables. Throws naming a variable that is not defined.
 */
export function interpolateInfluxQuery(query: string, ctx: InterpolationContext): string {
  return query.replace(VARIABLE_REFERENCE, (whole, a?: string, b?: string, _bFormat?: string, c?: string) => {
    const name = (a ?? b ?? c)!;
    switch (name) {
      case 'timeFilter':
        return `time >= ${Math.trunc(ctx.range.fromMs)}ms and time <= ${Math.trunc(ctx.range.toMs)}ms`;
      case '__interval':
        return ctx.interval.text;
      case '__interval_ms':
        return String(ctx.interval.ms);
      case '__from':
        return String(Math.trunc(ctx.range.fromMs));
      case '__to':
        return String(Math.trunc(ctx.range.toMs));
    }
    const variable = ctx.variables.get(name);
    if (!variable) throw new Error(`query refers to ${whole}, which is neither a variable of the dashboard nor one Grafana defines`);
    return formatVariable(variable);
  });
}

/** Runs an InfluxQL query; the bench times it, the tests check it. */
export type QueryRunner = (influxql: string) => Promise<InfluxSeries[]>;

/** Values of a variable query's answer, as Grafana's InfluxDB metricFindQuery reads them. */
function variableValues(series: InfluxSeries[]): string[] {
  const values: string[] = [];
  for (const s of series) {
    const column = s.columns.includes('value') ? 'value' : s.columns.includes('name') ? 'name' : s.columns[0];
    for (const row of s.rows) {
      const v = column === undefined ? undefined : row[column];
      if (v !== null && v !== undefined) values.push(String(v));
    }
  }
  return values;
}

/** A Grafana variable regex written "/pattern/flags" (or a bare pattern). */
function variableRegex(text: string): RegExp {
  const m = /^\/(.*)\/([gimsuy]*)$/.exec(text);
  return m ? new RegExp(m[1]!, m[2]) : new RegExp(text);
}

/**
 * Resolves the dashboard's variables in order (a variable's query may use earlier ones): runs each
 * query variable's query, applies its regex and sort, and takes the current selection (All, or the
 * saved value when it is among the options, else the first option, as Grafana does).
 */
export async function resolveVariables(
  dashboard: DashboardJson,
  run: QueryRunner,
  range: TimeRange,
  override: ReadonlyMap<string, readonly string[]> = new Map(),
): Promise<Map<string, ResolvedVariable>> {
  const resolved = new Map<string, ResolvedVariable>();
  for (const def of dashboard.templating?.list ?? []) {
    if (def.type !== 'query') throw new Error(`variable ${def.name}: type "${def.type}" is not supported by finmon's checks`);
    const query = interpolateInfluxQuery(def.query ?? '', { range, interval: { ms: 0, text: '0s' }, variables: resolved });
    let options = variableValues(await run(query));
    if (def.regex) {
      const re = variableRegex(def.regex);
      options = options.filter((o) => re.test(o));
    }
    options = [...new Set(options)];
    if (def.sort === 1 || def.sort === 5) options.sort();
    if (def.sort === 2 || def.sort === 6) options.sort().reverse();
    const wanted = override.get(def.name) ?? (Array.isArray(def.current?.value) ? def.current.value : def.current ? [def.current.value] : []);
    const allSelected = def.includeAll === true && (wanted.length === 0 || wanted.includes('$__all'));
    let selected = allSelected ? [...options] : wanted.filter((w) => options.includes(w));
    if (!allSelected && selected.length === 0 && options[0] !== undefined) selected = [options[0]];
    resolved.set(def.name, { def, options, selected, allSelected });
  }
  return resolved;
}

// ------------------------------------------------------------------------------------------------
// The queries of a dashboard

export interface DashboardQuery {
  readonly kind: 'panel' | 'annotation';
  /** "panel 'Cash position' A" or "annotation 'Alerts firing'". */
  readonly where: string;
  readonly panel?: PanelJson;
  readonly target: TargetJson;
  readonly datasourceUid: string;
}

/** The datasource uid of a target: its own, else its panel's; undefined when neither names one. */
export function targetDatasourceUid(target: TargetJson, panel?: PanelJson): string | undefined {
  return target.datasource?.uid ?? panel?.datasource?.uid;
}

/** Every InfluxQL query of a dashboard: panel targets (rows included) and annotation queries. */
export function influxQueries(dashboard: DashboardJson, influxUids: ReadonlySet<string>): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  for (const panel of allPanels(dashboard)) {
    for (const target of panel.targets ?? []) {
      const uid = targetDatasourceUid(target, panel);
      if (uid === undefined || !influxUids.has(uid)) continue;
      out.push({ kind: 'panel', where: `panel '${panel.title}' ${target.refId}`, panel, target, datasourceUid: uid });
    }
  }
  for (const annotation of dashboard.annotations?.list ?? []) {
    const uid = annotation.target?.datasource?.uid ?? annotation.datasource?.uid;
    if (!annotation.target || uid === undefined || !influxUids.has(uid)) continue;
    out.push({ kind: 'annotation', where: `annotation '${annotation.name}'`, target: annotation.target, datasourceUid: uid });
  }
  return out;
}

/** A query ready for InfluxDB. */
export interface RenderedQuery {
  readonly dashboardUid: string;
  readonly where: string;
  readonly range: TimeRange;
  readonly influxql: string;
}

/**
 * Renders every InfluxQL query of a dashboard for one dashboard time range, as Grafana would send
 * them: variables resolved (their queries included, first in the list), panel overrides applied,
 * `$__interval` from the panel's max data points and min interval (else the datasource's).
 */
export async function renderDashboardQueries(options: {
  dashboard: DashboardJson;
  datasources: readonly ProvisionedDatasource[];
  run: QueryRunner;
  range: { from: string; to: string };
  nowMs: number;
  variableOverride?: ReadonlyMap<string, readonly string[]>;
}): Promise<{ variables: Map<string, ResolvedVariable>; queries: RenderedQuery[] }> {
  const { dashboard, datasources, run, nowMs } = options;
  const zone = dashboard.timezone && dashboard.timezone !== 'browser' && dashboard.timezone !== 'utc' ? dashboard.timezone : 'UTC';
  const dashboardRange = resolveRange(options.range, nowMs, zone);
  const variableQueries: RenderedQuery[] = [];
  const recordingRun: QueryRunner = (influxql) => {
    variableQueries.push({ dashboardUid: dashboard.uid, where: 'variable query', range: dashboardRange, influxql });
    return run(influxql);
  };
  const variables = await resolveVariables(dashboard, recordingRun, dashboardRange, options.variableOverride);
  const influxUids = new Set(datasources.filter((d) => d.type === 'influxdb').map((d) => d.uid));
  const queries: RenderedQuery[] = [...variableQueries];
  for (const q of influxQueries(dashboard, influxUids)) {
    if (q.target.query === undefined) throw new Error(`${dashboard.uid} ${q.where}: no raw InfluxQL query`);
    const range = q.panel ? panelRange(dashboardRange, q.panel, nowMs, zone) : dashboardRange;
    const ds = datasources.find((d) => d.uid === q.datasourceUid);
    const interval = calculateInterval(range, q.panel?.maxDataPoints ?? 1000, q.panel?.interval ?? ds?.timeInterval);
    const influxql = interpolateInfluxQuery(q.target.query, { range, interval, variables });
    queries.push({ dashboardUid: dashboard.uid, where: q.where, range, influxql });
  }
  return { variables, queries };
}

/** True when a query's answer holds at least one non-null value besides time. */
export function hasData(series: readonly InfluxSeries[]): boolean {
  return series.some((s) => s.rows.some((row) => Object.entries(row).some(([column, v]) => column !== 'time' && v !== null && v !== '')));
}

// ------------------------------------------------------------------------------------------------
// Demo data

/**
 * Fills an InfluxDB with the demo company: starts a collector in demo mode in this process against
 * `influxUrl` (the warm-up year of daily KPIs, then `backfillDays` of every KPI, downsampled into
 * rp_1h), then stops it. The InfluxDB keeps running.
 */
export async function fillWithDemoCompany(options: { influxUrl: string; backfillDays: number; workDir: string; logger: Logger }): Promise<void> {
  const { influxUrl, backfillDays, workDir, logger } = options;
  fs.mkdirSync(workDir, { recursive: true });
  const metricsConfig = path.join(workDir, 'metrics_config.json');
  const notificationSettings = path.join(workDir, 'notification_settings.yaml');
  fs.copyFileSync(path.join(REPO_ROOT, 'metrics_config.json'), metricsConfig);
  fs.copyFileSync(path.join(REPO_ROOT, 'notification_settings.yaml'), notificationSettings);
  const settings = readRuntimeSettings(
    {
      FINMON_HOST: '127.0.0.1',
      FINMON_PORT: '0',
      FINMON_DATA_DIR: path.join(workDir, 'collector'),
      FINMON_METRICS_CONFIG: metricsConfig,
      FINMON_NOTIFICATION_SETTINGS: notificationSettings,
      FINMON_INFLUX_URL: influxUrl,
      FINMON_ADMIN_TOKEN: `fm_bench_${randomBytes(24).toString('base64url')}`,
    },
    ['--demo', '--backfill-days', String(backfillDays)],
    workDir,
  );
  const collector = await startCollector({ settings, logger, clock: systemClock });
  try {
    await runDemo(collector, { seed: settings.demo.seed, backfillDays, clock: systemClock, logger });
  } finally {
    await collector.stop();
  }
}

/** Measurements other stages write that the demo company does not produce (yet). */
export const CONTRACT_MEASUREMENTS = ['alert_events', 'kpi_forecast', 'cash_forecast_13w'] as const;

const DAY_MS = 86_400_000;
const WEEK_MS = 7 * DAY_MS;

function lineTags(tags: Record<string, string>): string {
  return Object.entries(tags)
    .map(([k, v]) => `,${k}=${v.replace(/[ ,=]/g, '\\$&')}`)
    .join('');
}

function lineString(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Writes points shaped as the shared contract describes them into each CONTRACT_MEASUREMENTS
 * measurement that is absent (the alerting, notification and analytics stages write the real ones;
 * the demo does not run them yet): per KPI one firing and one resolved `alert_events` point in the
 * last 25 days, a flat daily `kpi_forecast` with 80/95% bands from 30 days back to 13 weeks ahead,
 * and weekly `cash_forecast_13w` points 13 weeks back and ahead. Returns the measurements written.
 */
export async function seedContractMeasurements(influx: InfluxClient, nowMs: number): Promise<string[]> {
  const existing = new Set(
    (await influx.query('SHOW MEASUREMENTS')).flatMap((s) => s.rows.map((r) => String(r.name))),
  );
  const metrics = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'metrics_config.json'), 'utf8')) as {
    kpis: Array<{ id: string; name: string; category: string }>;
  };
  const kpis = metrics.kpis.filter((k) => existing.has(k.id));
  const latest = new Map<string, number>();
  for (const kpi of kpis) {
    const rows = (await influx.query(`SELECT last("value") FROM "${kpi.id}" WHERE time > now() - 400d`))[0]?.rows ?? [];
    const v = Number(rows[0]?.last);
    if (Number.isFinite(v)) latest.set(kpi.id, v);
  }
  const lines: string[] = [];
  const written: string[] = [];
  if (!existing.has('alert_events')) {
    written.push('alert_events');
    kpis.forEach((kpi, i) => {
      const firedAt = nowMs - (2 + (i % 23)) * DAY_MS - i * 3_600_000;
      const severity = ['critical', 'warning', 'info'][i % 3]!;
      const fingerprint = `seed${i.toString(16).padStart(6, '0')}`;
      for (const [state, at] of [['firing', firedAt], ['resolved', firedAt + 6 * 3_600_000]] as const) {
        const tags = lineTags({ kpi: kpi.id, severity, category: kpi.category, class: 'threshold', state });
        const fields = [
          `fingerprint=${lineString(fingerprint)}`,
          `title=${lineString(`${kpi.name} ${state === 'firing' ? 'crossed its threshold' : 'back to normal'}`)}`,
          `text=${lineString(`contract-shaped seed event for ${kpi.id}`)}`,
          `value=${latest.get(kpi.id) ?? 0}`,
        ].join(',');
        lines.push(`alert_events${tags} ${fields} ${at}`);
      }
    });
  }
  if (!existing.has('kpi_forecast')) {
    written.push('kpi_forecast');
    const today = Math.floor(nowMs / DAY_MS) * DAY_MS;
    for (const [kpi, v] of latest) {
      for (let t = today - 30 * DAY_MS; t <= today + 13 * WEEK_MS; t += DAY_MS) {
        const w = Math.abs(v) * (0.02 + (0.05 * Math.max(0, t - nowMs)) / (13 * WEEK_MS));
        lines.push(`kpi_forecast,kpi=${kpi},model=seed yhat=${v},lo80=${v - w},hi80=${v + w},lo95=${v - 1.5 * w},hi95=${v + 1.5 * w} ${t}`);
      }
    }
  }
  if (!existing.has('cash_forecast_13w')) {
    written.push('cash_forecast_13w');
    const cash = latest.get('cash_position') ?? 10_000_000;
    const monday = DateTime.fromMillis(nowMs, { zone: 'America/New_York' }).startOf('week');
    for (let k = -13; k <= 13; k++) {
      const week = monday.plus({ weeks: k });
      const ending = cash * (1 - 0.01 * k);
      const band = cash * 0.03 * Math.sqrt(Math.abs(k) + 1);
      lines.push(
        `cash_forecast_13w,week=${week.toFormat("kkkk-'W'WW")} value=${ending},receipts=${cash * 0.12},disbursements=${cash * 0.13},lo80=${ending - band},hi80=${ending + band} ${week.toMillis()}`,
      );
    }
  }
  if (lines.length > 0) await influx.write(lines.join('\n'), { precision: 'ms' });
  return written;
}

// ------------------------------------------------------------------------------------------------
// The bench

const RUNS = 5;
const YEAR_RANGE = { from: 'now-1y', to: 'now' };

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) throw new Error('percentile of no values');
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

async function main(): Promise<void> {
  const logger = createLogger({ level: process.env.FINMON_LOG_LEVEL ?? 'warn' });
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-dashboards-bench-'));
  const influxd = await startInfluxd({ dataDir: path.join(root, 'influxdb'), logger, stopGraceMs: 5000 });
  try {
    const began = Date.now();
    await fillWithDemoCompany({ influxUrl: influxd.url, backfillDays: 365, workDir: path.join(root, 'demo'), logger });
    const influx = new InfluxClient({ url: influxd.url, database: 'finmon', timeoutMs: 60_000 });
    const seeded = await seedContractMeasurements(influx, Date.now());
    console.log(`demo company: a year of history stored and downsampled in ${((Date.now() - began) / 1000).toFixed(1)} s`);
    if (seeded.length > 0) console.log(`contract-shaped points written for ${seeded.join(', ')} (not produced by the demo yet)`);

    const { datasources, dashboards } = loadProvisioning();
    const run: QueryRunner = (q) => influx.query(q);
    const all: number[] = [];
    let distinct = 0;
    for (const { dashboard } of dashboards) {
      for (const range of [dashboard.time, YEAR_RANGE]) {
        const { queries } = await renderDashboardQueries({ dashboard, datasources, run, range, nowMs: Date.now() });
        const times: Array<{ where: string; ms: number }> = [];
        for (const q of queries) {
          await influx.query(q.influxql); // warm-up
          for (let i = 0; i < RUNS; i++) {
            const t0 = process.hrtime.bigint();
            await influx.query(q.influxql);
            const ms = Number(process.hrtime.bigint() - t0) / 1e6;
            times.push({ where: q.where, ms });
            all.push(ms);
          }
        }
        distinct += queries.length;
        const sorted = times.map((t) => t.ms).sort((a, b) => a - b);
        const slowest = times.reduce((a, b) => (b.ms > a.ms ? b : a));
        console.log(
          `${dashboard.uid.padEnd(26)} ${`${range.from} → ${range.to}`.padEnd(22)} queries=${String(queries.length).padStart(3)} ` +
            `p50_ms=${percentile(sorted, 50).toFixed(1)} p95_ms=${percentile(sorted, 95).toFixed(1)} slowest=${slowest.ms.toFixed(1)} ms (${slowest.where})`,
        );
      }
    }
    const sorted = all.sort((a, b) => a - b);
    console.log(`${RUNS} timed runs per query after one warm-up; ${sorted.length} runs in all`);
    console.log(`dashboards queries=${distinct} p50_ms=${percentile(sorted, 50).toFixed(1)} p95_ms=${percentile(sorted, 95).toFixed(1)}`);
  } finally {
    await influxd.stop();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
