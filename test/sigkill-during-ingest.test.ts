import { startThrowawayInfluxd, type ThrowawayInfluxd } from '../collector/src/storage/influx/test-support/throwaway-influxd';
import { CollectorProcess, createWorkspace, TEST_ADMIN_TOKEN, type CollectorWorkspace } from './support/collector-process';
import { describeStorage, getHealth, spoolDrained, writeLines } from './support/collector-api';
import {
  AcknowledgedPoints,
  compareWithStored,
  describeMismatches,
  generateBatch,
  readStoredPoints,
  toLineProtocol,
} from './support/kpi-points';
import { pollUntil } from './support/poll';

/**
 * A crash (SIGKILL) of the collector while several clients stream line protocol loses no point
 * whose request got a 2xx: after a restart on the same data dir the spool replays everything it
 * acknowledged into InfluxDB.
 */

jest.setTimeout(120_000);

const CLIENTS = 4;
const LINES_PER_BATCH = 500;
/** The collector is killed once this many batches were acknowledged (all clients together). */
const KILL_AFTER_ACKNOWLEDGED_BATCHES = 16;

let influx: ThrowawayInfluxd;
let workspace: CollectorWorkspace;
let collector: CollectorProcess | undefined;

beforeAll(async () => {
  influx = await startThrowawayInfluxd();
  workspace = createWorkspace('sigkill');
});

afterAll(async () => {
  await collector?.kill();
  await influx?.cleanup();
  workspace?.remove();
});

test('every point acknowledged before a SIGKILL is in InfluxDB with its value after a restart', async () => {
  const first = await CollectorProcess.start(workspace.collectorOptions({ influxUrl: influx.url }));
  collector = first;

  const acknowledged = new AcknowledgedPoints();
  let acknowledgedBatches = 0;
  let failedRequests = 0;
  let killed: Promise<unknown> | undefined;
  const unexpectedReplies: string[] = [];

  // Each client sends its batches one after another until the collector is gone. The client whose
  // request is issued once the threshold is reached kills the collector right after issuing it, so
  // at least that request is in flight at the moment of the crash.
  const runClient = async (client: number) => {
    for (let batch = 0; !killed; batch++) {
      const points = generateBatch(client, batch, LINES_PER_BATCH);
      const request = writeLines(first.url, TEST_ADMIN_TOKEN, points.map(toLineProtocol));
      if (acknowledgedBatches >= KILL_AFTER_ACKNOWLEDGED_BATCHES && !killed) killed = first.kill();
      try {
        const reply = await request;
        if (reply.status >= 200 && reply.status < 300) {
          acknowledged.record(points);
          acknowledgedBatches++;
        } else {
          unexpectedReplies.push(`HTTP ${reply.status}: ${reply.text.slice(0, 300)}`);
          return;
        }
      } catch {
        failedRequests++;
        return;
      }
    }
  };
  await Promise.all(Array.from({ length: CLIENTS }, (_, c) => runClient(c)));
  const exit = await killed;

  expect(unexpectedReplies).toEqual([]);
  expect(exit).toEqual({ code: null, signal: 'SIGKILL' });
  expect(acknowledgedBatches).toBeGreaterThanOrEqual(KILL_AFTER_ACKNOWLEDGED_BATCHES);
  expect(failedRequests).toBeGreaterThanOrEqual(1);

  // Restart on the same data dir and port; the spool must drain into InfluxDB.
  const second = await first.restart();
  collector = second;
  const recovered = /"pendingRecords":(\d+)[^\n]*"msg":"spool recovered"/.exec(second.stdout);
  const health = await pollUntil(
    'the restarted collector to ship its spool to InfluxDB',
    async () => {
      const h = await getHealth(second.url, TEST_ADMIN_TOKEN);
      return spoolDrained(h) ? { done: true, value: h } : { done: false, observed: describeStorage(h) };
    },
    { timeoutMs: 60_000, describe: () => second.describeOutput() },
  );
  expect(health.storage.writer.rejectedRecords).toBe(0);

  const stored = await readStoredPoints(influx.url, 'finmon', ['revenue', 'bank_balance']);
  const mismatches = compareWithStored(acknowledged, stored);
  console.log(
    `sigkill-during-ingest: ${acknowledged.count} points acknowledged in ${acknowledgedBatches} batches, ` +
      `${failedRequests} requests failed by the crash, ${recovered?.[1] ?? '?'} spool records replayed after restart, ` +
      `${stored.size} points in InfluxDB, ${acknowledged.count - mismatches.length} acknowledged points found`,
  );
  if (mismatches.length > 0) throw new Error(describeMismatches(mismatches));
  expect(stored.size).toBeGreaterThanOrEqual(acknowledged.distinct);
});
