import fc from 'fast-check';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ManualClock } from '../../core/clock';
import { ErrorCodes } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { Spool, type SpoolOptions } from './spool';
import { readCheckpoint } from './spool-checkpoint';
import { FRAME_HEADER_BYTES } from './spool-frame';

const logger = silentLogger();
const roots: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-spool-test-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

function open(dir: string, extra: Partial<SpoolOptions> = {}): Promise<Spool> {
  return Spool.open({ dir, logger, ...extra });
}

/** Everything after the checkpoint, in order. */
async function readAll(spool: Spool): Promise<string[]> {
  const out: string[] = [];
  let position = spool.checkpoint;
  for (;;) {
    const { records, next } = await spool.read(position, { maxLines: 3 });
    if (records.length === 0) return out;
    out.push(...records.map((r) => r.payload.toString('utf8')));
    position = next;
  }
}

function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(path.join(dir, 'segments'))
    .filter((n) => n.endsWith('.seg'))
    .sort()
    .map((n) => path.join(dir, 'segments', n));
}

const frameBytes = (payload: string) => FRAME_HEADER_BYTES + Buffer.byteLength(payload, 'utf8');

/** Copies the spool's files as they are right now, cut to `cut` bytes of the concatenated segments. */
function crashCopy(segments: { name: string; data: Buffer }[], cut: number): string {
  const dir = tempDir();
  fs.mkdirSync(path.join(dir, 'segments'));
  let left = cut;
  for (const { name, data } of segments) {
    if (left <= 0) break;
    fs.writeFileSync(path.join(dir, 'segments', name), data.subarray(0, Math.min(left, data.length)));
    left -= data.length;
  }
  return dir;
}

function snapshotSegments(dir: string): { name: string; data: Buffer }[] {
  return segmentFiles(dir).map((file) => ({ name: path.basename(file), data: fs.readFileSync(file) }));
}

const payloadArb = fc
  .string({ unit: 'grapheme', minLength: 1, maxLength: 60 })
  .map((s) => s.replace(/[\r\n]+$/, ''))
  .filter((s) => s.length > 0);

describe('Spool', () => {
  it('reads back appended records in order across segment files, with line counts', async () => {
    const dir = tempDir();
    const spool = await open(dir, { maxSegmentBytes: 200 });
    const payloads = Array.from({ length: 20 }, (_, i) => `kpi,t=${i} value=${i} ${i}\nkpi,t=${i} value=${i + 1} ${i + 1}`);
    for (const p of payloads) await spool.append(`${p}\n`);
    expect(segmentFiles(dir).length).toBeGreaterThan(3);
    const { records } = await spool.read(spool.checkpoint, { maxLines: 1_000 });
    expect(records.map((r) => r.payload.toString())).toEqual(payloads);
    expect(records.every((r) => r.lineCount === 2)).toBe(true);
    expect(spool.depth()).toMatchObject({ records: 20 });
    await spool.close();
  });

  it('stores received bytes exactly as the same text would be stored, trailing line breaks dropped', async () => {
    const dir = tempDir();
    const spool = await open(dir, { clock: new ManualClock(1_000) });
    const text = 'bank_balance,account=ops-eur,bank=Société value=1.5 1\nebitda value=2 2';
    await spool.append(`${text}\n`);
    await spool.append(Buffer.from(`${text}\r\n`, 'utf8'));
    await spool.append(Buffer.from('\n'));
    await spool.append(Buffer.alloc(0));
    const { records } = await spool.read(spool.checkpoint, { maxLines: 1_000 });
    expect(records.map((r) => r.payload.toString('utf8'))).toEqual([text, text]);
    expect(records.map((r) => r.lineCount)).toEqual([2, 2]);
    await spool.close();
    const [segment] = segmentFiles(dir);
    const data = fs.readFileSync(segment!);
    expect(data.length).toBe(2 * frameBytes(text));
    expect(data.subarray(0, frameBytes(text))).toEqual(data.subarray(frameBytes(text)));
  });

  it('stops a read at maxLines but always returns at least one record', async () => {
    const spool = await open(tempDir());
    await spool.append('a 1\na 2\na 3');
    await spool.append('b 1');
    const first = await spool.read(spool.checkpoint, { maxLines: 2 });
    expect(first.records.map((r) => r.lineCount)).toEqual([3]);
    const second = await spool.read(first.next, { maxLines: 2 });
    expect(second.records.map((r) => r.payload.toString())).toEqual(['b 1']);
    await spool.close();
  });

  it('commits appends made in the same tick together (one write + fdatasync)', async () => {
    const spool = await open(tempDir());
    const before = spool.stats.commits;
    await Promise.all(Array.from({ length: 100 }, (_, i) => spool.append(`m value=${i} ${i}`)));
    expect(spool.stats.commits - before).toBe(1);
    expect(await readAll(spool)).toEqual(Array.from({ length: 100 }, (_, i) => `m value=${i} ${i}`));
    await spool.close();
  });

  it('writes the checkpoint at most once per interval, the latest position at the end of it, and on close', async () => {
    const dir = tempDir();
    const spool = await open(dir, { checkpointEveryMs: 300 });
    for (let i = 0; i < 3; i++) await spool.append(`m value=${i} ${i}`);
    const { records } = await spool.read(spool.checkpoint, { maxLines: 3 });
    const persisted = async () => {
      const read = await readCheckpoint(dir);
      return 'position' in read ? read.position : undefined;
    };
    await spool.acknowledge(records.slice(0, 1)); // first: written at once
    expect(await persisted()).toEqual(records[0]!.end);
    await spool.acknowledge(records.slice(1, 2)); // within the interval: deferred
    await spool.acknowledge(records.slice(2, 3));
    expect(await persisted()).toEqual(records[0]!.end);
    expect(spool.depth().records).toBe(0);
    await new Promise((r) => setTimeout(r, 450));
    expect(await persisted()).toEqual(records[2]!.end);
    await spool.append('m value=3 3');
    const more = await spool.read(spool.checkpoint, { maxLines: 1 });
    await spool.acknowledge(more.records); // just after a write: deferred, then persisted by close()
    await spool.close();
    expect(await persisted()).toEqual(more.records[0]!.end);
  });

  it('acknowledging advances and persists the checkpoint and deletes shipped segments', async () => {
    const dir = tempDir();
    const spool = await open(dir, { maxSegmentBytes: 100 });
    for (let i = 0; i < 10; i++) await spool.append(`m value=${i} ${i}`);
    const segmentsBefore = segmentFiles(dir).length;
    const { records } = await spool.read(spool.checkpoint, { maxLines: 6 });
    expect(records).toHaveLength(6);
    await spool.acknowledge(records);
    expect(spool.depth().records).toBe(4);
    expect(segmentFiles(dir).length).toBeLessThan(segmentsBefore);
    await spool.close();

    const reopened = await open(dir, { maxSegmentBytes: 100 });
    expect(reopened.lastRecovery).toMatchObject({ pendingRecords: 4, corruptions: [] });
    expect(await readAll(reopened)).toEqual([6, 7, 8, 9].map((i) => `m value=${i} ${i}`));
    await reopened.close();
  });

  it('refuses to acknowledge records from before the checkpoint', async () => {
    const spool = await open(tempDir());
    await spool.append('m 1');
    await spool.append('m 2');
    const { records } = await spool.read(spool.checkpoint, { maxLines: 1 });
    await spool.acknowledge(records);
    await expect(spool.acknowledge(records.slice(0, 0).concat({ ...records[0]!, start: { segment: 0, offset: 0 } }))).rejects.toThrow(
      /out of order/,
    );
    await spool.close();
  });

  it('wakes a reader waiting for data when an append becomes durable', async () => {
    const spool = await open(tempDir());
    const waiting = spool.waitForData(spool.durableEnd);
    let woke = false;
    void waiting.then(() => (woke = true));
    await new Promise((r) => setImmediate(r));
    expect(woke).toBe(false);
    await spool.append('m 1');
    await waiting;
    expect(woke).toBe(true);
    await spool.close();
  });

  it('cuts a torn last record on recovery and keeps appending after it', async () => {
    const dir = tempDir();
    const spool = await open(dir);
    await spool.append('first value=1 1');
    await spool.append('second value=2 2');
    await spool.close();
    const [file] = segmentFiles(dir);
    fs.truncateSync(file!, fs.statSync(file!).size - 5);

    const recovered = await open(dir);
    expect(recovered.lastRecovery).toMatchObject({ pendingRecords: 1, corruptions: [] });
    expect(recovered.lastRecovery!.tornBytesTruncated).toBe(frameBytes('second value=2 2') - 5);
    await recovered.append('third value=3 3');
    expect(await readAll(recovered)).toEqual(['first value=1 1', 'third value=3 3']);
    await recovered.close();
  });

  it('moves a damaged record in the middle aside, reports SPOOL_CORRUPT and keeps the others', async () => {
    const dir = tempDir();
    const spool = await open(dir);
    for (const p of ['one 1', 'two 2', 'three 3', 'four 4']) await spool.append(p);
    await spool.close();
    const [file] = segmentFiles(dir);
    const data = fs.readFileSync(file!);
    const secondPayloadAt = frameBytes('one 1') + FRAME_HEADER_BYTES;
    data.writeUInt8(data.readUInt8(secondPayloadAt) ^ 0x20, secondPayloadAt);
    fs.writeFileSync(file!, data);

    const recovered = await open(dir);
    const report = recovered.lastRecovery!;
    expect(report.pendingRecords).toBe(3);
    expect(report.corruptions).toHaveLength(1);
    expect(report.corruptions[0]!.error.code).toBe(ErrorCodes.SPOOL_CORRUPT);
    expect(fs.readFileSync(report.corruptions[0]!.movedTo).toString()).toContain('Two 2');
    expect(await readAll(recovered)).toEqual(['one 1', 'three 3', 'four 4']);
    await recovered.close();

    const again = await open(dir);
    expect(again.lastRecovery).toMatchObject({ pendingRecords: 3, corruptions: [] });
    await again.close();
  });

  it('reports a cut record inside a closed (not last) segment as damage rather than a torn write', async () => {
    const dir = tempDir();
    const spool = await open(dir, { maxSegmentBytes: 60 });
    for (const p of ['one 1', 'two 2', 'three 3']) await spool.append(p);
    await spool.close();
    const [first] = segmentFiles(dir);
    fs.truncateSync(first!, fs.statSync(first!).size - 3);

    const recovered = await open(dir, { maxSegmentBytes: 60 });
    expect(recovered.lastRecovery!.tornBytesTruncated).toBe(0);
    expect(recovered.lastRecovery!.corruptions).toHaveLength(1);
    expect(fs.existsSync(recovered.lastRecovery!.corruptions[0]!.movedTo)).toBe(true);
    expect(await readAll(recovered)).toEqual(['one 1', 'three 3']);
    await recovered.close();
  });

  it('resynchronises past a damaged frame header on recovery', async () => {
    const dir = tempDir();
    const spool = await open(dir);
    for (const p of ['one 1', 'two 2', 'three 3']) await spool.append(p);
    await spool.close();
    const [file] = segmentFiles(dir);
    const data = fs.readFileSync(file!);
    data.writeUInt32LE(0x7fffffff, frameBytes('one 1'));
    fs.writeFileSync(file!, data);

    const recovered = await open(dir);
    expect(recovered.lastRecovery!.corruptions).toMatchObject([{ offset: frameBytes('one 1'), length: frameBytes('two 2') }]);
    expect(await readAll(recovered)).toEqual(['one 1', 'three 3']);
    await recovered.close();
  });

  it('ships again from the oldest segment when the checkpoint file is unreadable', async () => {
    const dir = tempDir();
    const spool = await open(dir);
    await spool.append('a 1');
    await spool.append('b 2');
    const { records } = await spool.read(spool.checkpoint, { maxLines: 1 });
    await spool.acknowledge(records);
    await spool.close();
    fs.writeFileSync(path.join(dir, 'checkpoint.json'), '{"version":1,"segm');

    const recovered = await open(dir);
    expect(recovered.lastRecovery!.checkpointError?.code).toBe(ErrorCodes.SPOOL_CORRUPT);
    expect(await readAll(recovered)).toEqual(['a 1', 'b 2']);
    await recovered.close();
  });

  it('keeps a rejected record with the reason in rejected/', async () => {
    const clock = new ManualClock(1_700_000_000_000);
    const spool = await open(tempDir(), { clock });
    await spool.append('bad line');
    const { records } = await spool.read(spool.checkpoint);
    const file = await spool.reject(records[0]!, 'unable to parse');
    const saved = JSON.parse(fs.readFileSync(file, 'utf8'));
    expect(saved).toMatchObject({ reason: 'unable to parse', lines: 'bad line', appendedAtMs: 1_700_000_000_000 });
    expect(path.dirname(file)).toBe(spool.rejectedDirectory);
    await spool.close();
  });

  it('recovers exactly the records wholly inside any crash cut of the files (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(payloadArb, { minLength: 1, maxLength: 8 }), fc.double({ min: 0, max: 1, noNaN: true }), async (payloads, at) => {
        const dir = tempDir();
        const spool = await open(dir, { maxSegmentBytes: 120 });
        for (const p of payloads) await spool.append(p);
        await spool.close();
        const segments = snapshotSegments(dir);
        const total = segments.reduce((n, s) => n + s.data.length, 0);
        const cut = Math.floor(at * total);
        let complete = 0;
        for (let bytes = 0; complete < payloads.length && bytes + frameBytes(payloads[complete]!) <= cut; complete++) {
          bytes += frameBytes(payloads[complete]!);
        }
        const recovered = await open(crashCopy(segments, cut), { maxSegmentBytes: 120 });
        expect(recovered.lastRecovery!.corruptions).toEqual([]);
        expect(await readAll(recovered)).toEqual(payloads.slice(0, complete));
        await recovered.close();
      }),
      { seed: 4242, numRuns: 40 },
    );
  });

  it('after any interleaving of appends and a crash, recovers a prefix holding every resolved append (property)', async () => {
    const stepArb = fc.record({ payloads: fc.array(payloadArb, { minLength: 1, maxLength: 4 }), awaitGroup: fc.boolean() });
    await fc.assert(
      fc.asyncProperty(
        fc.array(stepArb, { minLength: 1, maxLength: 6 }),
        fc.nat(),
        fc.double({ min: 0, max: 1, noNaN: true }),
        async (steps, crashStep, at) => {
          const dir = tempDir();
          const spool = await open(dir, { maxSegmentBytes: 150 });
          const issued: string[] = [];
          const resolved = new Set<number>();
          const all: Promise<unknown>[] = [];
          let crash: { segments: { name: string; data: Buffer }[]; resolved: number } | undefined;
          const takeCrashSnapshot = () => {
            crash ??= { segments: snapshotSegments(dir), resolved: resolved.size };
          };
          for (const [i, step] of steps.entries()) {
            if (i === crashStep % (steps.length + 1)) takeCrashSnapshot();
            const group = step.payloads.map((p) => {
              const index = issued.push(p) - 1;
              const done = spool.append(p).then(() => resolved.add(index));
              all.push(done);
              return done;
            });
            if (step.awaitGroup) await Promise.all(group);
            else await Promise.resolve();
          }
          takeCrashSnapshot();
          await Promise.all(all);
          await spool.close();

          // Resolved appends are a prefix of the issued ones (commits run in order).
          const durable = issued.slice(0, crash!.resolved).reduce((n, p) => n + frameBytes(p), 0);
          const written = crash!.segments.reduce((n, s) => n + s.data.length, 0);
          expect(written).toBeGreaterThanOrEqual(durable);
          // A crash may lose anything not yet synced: cut somewhere between durable and written.
          const cut = durable + Math.floor(at * (written - durable));
          const recovered = await open(crashCopy(crash!.segments, cut), { maxSegmentBytes: 150 });
          const got = await readAll(recovered);
          await recovered.close();
          expect(got).toEqual(issued.slice(0, got.length));
          expect(got.length).toBeGreaterThanOrEqual(crash!.resolved);
        },
      ),
      { seed: 777, numRuns: 40 },
    );
  });
});
