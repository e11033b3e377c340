import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import seedrandom from 'seedrandom';
import { ErrorCodes } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { pointAt } from '../../core/point';
import { serializeLineProtocol } from '../../ingest/line-protocol/serialize-line-protocol';
import { InfluxClient, quoteIdentifier } from './influx-client';
import { InfluxWriter, type InfluxWriteTarget, type InfluxWriterOptions } from './influx-writer';
import { Spool } from './spool';
import { useThrowawayInfluxd } from './test-support/throwaway-influxd';

const influxd = useThrowawayInfluxd();
const logger = silentLogger();
const T0 = 1_760_000_000_000;
const roots: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-writer-test-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

/** Line protocol for points `from` … `to - 1` of a measurement: value = index, one second apart. */
function chunk(measurement: string, from: number, to: number): string {
  const points = [];
  for (let i = from; i < to; i++) points.push(pointAt(measurement, { series: `s${i % 3}` }, i, T0 + i * 1000));
  return serializeLineProtocol(points);
}

/** Values of a measurement in time order. */
async function storedValues(client: InfluxClient, measurement: string): Promise<number[]> {
  const series = await client.query(`SELECT value FROM ${quoteIdentifier(measurement)}`);
  return (series[0]?.rows ?? []).map((r) => r.value as number);
}

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

/** Sleeps 5 ms of real time whatever the backoff asks, and records what it asked. */
function recordingSleep(requested: number[]): InfluxWriterOptions['sleep'] {
  return (ms, signal) => {
    requested.push(ms);
    return new Promise((resolve) => {
      const timer = setTimeout(resolve, 5);
      signal.addEventListener('abort', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  };
}

async function eventually(condition: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Writes through to `client`, recording the most writes that were in flight at once. */
function concurrencyCounting(client: InfluxWriteTarget): InfluxWriteTarget & { maxConcurrent: number } {
  let concurrent = 0;
  const target = {
    maxConcurrent: 0,
    write: async (body: string | Uint8Array, options?: Parameters<InfluxWriteTarget['write']>[1]) => {
      target.maxConcurrent = Math.max(target.maxConcurrent, ++concurrent);
      try {
        await client.write(body, options);
      } finally {
        concurrent--;
      }
    },
  };
  return target;
}

describe('InfluxWriter against a real influxd', () => {
  let client: InfluxClient;
  beforeAll(async () => {
    client = new InfluxClient({ url: influxd.url, database: 'writer_test', timeoutMs: 3_000 });
    await client.createDatabase();
  });

  it('ships everything in order, coalescing records into batches of at most 5,000 lines', async () => {
    const spool = await Spool.open({ dir: tempDir(), logger });
    const counting = concurrencyCounting(client);
    for (let i = 0; i < 6_000; i += 400) await spool.append(chunk('ship_in_order', i, i + 400));
    const writer = new InfluxWriter({ spool, client: counting, logger, maxInFlight: 2 });
    writer.start();
    for (let i = 6_000; i < 12_000; i += 400) await spool.append(chunk('ship_in_order', i, i + 400));
    await writer.flush({ timeoutMs: 20_000 });
    expect(counting.maxConcurrent).toBe(2);
    const stats = writer.stats();
    expect(stats).toMatchObject({ shippedPoints: 12_000, shippedRecords: 30, retries: 0, rejectedRecords: 0, lagMs: 0 });
    expect(stats.shippedBatches).toBeGreaterThanOrEqual(3); // 12 records of 400 lines fit in 5,000
    expect(stats.spool).toMatchObject({ records: 0, bytes: 0 });
    expect(await storedValues(client, 'ship_in_order')).toEqual(range(12_000));
    await writer.stop();
    await spool.close();
  });

  it('by default writes one batch at a time, so a later correction is never overtaken by an older batch', async () => {
    const spool = await Spool.open({ dir: tempDir(), logger });
    const counting = concurrencyCounting(client);
    await spool.append(chunk('correction', 0, 5_000));
    // Corrects the first point of the big record (same series and time).
    await spool.append(serializeLineProtocol([pointAt('correction', { series: 's0' }, -1, T0)]));
    const writer = new InfluxWriter({ spool, client: counting, logger, maxBatchLines: 1 });
    writer.start();
    await writer.flush({ timeoutMs: 20_000 });
    expect(counting.maxConcurrent).toBe(1);
    const values = await storedValues(client, 'correction');
    expect(values).toHaveLength(5_000);
    expect(values[0]).toBe(-1);
    expect(values.slice(1)).toEqual(range(5_000).slice(1));
    await writer.stop();
    await spool.close();
  });

  it('keeps spooling while influxd is down and replays everything in order after it restarts', async () => {
    const requestedDelays: number[] = [];
    const spool = await Spool.open({ dir: tempDir(), logger });
    const writer = new InfluxWriter({
      spool,
      client,
      logger,
      sleep: recordingSleep(requestedDelays),
      random: seedrandom('outage'),
      backoff: { initialMs: 100, maxMs: 1_000, factor: 2, jitter: 0.5 },
    });
    writer.start();
    let next = 0;
    const produce = async (chunks: number) => {
      for (let c = 0; c < chunks; c++, next += 250) await spool.append(chunk('outage', next, next + 250));
    };
    await produce(4);
    await writer.flush({ timeoutMs: 10_000 });

    await influxd.server.kill('SIGKILL');
    await produce(12);
    await eventually(() => writer.stats().outage && writer.stats().retries >= 3, 'the writer to notice the outage');
    const during = writer.stats();
    expect(during.spool.records).toBe(12);
    expect(during.lastError?.code).toBe(ErrorCodes.STORAGE_UNAVAILABLE);
    await produce(4);
    expect(writer.stats().spool.records).toBe(16);
    // Backoff grows (with jitter in [50 %, 100 %] of each step) up to the cap.
    expect(requestedDelays[0]).toBeGreaterThanOrEqual(50);
    expect(requestedDelays[0]).toBeLessThanOrEqual(100);
    expect(Math.max(...requestedDelays)).toBeGreaterThan(100);
    expect(Math.max(...requestedDelays)).toBeLessThanOrEqual(1_000);

    await influxd.restart();
    await produce(4);
    await writer.flush({ timeoutMs: 20_000 });
    expect(writer.stats()).toMatchObject({ outage: false, shippedPoints: 24 * 250, spool: { records: 0 } });
    expect(await storedValues(client, 'outage')).toEqual(range(24 * 250));
    await writer.stop();
    await spool.close();
  });

  it('a new writer on the same spool after a crash re-ships from the checkpoint with nothing missing', async () => {
    const dir = tempDir();
    const total = 8_000;
    // The first "process" ships three batches; its fourth write reaches InfluxDB but the process
    // "dies" before seeing the answer (the promise never settles), and the fifth hangs too.
    let writes = 0;
    const freezing: InfluxWriteTarget = {
      write: async (body, options) => {
        writes++;
        if (writes <= 3) return client.write(body, options);
        if (writes === 4) await client.write(body, options);
        return new Promise<void>(() => undefined);
      },
    };
    // Every acknowledgement is persisted at once here, so the recovered checkpoint is exact.
    const spoolA = await Spool.open({ dir, logger, checkpointEveryMs: 0 });
    const writerA = new InfluxWriter({ spool: spoolA, client: freezing, logger, maxBatchLines: 1_000, maxInFlight: 2 });
    for (let i = 0; i < total; i += 500) await spoolA.append(chunk('crash', i, i + 500));
    writerA.start();
    await eventually(
      () => writes >= 5 && writerA.stats().shippedPoints === 3_000 && writerA.stats().inFlightBatches === 2,
      'writer A to freeze',
    );
    const shippedByA = writerA.stats().shippedPoints;
    // Nothing of A is closed or flushed: the next "process" only has what is on disk.

    const spoolB = await Spool.open({ dir, logger });
    expect(spoolB.lastRecovery!.pendingRecords).toBe((total - shippedByA) / 500);
    const writerB = new InfluxWriter({ spool: spoolB, client, logger });
    writerB.start();
    await writerB.flush({ timeoutMs: 20_000 });
    // B writes the batch A's fourth write already stored once more: same series and time, no duplicate.
    expect(writerB.stats().shippedPoints).toBe(total - shippedByA);
    expect(await storedValues(client, 'crash')).toEqual(range(total));
    await writerB.stop();
    await spoolB.close();
  });

  it('moves a record InfluxDB refuses to rejected/ and ships the records around it', async () => {
    await client.write('conflict,series=s0 value=1 1');
    const spool = await Spool.open({ dir: tempDir(), logger });
    const writer = new InfluxWriter({ spool, client, logger });
    writer.start();
    await spool.append(chunk('around_rejected', 0, 100));
    await spool.append('conflict,series=s0 value="text" 2\nconflict,series=s0 value=3 3');
    await spool.append(chunk('around_rejected', 100, 200));
    await writer.flush({ timeoutMs: 10_000 });

    expect(await storedValues(client, 'around_rejected')).toEqual(range(200));
    expect(writer.stats()).toMatchObject({ rejectedRecords: 1, spool: { records: 0 } });
    expect(writer.stats().lastError?.code).toBe(ErrorCodes.STORAGE_REJECTED);
    const files = fs.readdirSync(spool.rejectedDirectory);
    expect(files).toHaveLength(1);
    const saved = JSON.parse(fs.readFileSync(path.join(spool.rejectedDirectory, files[0]!), 'utf8'));
    expect(saved.reason).toMatch(/field type conflict/);
    expect(saved.lines).toContain('value="text"');
    // InfluxDB kept the valid line of the partially refused request.
    expect(await storedValues(client, 'conflict')).toEqual([1, 3]);
    await writer.stop();
    await spool.close();
  });

  it('does not reject records for a missing database: it waits until the database exists', async () => {
    const missing = new InfluxClient({ url: influxd.url, database: 'created_later', timeoutMs: 3_000 });
    const spool = await Spool.open({ dir: tempDir(), logger });
    const writer = new InfluxWriter({ spool, client: missing, logger, sleep: recordingSleep([]), random: seedrandom('db') });
    writer.start();
    await spool.append(chunk('later', 0, 50));
    await eventually(() => writer.stats().retries >= 2, 'retries against the missing database');
    expect(writer.stats().rejectedRecords).toBe(0);
    expect(writer.stats().lastError?.message).toMatch(/database not found/);
    await missing.createDatabase();
    await writer.flush({ timeoutMs: 10_000 });
    expect(await storedValues(missing, 'later')).toEqual(range(50));
    await writer.stop();
    await spool.close();
  });
});
