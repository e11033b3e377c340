import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { testIds } from '../plugin/src/testIds';
import { callApi, writeLines } from './support/collector-api';
import { CollectorProcess, createWorkspace, REPO_ROOT, TEST_ADMIN_TOKEN, type CollectorWorkspace } from './support/collector-process';
import { pollUntil } from './support/poll';
import { influxdPidsUsing } from './support/influxd-processes';

/**
 * The dashboards preview (plugin/preview: the Grafana plugin's real panels and app pages, built
 * into plugin/dist-preview) served by a real collector in demo mode with its own influxd, driven
 * in Debian's Chromium: every view at desktop and phone widths without horizontal overflow (with
 * screenshots), a click on a gauge opens the KPI's detail view, and Acknowledge in the alert feed
 * changes the alert's state in the collector. The token only ever travels in the URL fragment and
 * the Authorization header.
 */

jest.setTimeout(300_000);

const PREVIEW_DIR = path.join(REPO_ROOT, 'plugin', 'dist-preview');
const CHROMIUM = '/usr/bin/chromium';
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
const VIEWPORTS = {
  desktop: { width: 1280, height: 800 },
  phone: { width: 390, height: 844 },
} as const;
const VIEWS = ['#/', '#/alerts', '#/kpis', '#/escalation', '#/health'] as const;

/** Generous: the machine runs several test suites at once, and the page parses a 2 MB bundle. */
const UI_TIMEOUT_MS = 60_000;

/** Where the screenshots go (kept after the run so people can look at them). */
const SCREENSHOT_DIR = process.env.FINMON_SCREENSHOT_DIR ?? path.join(os.tmpdir(), 'finmon-preview-screenshots');

interface ApiAlert {
  fingerprint: string;
  kpi: string;
  series: Record<string, string>;
  state: string;
  summary: string;
}

/** A bank account only this test writes to (the demo company's accounts keep their own alerts). */
const TEST_ACCOUNT = 'preview-browser-test';

let workspace: CollectorWorkspace;
let collector: CollectorProcess | undefined;
let browser: Browser | undefined;
/** Every URL the pages requested, to prove the token never appears in one. */
const requestedUrls: string[] = [];

beforeAll(async () => {
  if (!fs.existsSync(path.join(PREVIEW_DIR, 'index.html'))) {
    throw new Error(`${PREVIEW_DIR}/index.html is missing: run "npm ci && npm run build:preview" in ${path.join(REPO_ROOT, 'plugin')} first`);
  }
  fs.mkdirSync(SCREENSHOT_DIR, { recursive: true });
  workspace = createWorkspace('preview');
  collector = await CollectorProcess.start(workspace.collectorOptions({ args: ['--demo', '--backfill-days', '10'], readyTimeoutMs: 90_000 }));
  await collector.waitForOutput(/history stored; \d+ incidents injected/, 180_000);
  const served = await fetch(`${collector.url}/preview/`, { signal: AbortSignal.timeout(10_000) });
  if (served.status !== 200) {
    throw new Error(`GET /preview/ answered ${served.status} (${(await served.text()).slice(0, 200)}): the collector must register previewRoutes() of collector/src/http/routes/preview-routes.ts`);
  }
  browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
});

afterAll(async () => {
  await browser?.close();
  if (collector) {
    try {
      await collector.stop(30_000);
    } catch {
      await collector.kill();
    }
  }
  // A demo collector killed by a failed test leaves its influxd behind; never leave it running.
  if (workspace) {
    for (const pid of influxdPidsUsing(workspace.dataDir)) process.kill(pid, 'SIGKILL');
    workspace.remove();
  }
});

/** A new page at `viewport`, signed in with the token in the URL fragment, showing the overview. */
async function openPreview(viewport: { width: number; height: number }): Promise<Page> {
  const page = await browser!.newPage({ viewport });
  page.on('request', (request) => requestedUrls.push(request.url()));
  await page.goto(`${collector!.url}/preview/#token=${TEST_ADMIN_TOKEN}`);
  await page.getByTestId(testIds.preview.root).waitFor({ timeout: UI_TIMEOUT_MS });
  // The page takes the token out of the address bar at once.
  expect(page.url()).not.toContain(TEST_ADMIN_TOKEN);
  return page;
}

/** Waits until what `view` shows has loaded: the gauges, or the page's own root. */
async function waitForView(page: Page, view: (typeof VIEWS)[number]): Promise<void> {
  const root = {
    '#/': testIds.preview.overview,
    '#/alerts': testIds.alertsPage.root,
    '#/kpis': testIds.kpiCatalog.root,
    '#/escalation': testIds.escalationPage.root,
    '#/health': testIds.healthPage.root,
  }[view];
  await page.getByTestId(root).waitFor({ timeout: UI_TIMEOUT_MS });
  const content = {
    '#/': testIds.kpiGauge.root('cash_position'),
    '#/alerts': undefined,
    '#/kpis': testIds.kpiCatalog.row('cash_position'),
    '#/escalation': undefined,
    '#/health': testIds.healthPage.status,
  }[view];
  if (content) await page.getByTestId(content).waitFor({ timeout: UI_TIMEOUT_MS });
  // The alert and escalation pages show either their lists or the collector's answer: give the calls time to return.
  await page.waitForLoadState('networkidle', { timeout: UI_TIMEOUT_MS }).catch(() => undefined);
}

/**
 * Runs in the page (a string, since the collector's tsconfig has no DOM types): the document's
 * scroll and client widths and the first elements reaching past the right edge.
 */
const OVERFLOW_PROBE = `(() => {
  const doc = document.documentElement;
  const widest = [...document.querySelectorAll('body *')]
    .filter((el) => el.getBoundingClientRect().right > doc.clientWidth + 0.5)
    .slice(0, 5)
    .map((el) => (el.tagName.toLowerCase() + (el.dataset.testid ? '[' + el.dataset.testid + ']' : '') + '.' + el.className).slice(0, 120));
  return { scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, widest };
})()`;

async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; clientWidth: number; widest: string[] }> {
  return (await page.evaluate(OVERFLOW_PROBE)) as { scrollWidth: number; clientWidth: number; widest: string[] };
}

describe.each(Object.entries(VIEWPORTS))('at %s width', (name, viewport) => {
  it('shows every view without horizontal overflow, and screenshots it', async () => {
    const page = await openPreview(viewport);
    try {
      const overflowing: Record<string, unknown> = {};
      for (const view of VIEWS) {
        await page.evaluate(`window.location.hash = ${JSON.stringify(view)}`);
        await waitForView(page, view);
        const overflow = await horizontalOverflow(page);
        if (overflow.scrollWidth > viewport.width || overflow.widest.length > 0) overflowing[view] = overflow;
        const file = path.join(SCREENSHOT_DIR, `${name}-${view.replace(/[#/]/g, '') || 'overview'}.png`);
        await page.screenshot({ path: file, fullPage: true });
        expect(fs.statSync(file).size).toBeGreaterThan(10_000);
      }
      expect(overflowing).toEqual({});
    } finally {
      await page.close();
    }
  });
});

it('shows every headline KPI on the overview with the collector’s current value', async () => {
  const page = await openPreview(VIEWPORTS.desktop);
  try {
    await waitForView(page, '#/');
    const kpis = await callApi<{ kpis: Array<{ id: string; current: { value: number } | null }> }>(collector!.url, 'GET', '/api/v1/kpis', {
      token: TEST_ADMIN_TOKEN,
    });
    const shown = await page.locator('[data-testid^="finmon-kpi-gauge-"][data-status]').evaluateAll((els) =>
      els.map((el) => ({ id: el.getAttribute('data-testid'), status: el.getAttribute('data-status') }))
    );
    const withValue = kpis.json.kpis.filter((k) => k.current !== null).map((k) => testIds.kpiGauge.root(k.id));
    expect(shown.length).toBeGreaterThanOrEqual(6);
    expect(withValue).toEqual(expect.arrayContaining(shown.map((s) => s.id)));
    // Cash position has thresholds in metrics_config.json: its gauge has a status, not "unknown".
    expect(shown.find((s) => s.id === testIds.kpiGauge.root('cash_position'))?.status).toMatch(/^(ok|warning|critical)$/);
  } finally {
    await page.close();
  }
});

it('opens a KPI’s detail view when its gauge is clicked, at phone width too', async () => {
  for (const viewport of Object.values(VIEWPORTS)) {
    const page = await openPreview(viewport);
    try {
      await waitForView(page, '#/');
      await page.getByTestId(testIds.kpiGauge.link('revenue')).click();
      await page.getByTestId(testIds.preview.detail('revenue')).waitFor({ timeout: UI_TIMEOUT_MS });
      expect(new URL(page.url()).hash).toBe('#/kpi/revenue');
      await expect(page.getByTestId(testIds.preview.detailTitle).textContent()).resolves.toBe('Revenue');
      await page.getByTestId(testIds.kpiGauge.root('revenue')).waitFor();
      expect((await horizontalOverflow(page)).widest).toEqual([]);
      await page.getByTestId(testIds.preview.back).click();
      await page.getByTestId(testIds.preview.overview).waitFor({ timeout: UI_TIMEOUT_MS });
    } finally {
      await page.close();
    }
  }
});

it('acknowledges an alert from the alert feed, and the collector records it', async () => {
  // The demo's incidents lie in the future of a short backfill: make the real rule engine raise
  // one now, with a balance far below bank_balance's "account-low" rule on an account of its own.
  const written = await writeLines(collector!.url, TEST_ADMIN_TOKEN, [
    `bank_balance,account=${TEST_ACCOUNT},bank=previewbank,currency=USD value=1000 ${BigInt(Date.now()) * 1_000_000n}`,
  ]);
  expect(written.json).toMatchObject({ accepted: 1, rejectedCount: 0 });
  const firing = await pollUntil(
    `the "account-low" alert of ${TEST_ACCOUNT} to fire (GET /api/v1/alerts)`,
    async () => {
      const reply = await callApi<{ alerts: ApiAlert[] }>(collector!.url, 'GET', '/api/v1/alerts?kpi=bank_balance', { token: TEST_ADMIN_TOKEN });
      if (reply.status !== 200) return { done: false, observed: `HTTP ${reply.status}: ${reply.text.slice(0, 200)}` };
      const alert = reply.json.alerts.find((a) => a.series.account === TEST_ACCOUNT && a.state === 'firing');
      return alert ? { done: true, value: alert } : { done: false, observed: JSON.stringify(reply.json.alerts.map((a) => [a.series, a.state])) };
    },
    { timeoutMs: 30_000, intervalMs: 500, describe: () => collector!.describeOutput() }
  );

  const page = await openPreview(VIEWPORTS.phone);
  try {
    const button = page.getByTestId(testIds.alertFeed.acknowledge(firing.fingerprint));
    await button.waitFor({ timeout: UI_TIMEOUT_MS });
    await button.click();
    const state = page.getByTestId(testIds.alertFeed.alertState(firing.fingerprint));
    await pollUntil(
      'the alert feed to show the alert acknowledged',
      async () => {
        const text = await state.textContent();
        return text === 'acknowledged' ? { done: true, value: text } : { done: false, observed: `state "${text}"` };
      },
      { timeoutMs: UI_TIMEOUT_MS }
    );
  } finally {
    await page.close();
  }

  const after = await callApi<{ alert: ApiAlert; history: Array<{ to: string; actor: { name: string } }> }>(
    collector!.url,
    'GET',
    `/api/v1/alerts/${encodeURIComponent(firing.fingerprint)}`,
    { token: TEST_ADMIN_TOKEN }
  );
  expect(after.status).toBe(200);
  expect(after.json.alert.state).toBe('acknowledged');
  // The audit history names the person (the preview) and the token it acted through.
  expect(after.json.history.find((t) => t.to === 'acknowledged')?.actor.name).toMatch(/^preview \(via .+\)$/);
});

it('never put the token in a requested URL or the collector’s output', () => {
  expect(requestedUrls.length).toBeGreaterThan(20);
  expect(requestedUrls.filter((url) => url.includes(TEST_ADMIN_TOKEN))).toEqual([]);
  expect(collector!.stdout + collector!.stderr).not.toContain(TEST_ADMIN_TOKEN);
});
