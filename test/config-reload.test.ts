import fs from 'node:fs';
import path from 'node:path';
import { findFreePort } from '../collector/src/storage/influx/influxd-launcher';
import { startThrowawayInfluxd, type ThrowawayInfluxd } from '../collector/src/storage/influx/test-support/throwaway-influxd';
import { CollectorProcess, createWorkspace, TEST_ADMIN_TOKEN, type CollectorWorkspace } from './support/collector-process';
import { getHealth, writeLines, type HealthDetails } from './support/collector-api';
import { pollUntil } from './support/poll';

/**
 * Hot reload of metrics_config.json in the running process: a valid edit applies (a new KPI is
 * accepted), a broken edit is refused with an error naming the file and the path while the last
 * good configuration stays in force, and a broken file at start makes the process exit non-zero
 * naming the file and the path.
 */

jest.setTimeout(120_000);

/** How long an edit may take to be noticed: fs.watch + debounce, or the 5 s fallback poll on a loaded machine. */
const RELOAD_TIMEOUT_MS = 20_000;
const NEW_KPI = 'sales_pipeline';
/** `kpis[3]` of the repository's metrics_config.json; its cadence is made a number in the broken edit. */
const KPI_AT_INDEX_3 = 'revenue';

interface MetricsFile {
  kpis: Array<Record<string, unknown> & { id: string }>;
  [key: string]: unknown;
}

let influx: ThrowawayInfluxd;
let workspace: CollectorWorkspace;
let original: MetricsFile;
const collectors: CollectorProcess[] = [];

beforeAll(async () => {
  influx = await startThrowawayInfluxd();
  workspace = createWorkspace('config-reload');
  original = JSON.parse(fs.readFileSync(workspace.metricsConfigPath, 'utf8')) as MetricsFile;
  expect(original.kpis[3]?.id).toBe(KPI_AT_INDEX_3);
  expect(original.kpis.some((k) => k.id === NEW_KPI)).toBe(false);
});

afterAll(async () => {
  for (const c of collectors) await c.kill();
  await influx?.cleanup();
  workspace?.remove();
});

/** Replaces the file's content at once (write + rename), as editors that save safely do. */
function replaceFile(file: string, text: string): void {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp`);
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** The repository's configuration plus a pushable KPI `sales_pipeline` (a stock without dimensions). */
function withNewKpi(): MetricsFile {
  const template = original.kpis.find((k) => k.id === 'accounts_payable');
  if (!template) throw new Error('metrics_config.json has no accounts_payable KPI to copy');
  const { rules: _rules, thresholds: _thresholds, targets: _targets, budgets: _budgets, ...plain } = template;
  const added = { ...plain, id: NEW_KPI, name: 'Sales pipeline', description: 'Open opportunities weighted by stage.' };
  return { ...original, kpis: [...original.kpis, added] };
}

/** Writes one point of `kpi` now; the status tells whether the configuration in force knows the KPI. */
async function pushPoint(collector: CollectorProcess, kpi: string, value: number) {
  const reply = await writeLines(collector.url, TEST_ADMIN_TOKEN, [`${kpi} value=${value}`]);
  return { status: reply.status, reasons: reply.json?.rejected?.map((r) => r.reason) ?? [], text: reply.text };
}

test('a valid edit applies, a broken edit is refused and the last good configuration stays in force', async () => {
  const collector = await CollectorProcess.start(workspace.collectorOptions({ influxUrl: influx.url }));
  collectors.push(collector);
  const health = () => getHealth(collector.url, TEST_ADMIN_TOKEN);

  // (a) Before the edit the KPI is unknown; after it, accepted.
  const before = await pushPoint(collector, NEW_KPI, 1);
  expect(before.status).toBe(400);
  expect(before.reasons.join('\n')).toMatch(`unknown KPI "${NEW_KPI}"`);
  const generationBefore = (await health()).configuration.generation;

  replaceFile(workspace.metricsConfigPath, JSON.stringify(withNewKpi(), null, 2));
  await pollUntil(
    `the collector to accept points of the new KPI "${NEW_KPI}"`,
    async () => {
      const outcome = await pushPoint(collector, NEW_KPI, 2);
      return outcome.status === 200 ? { done: true, value: outcome } : { done: false, observed: `HTTP ${outcome.status} ${outcome.text.slice(0, 200)}` };
    },
    { timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 250, describe: () => collector.describeOutput() },
  );
  const applied = await health();
  expect(applied.configuration.generation).toBe(generationBefore + 1);
  expect(applied.configuration.lastError).toBeNull();

  // (b1) Invalid JSON: refused, named with the file and the position.
  replaceFile(workspace.metricsConfigPath, JSON.stringify(withNewKpi(), null, 2).slice(0, 200));
  const malformed = await waitForConfigError(collector, /malformed JSON/);
  expect(malformed).toContain(workspace.metricsConfigPath);
  expect(malformed).toMatch(new RegExp(`${escapeRegExp(workspace.metricsConfigPath)}:\\d+:\\d+`));
  await expectLastGoodConfigInForce(collector, applied.configuration.generation);

  // (b2) A wrong type at a known path: refused, named with the file and the path.
  const wrongType = withNewKpi();
  wrongType.kpis[3] = { ...wrongType.kpis[3]!, cadence: 42 };
  replaceFile(workspace.metricsConfigPath, JSON.stringify(wrongType, null, 2));
  const typeError = await waitForConfigError(collector, /cadence/);
  expect(typeError).toContain(workspace.metricsConfigPath);
  expect(typeError).toContain(`kpis[3] (id "${KPI_AT_INDEX_3}").cadence`);
  await expectLastGoodConfigInForce(collector, applied.configuration.generation);

  // Repairing the file clears the error without a new generation (it is the configuration in force).
  replaceFile(workspace.metricsConfigPath, JSON.stringify(withNewKpi(), null, 2));
  const repaired = await pollUntil<HealthDetails>(
    'configuration.lastError to clear after the file was repaired',
    async () => {
      const h = await health();
      return h.configuration.lastError === null ? { done: true, value: h } : { done: false, observed: h.configuration.lastError };
    },
    { timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 250, describe: () => collector.describeOutput() },
  );
  expect(repaired.configuration.generation).toBe(applied.configuration.generation);
  expect(collector.exit).toBeUndefined();
});

test('a collector started with a broken metrics_config.json exits non-zero naming the file and the path', async () => {
  const broken = createWorkspace('config-broken');
  try {
    const config = JSON.parse(fs.readFileSync(broken.metricsConfigPath, 'utf8')) as MetricsFile;
    config.kpis[3] = { ...config.kpis[3]!, cadence: 42 };
    fs.writeFileSync(broken.metricsConfigPath, JSON.stringify(config, null, 2));

    const collector = CollectorProcess.spawn({ ...broken.collectorOptions({ influxUrl: influx.url }), port: await findFreePort() });
    collectors.push(collector);
    const exit = await Promise.race([
      collector.exited,
      new Promise<'running'>((resolve) => setTimeout(() => resolve('running'), 60_000).unref()),
    ]);
    if (exit === 'running') throw new Error(`the collector kept running with a broken configuration\n${collector.describeOutput()}`);
    expect(exit.code).not.toBe(0);
    expect(exit.code).not.toBeNull();
    expect(collector.stderr).toContain(broken.metricsConfigPath);
    expect(collector.stderr).toContain(`kpis[3] (id "${KPI_AT_INDEX_3}").cadence`);
  } finally {
    broken.remove();
  }
});

/** Polls GET /api/v1/health until configuration.lastError matches `pattern`; returns the message. */
async function waitForConfigError(collector: CollectorProcess, pattern: RegExp): Promise<string> {
  return pollUntil(
    `configuration.lastError to match ${pattern}`,
    async () => {
      const error = (await getHealth(collector.url, TEST_ADMIN_TOKEN)).configuration.lastError;
      return error !== null && pattern.test(error) ? { done: true, value: error } : { done: false, observed: String(error) };
    },
    { timeoutMs: RELOAD_TIMEOUT_MS, intervalMs: 250, describe: () => collector.describeOutput() },
  );
}

/** The process runs on with the last good configuration: the added KPI is accepted, an unknown one is not. */
async function expectLastGoodConfigInForce(collector: CollectorProcess, generation: number): Promise<void> {
  expect(collector.exit).toBeUndefined();
  expect((await getHealth(collector.url, TEST_ADMIN_TOKEN)).configuration.generation).toBe(generation);
  const known = await pushPoint(collector, NEW_KPI, 3);
  expect(known).toEqual(expect.objectContaining({ status: 200 }));
  const unknown = await pushPoint(collector, 'not_a_kpi', 4);
  expect(unknown.status).toBe(400);
  expect(unknown.reasons.join('\n')).toMatch('unknown KPI "not_a_kpi"');
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
