import { startThrowawayInfluxd, type ThrowawayInfluxd } from '../collector/src/storage/influx/test-support/throwaway-influxd';
import { CollectorProcess, createWorkspace, TEST_ADMIN_TOKEN, type CollectorWorkspace } from './support/collector-process';
import { describeStorage, getHealth, spoolDrained, writeLines, type HealthDetails } from './support/collector-api';
import {
  AcknowledgedPoints,
  compareWithStored,
  describeMismatches,
  generateBatch,
  GENERATED_BASE_MS,
  pointKey,
  readStoredPoints,
  toLineProtocol,
  type SentPoint,
} from './support/kpi-points';
import { pollUntil } from './support/poll';

/**
 * InfluxDB going away does not stop ingest: the API keeps answering 200, points wait in the spool
 * (the health payload shows the outage and the growing spool), and once InfluxDB is back every
 * acknowledged point arrives — replayed in acceptance order, so a point re-sent for the same series
 * and time ends with the value accepted last. The same order holds without an outage, when a small
 * correction follows a big batch.
 */

jest.setTimeout(120_000);

const LINES_PER_BATCH = 500;
const BATCHES_BEFORE = 4;
const BATCHES_DURING = 24;
const BATCHES_AFTER = 4;

/**
 * One series and time re-sent in every request with the request's number as value: the value
 * InfluxDB ends up with shows whether the spool was replayed in acceptance order, including
 * across the writer's batches.
 */
const HOT_TAGS = { region: 'na', product: 'platform' };
const HOT_TIME_MS = GENERATED_BASE_MS - 3_600_000;
const hotPoint = (request: number): SentPoint => ({ kpi: 'revenue', tags: HOT_TAGS, timeMs: HOT_TIME_MS, value: request + 0.5 });

let influx: ThrowawayInfluxd;
let workspace: CollectorWorkspace;
let running: CollectorProcess;

beforeAll(async () => {
  influx = await startThrowawayInfluxd();
  workspace = createWorkspace('outage');
  running = await CollectorProcess.start(workspace.collectorOptions({ influxUrl: influx.url }));
});

afterAll(async () => {
  await running?.kill();
  await influx?.cleanup();
  workspace?.remove();
});

const health = () => getHealth(running.url, TEST_ADMIN_TOKEN);
const waitDrained = (what: string) =>
  pollUntil<HealthDetails>(
    what,
    async () => {
      const h = await health();
      return spoolDrained(h) ? { done: true, value: h } : { done: false, observed: describeStorage(h) };
    },
    { timeoutMs: 60_000, describe: () => running.describeOutput() },
  );

test('points accepted while InfluxDB is down are spooled and replayed in order once it is back', async () => {
  const acknowledged = new AcknowledgedPoints();
  let request = 0;

  /** Sends one batch (plus the hot point) and expects a 200: ingest never depends on InfluxDB. */
  const sendBatch = async (batch: number) => {
    const points = [...generateBatch(0, batch, LINES_PER_BATCH), hotPoint(request++)];
    const reply = await writeLines(running.url, TEST_ADMIN_TOKEN, points.map(toLineProtocol));
    if (reply.status !== 200) throw new Error(`batch ${batch}: HTTP ${reply.status} ${reply.text.slice(0, 300)}\n${running.describeOutput()}`);
    expect(reply.json.accepted).toBe(points.length);
    acknowledged.record(points);
  };
  let batch = 0;
  for (let i = 0; i < BATCHES_BEFORE; i++) await sendBatch(batch++);
  await waitDrained('the points sent before the outage to reach InfluxDB');

  // InfluxDB goes away (its data dir and ports are kept for the restart).
  await influx.server.stop();
  await sendBatch(batch++);
  const outage = await pollUntil(
    'the health payload to report the InfluxDB outage',
    async () => {
      const h = await health();
      return h.storage.writer.outage && h.storage.spool.records > 0 ? { done: true, value: h } : { done: false, observed: describeStorage(h) };
    },
    { timeoutMs: 30_000, describe: () => running.describeOutput() },
  );
  expect(outage.status).toBe('ok');
  expect(outage.storage.writer.lastError?.code).toBe('FINMON_STORAGE_UNAVAILABLE');

  for (let i = 1; i < BATCHES_DURING; i++) await sendBatch(batch++);
  const during = await health();
  expect(during.storage.writer.outage).toBe(true);
  expect(during.storage.spool.records).toBeGreaterThanOrEqual(outage.storage.spool.records + (BATCHES_DURING - 1));
  expect(during.storage.writer.lagMs).toBeGreaterThan(0);

  await influx.restart();
  // The collector's FINMON_INFLUX_URL stays valid: the restarted influxd listens on the same port.
  expect(influx.server.url).toBe(influx.url);
  for (let i = 0; i < BATCHES_AFTER; i++) await sendBatch(batch++);
  const after = await waitDrained('the spool to be replayed into the restarted InfluxDB');
  expect(after.storage.writer.rejectedRecords).toBe(0);

  const stored = await readStoredPoints(influx.url, 'finmon', ['revenue', 'bank_balance']);
  const mismatches = compareWithStored(acknowledged, stored);
  console.log(
    `influx-outage: ${acknowledged.count} points acknowledged in ${request} requests ` +
      `(${BATCHES_DURING} during the outage, spool peaked at ≥ ${during.storage.spool.records} records, ` +
      `${after.storage.writer.retries} write retries), ${stored.size} points in InfluxDB, ` +
      `${acknowledged.distinct - mismatches.length} of ${acknowledged.distinct} distinct acknowledged points found as sent`,
  );
  // The hot point was re-sent in every request; the last accepted value must win.
  expect(stored.get(pointKey('revenue', HOT_TAGS, HOT_TIME_MS))).toBe(hotPoint(request - 1).value);
  if (mismatches.length > 0) throw new Error(describeMismatches(mismatches));
});

test('a correction accepted right after a big batch keeps its value in InfluxDB (the big batch does not land last)', async () => {
  // The big request is one spool record, so the shipper sends it as one write; the correction
  // follows at once in a second write. Shipped side by side, InfluxDB would apply the small write
  // first and the big one's older value last.
  const tags = { region: 'emea', product: 'hardware' };
  const timeMs = GENERATED_BASE_MS - 7_200_000;
  const original: SentPoint = { kpi: 'revenue', tags, timeMs, value: 1000.25 };
  const correction: SentPoint = { ...original, value: 2000.75 };
  const big = [...generateBatch(7, 0, 20_000), original];
  const first = await writeLines(running.url, TEST_ADMIN_TOKEN, big.map(toLineProtocol));
  const second = await writeLines(running.url, TEST_ADMIN_TOKEN, [toLineProtocol(correction)]);
  expect([first.status, second.status]).toEqual([200, 200]);
  await waitDrained('the big batch and the correction to reach InfluxDB');

  const stored = await readStoredPoints(influx.url, 'finmon', ['revenue']);
  expect({ kpi: 'revenue', tags, time: new Date(timeMs).toISOString(), value: stored.get(pointKey('revenue', tags, timeMs)) }).toEqual({
    kpi: 'revenue',
    tags,
    time: new Date(timeMs).toISOString(),
    value: correction.value,
  });
});
