import { EventEmitter } from 'node:events';
import { crc32 } from 'node:zlib';
import fs from 'node:fs/promises';
import path from 'node:path';
import { systemClock, type Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { fsyncDirectory, writeFileDurably } from './durable-file';
import { comparePositions, readCheckpoint, writeCheckpoint, type SpoolPosition } from './spool-checkpoint';
import { countLines, encodeQuarantineFrame, FRAME_HEADER_BYTES, FrameKind, MIN_FRAME_BYTES, scanFrames } from './spool-frame';

export type { SpoolPosition } from './spool-checkpoint';
export { comparePositions } from './spool-checkpoint';

/** Options of a spool. */
export interface SpoolOptions {
  /** The spool's folder: segments/, checkpoint.json, rejected/, corrupt/. Created when missing. */
  readonly dir: string;
  readonly logger: Logger;
  /** Stamps each record's append time (for the shipper's lag). Default: system clock. */
  readonly clock?: Clock;
  /** A segment is closed and a new one started once it holds this many bytes. Default 64 MiB. */
  readonly maxSegmentBytes?: number;
  /**
   * Least time between two checkpoint writes (each is a file write, a rename and two fsyncs).
   * Acknowledgements in between are persisted together at the end of the interval; a crash
   * before that only ships those records again, which InfluxDB absorbs. Default 200 ms.
   */
  readonly checkpointEveryMs?: number;
  /**
   * Payload bytes of the newest unshipped records also kept in memory, so the shipper reads them
   * without going back to the files (the usual case: it keeps up). Older records are read from
   * disk. Default 64 MiB; 0 reads everything from disk.
   */
  readonly memoryTailBytes?: number;
}

/** One record read back from the spool. */
export interface SpoolRecord {
  /** Where reading for this record began (the previous record's end). */
  readonly start: SpoolPosition;
  /** The position just after this record. */
  readonly end: SpoolPosition;
  /** The line-protocol text as appended (UTF-8, no trailing newline). */
  readonly payload: Buffer;
  /** The same bytes as one or more consecutive pieces (send them in order to avoid joining them). */
  readonly chunks: readonly Buffer[];
  readonly lineCount: number;
  readonly appendedAtMs: number;
}

/** What `append` takes: line protocol as text or UTF-8 bytes, or consecutive pieces of it. */
export type SpoolPayload = string | Buffer | readonly (string | Buffer)[];

/** How much is waiting in the spool (appended durably, not yet acknowledged as shipped). */
export interface SpoolDepth {
  readonly records: number;
  readonly bytes: number;
  readonly segments: number;
}

/** A damaged stretch of a segment, copied to corrupt/ and replaced by a quarantine frame. */
export interface SpoolCorruption {
  readonly segment: number;
  readonly offset: number;
  readonly length: number;
  /** Where the damaged bytes were copied. */
  readonly movedTo: string;
  readonly error: FinmonError;
}

/** What `recover()` found. */
export interface SpoolRecoveryReport {
  readonly checkpoint: SpoolPosition;
  /** Records after the checkpoint, to be shipped. */
  readonly pendingRecords: number;
  readonly pendingBytes: number;
  /** Bytes of an incomplete last record (a torn write) cut off the last segment. */
  readonly tornBytesTruncated: number;
  readonly corruptions: readonly SpoolCorruption[];
  /** Set when checkpoint.json could not be read; shipping restarted from the oldest segment. */
  readonly checkpointError?: FinmonError;
}

/** Counters for health and benchmarks. */
export interface SpoolStats {
  appends: number;
  appendedBytes: number;
  /** Group commits: one write + fdatasync each (per segment touched). */
  commits: number;
  corruptions: number;
}

interface PendingAppend {
  /** The frame header, then the payload pieces. */
  readonly header: Buffer;
  readonly chunks: Buffer[];
  readonly payloadBytes: number;
  readonly lineCount: number | undefined;
  readonly appendedAtMs: number;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

/** A durably written record whose payload is still in memory (see `SpoolOptions.memoryTailBytes`). */
interface MemoryRecord {
  readonly start: SpoolPosition;
  readonly end: SpoolPosition;
  readonly chunks: Buffer[];
  readonly payloadBytes: number;
  lineCount: number | undefined;
  readonly appendedAtMs: number;
}

interface WriteSegment {
  readonly id: number;
  readonly handle: fs.FileHandle;
  size: number;
}

const DEFAULT_MAX_SEGMENT_BYTES = 64 * 1024 * 1024;
const DEFAULT_MEMORY_TAIL_BYTES = 64 * 1024 * 1024;
const SEGMENT_DIGITS = 20;
const READ_CHUNK_BYTES = 1024 * 1024;

/**
 * A durable, ordered write-ahead spool of line-protocol records in front of InfluxDB.
 *
 * - `append()` resolves only once the record is on disk (write + fdatasync). Appends made while a
 *   commit is running, or within the same tick, are written and synced together (group commit).
 * - Records live in numbered segment files of bounded size, framed with length and CRC-32
 *   (see spool-frame.ts). A checkpoint file records how far the shipper got; fully shipped
 *   segments are deleted.
 * - `recover()` (run by `Spool.open`) reads from the checkpoint, cuts a torn last record, and moves
 *   damaged records aside (corrupt/, reported as SPOOL_CORRUPT) — nothing is dropped silently.
 * - The payloads of the newest unshipped records stay in memory as appended (bounded), and `read`
 *   serves them from there: the shipper does not read back, copy or re-check what this process
 *   just wrote and synced. Anything older (after a restart, or behind a long outage) comes from
 *   the files, checked frame by frame.
 *
 * Delivery is at-least-once: after a crash between a write to InfluxDB and the checkpoint, the
 * records after the checkpoint are shipped again (harmless: same series + timestamp overwrites).
 */
export class Spool {
  readonly dir: string;
  readonly stats: SpoolStats = { appends: 0, appendedBytes: 0, commits: 0, corruptions: 0 };
  private readonly segmentsDir: string;
  private readonly rejectedDir: string;
  private readonly corruptDir: string;
  private readonly logger: Logger;
  private readonly clock: Clock;
  private readonly maxSegmentBytes: number;
  private readonly events = new EventEmitter();

  /** Durable sizes of the segments after the checkpoint (and the checkpoint's own segment). */
  private readonly segmentSizes = new Map<number, number>();
  private writeSegment: WriteSegment | undefined;
  private checkpointPosition: SpoolPosition = { segment: 1, offset: 0 };
  private persistedCheckpoint: SpoolPosition = { segment: 1, offset: 0 };
  private checkpointChain: Promise<void> = Promise.resolve();
  private readonly checkpointEveryMs: number;
  private lastCheckpointWriteMs = -Infinity;
  private checkpointTimer: NodeJS.Timeout | undefined;
  private pendingRecords = 0;
  private pending: PendingAppend[] = [];
  private readonly memoryTailBytes: number;
  /** Records in memory, oldest first, contiguous, all after the checkpoint. */
  private memory: MemoryRecord[] = [];
  private memoryBytes = 0;
  private committing: Promise<void> | undefined;
  private commitScheduled = false;
  private failure: FinmonError | undefined;
  private closed = false;
  private recovered = false;
  private recoveryReport: SpoolRecoveryReport | undefined;

  constructor(options: SpoolOptions) {
    this.dir = path.resolve(options.dir);
    this.segmentsDir = path.join(this.dir, 'segments');
    this.rejectedDir = path.join(this.dir, 'rejected');
    this.corruptDir = path.join(this.dir, 'corrupt');
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.maxSegmentBytes = options.maxSegmentBytes ?? DEFAULT_MAX_SEGMENT_BYTES;
    this.checkpointEveryMs = options.checkpointEveryMs ?? 200;
    this.memoryTailBytes = options.memoryTailBytes ?? DEFAULT_MEMORY_TAIL_BYTES;
    this.events.setMaxListeners(0);
  }

  /** Creates a spool on `options.dir` and recovers it (see `recover`). */
  static async open(options: SpoolOptions): Promise<Spool> {
    const spool = new Spool(options);
    await spool.recover();
    return spool;
  }

  /** The report of the last `recover()`. */
  get lastRecovery(): SpoolRecoveryReport | undefined {
    return this.recoveryReport;
  }

  /** How far records have been acknowledged as shipped (in memory; persisted shortly after). */
  get checkpoint(): SpoolPosition {
    return this.checkpointPosition;
  }

  /** The end of the durably written data; readers never go past it. */
  get durableEnd(): SpoolPosition {
    const current = this.writeSegment;
    if (!current) return this.checkpointPosition;
    return { segment: current.id, offset: current.size };
  }

  /** Where rejected records are kept (one JSON file each). */
  get rejectedDirectory(): string {
    return this.rejectedDir;
  }

  /**
   * Prepares the spool for use after a start or crash: reads the checkpoint, deletes segments
   * before it, scans the rest (counting pending records), truncates a torn last record, moves
   * damaged records aside with a SPOOL_CORRUPT report, and opens a fresh segment for appends.
   */
  async recover(): Promise<SpoolRecoveryReport> {
    if (this.recovered) throw new Error('Spool.recover() runs once, before the first append');
    for (const dir of [this.dir, this.segmentsDir, this.rejectedDir, this.corruptDir]) {
      await fs.mkdir(dir, { recursive: true });
    }
    const corruptions: SpoolCorruption[] = [];
    let tornBytesTruncated = 0;

    const segments = await this.listSegments();
    const read = await readCheckpoint(this.dir);
    let checkpoint: SpoolPosition;
    let checkpointError: FinmonError | undefined;
    if (read.status === 'found') {
      checkpoint = read.position;
    } else {
      if (read.status === 'unreadable') {
        const error = new FinmonError(
          ErrorCodes.SPOOL_CORRUPT,
          `spool checkpoint ${path.join(this.dir, 'checkpoint.json')} is unreadable (${read.reason}); ` +
            'shipping again from the oldest segment (duplicates overwrite themselves in InfluxDB)',
        );
        this.logger.error({ code: error.code }, error.message);
        checkpointError = error;
      }
      checkpoint = { segment: segments[0] ?? 1, offset: 0 };
    }

    for (const id of segments.filter((s) => s < checkpoint.segment)) {
      await fs.rm(this.segmentPath(id), { force: true });
    }
    const live = segments.filter((s) => s >= checkpoint.segment);
    if (live.length > 0 && live[0] !== checkpoint.segment) {
      this.logger.warn(
        { checkpoint, firstSegment: live[0] },
        'spool checkpoint segment is missing; continuing at the next segment',
      );
      checkpoint = { segment: live[0]!, offset: 0 };
    }

    let pendingRecords = 0;
    for (const [index, id] of live.entries()) {
      const isLast = index === live.length - 1;
      const file = this.segmentPath(id);
      const data = await fs.readFile(file);
      let start = id === checkpoint.segment ? checkpoint.offset : 0;
      if (start > data.length) {
        this.logger.warn({ segment: id, checkpoint, size: data.length }, 'spool checkpoint lies past the segment end');
        start = data.length;
        checkpoint = { segment: id, offset: start };
      }
      // Keep the bytes before the scan start, then every intact frame; anything else is a torn
      // tail (cut) or damage (copied aside, reported). Damage is removed by rewriting the segment:
      // offsets after the checkpoint are not referenced by anyone yet.
      const keep: Buffer[] = [data.subarray(0, start)];
      let keptBytes = start;
      let damaged = false;
      let tail: number | undefined;
      for (const found of scanFrames(data, start)) {
        if (found.type === 'record' || found.type === 'quarantined') {
          if (found.type === 'record') pendingRecords++;
          keep.push(data.subarray(found.offset, found.offset + found.length));
          keptBytes += found.length;
        } else if (found.type === 'corrupt') {
          damaged = true;
          corruptions.push(await this.saveAside(id, found.offset, data.subarray(found.offset, found.offset + found.length), found.reason));
        } else {
          tail = found.offset;
          const tornWrite = isLast && (found.type === 'incomplete' || found.allZero);
          if (tornWrite) {
            tornBytesTruncated += found.length;
            this.logger.warn({ segment: id, offset: found.offset, bytes: found.length }, 'spool: cut a torn last record');
          } else {
            damaged = true;
            const reason = found.type === 'incomplete' ? 'truncated frame inside a closed segment' : 'damaged frame header';
            corruptions.push(await this.saveAside(id, found.offset, data.subarray(found.offset), reason));
          }
        }
      }
      if (damaged) {
        await writeFileDurably(file, Buffer.concat(keep, keptBytes));
      } else if (tail !== undefined) {
        await fs.truncate(file, tail);
        await syncFile(file);
      }
      const validEnd = keptBytes;
      this.segmentSizes.set(id, validEnd);
    }

    // Appends go to a fresh segment (or an empty last one), never after a possibly damaged tail.
    const lastId = live[live.length - 1];
    const lastSize = lastId === undefined ? 0 : this.segmentSizes.get(lastId) ?? 0;
    if (lastId !== undefined && lastSize === 0) {
      this.writeSegment = { id: lastId, handle: await fs.open(this.segmentPath(lastId), 'r+'), size: 0 };
    } else {
      const id = lastId !== undefined ? lastId + 1 : checkpoint.offset > 0 ? checkpoint.segment + 1 : checkpoint.segment;
      const handle = await fs.open(this.segmentPath(id), 'w');
      await fsyncDirectory(this.segmentsDir);
      this.writeSegment = { id, handle, size: 0 };
      this.segmentSizes.set(id, 0);
      if (lastId === undefined) checkpoint = { segment: id, offset: 0 };
    }
    checkpoint = this.normalize(checkpoint);
    this.checkpointPosition = checkpoint;
    this.persistedCheckpoint = checkpoint;
    this.pendingRecords = pendingRecords;
    this.recovered = true;
    const depth = this.depth();
    this.recoveryReport = {
      checkpoint,
      pendingRecords,
      pendingBytes: depth.bytes,
      tornBytesTruncated,
      corruptions,
      ...(checkpointError ? { checkpointError } : {}),
    };
    this.logger.info(
      { checkpoint, pendingRecords, pendingBytes: depth.bytes, tornBytesTruncated, corruptions: corruptions.length },
      'spool recovered',
    );
    return this.recoveryReport;
  }

  /**
   * Appends line protocol (text, its UTF-8 bytes as received, or consecutive pieces of either) as
   * one record. Resolves once it is durably on disk; rejects (STORAGE_UNAVAILABLE) when the disk
   * write fails. Trailing newlines are dropped; empty input is a no-op. `lineCount`, when the caller
   * knows it, is the record's number of lines (saves counting them); it must be exact. Buffers
   * given are kept (not copied) until the record is shipped: do not change them.
   */
  append(lines: SpoolPayload, lineCount?: number): Promise<void> {
    if (!this.recovered) return Promise.reject(new Error('Spool.append() before recover()'));
    if (this.closed) return Promise.reject(new FinmonError(ErrorCodes.STORAGE_UNAVAILABLE, `spool ${this.dir} is closed`, 503, true));
    if (this.failure) return Promise.reject(this.failure);
    const chunks = payloadChunks(lines);
    let payloadBytes = 0;
    let crc = 0;
    for (const chunk of chunks) {
      payloadBytes += chunk.length;
      crc = crc32(chunk, crc);
    }
    if (payloadBytes === 0) return Promise.resolve();
    const appendedAtMs = this.clock.now();
    const header = frameHeader(payloadBytes, crc, appendedAtMs);
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ header, chunks, payloadBytes, lineCount, appendedAtMs, resolve, reject });
      this.scheduleCommit();
    });
  }

  /** Resolves once every append made before the call has been committed (or failed). */
  async sync(): Promise<void> {
    while (this.pending.length > 0 || this.committing || this.commitScheduled) {
      if (this.committing) await this.committing;
      else await new Promise((r) => setImmediate(r));
    }
  }

  /**
   * Reads records after `from` in order, across segments, up to `maxLines` lines (at least one
   * record) and `maxBytes` of payload, never past the durable end. Returns them and the position
   * to read from next. A damaged frame found here is moved aside and reported (SPOOL_CORRUPT).
   */
  async read(
    from: SpoolPosition,
    limits: { maxLines?: number; maxBytes?: number } = {},
  ): Promise<{ records: SpoolRecord[]; next: SpoolPosition }> {
    const maxLines = limits.maxLines ?? 5_000;
    const maxBytes = limits.maxBytes ?? 16 * 1024 * 1024;
    const inMemory = this.readMemory(this.normalize(from), maxLines, maxBytes);
    if (inMemory !== undefined) return inMemory;
    const records: SpoolRecord[] = [];
    let lines = 0;
    let bytes = 0;
    let position = this.normalize(from);
    let recordStart = position;
    let wholeRemainder = false;
    reading: for (;;) {
      const segmentEnd = this.segmentSizes.get(position.segment);
      if (segmentEnd === undefined || position.offset >= segmentEnd) break;
      if (records.length > 0 && (lines >= maxLines || bytes >= maxBytes)) break;
      const available = segmentEnd - position.offset;
      const chunkStart = position.offset;
      let data = await this.readRange(position.segment, chunkStart, wholeRemainder ? available : Math.min(available, READ_CHUNK_BYTES));
      let scanned = scanFrames(data);
      const first = scanned[0];
      if (first?.type === 'incomplete' && first.needed !== undefined && data.length < available) {
        data = await this.readRange(position.segment, chunkStart, Math.min(available, first.needed));
        scanned = scanFrames(data);
      }
      const reachesEnd = data.length >= available;
      wholeRemainder = false;
      for (const found of scanned) {
        const absolute = chunkStart + found.offset;
        if (found.type === 'record') {
          const lineCount = countLines(found.payload);
          if (records.length > 0 && (lines + lineCount > maxLines || bytes + found.payload.length > maxBytes)) break reading;
          const end = { segment: position.segment, offset: absolute + found.length };
          records.push({ start: recordStart, end, payload: found.payload, chunks: [found.payload], lineCount, appendedAtMs: found.appendedAtMs });
          lines += lineCount;
          bytes += found.payload.length;
          position = end;
          recordStart = end;
        } else if (found.type === 'quarantined') {
          position = { segment: position.segment, offset: absolute + found.length };
        } else if (!reachesEnd) {
          // The chunk ended inside a frame, or a resync needs bytes beyond it: read on from here.
          wholeRemainder = absolute === chunkStart;
          continue reading;
        } else {
          // Damage inside durably written data: move it aside, then read again from here.
          const length = found.type === 'corrupt' ? found.length : segmentEnd - absolute;
          const damaged = await this.readRange(position.segment, absolute, length);
          const reason = found.type === 'corrupt' ? found.reason : `unreadable frame (${found.type}) in written data`;
          await this.quarantineLive(position.segment, absolute, damaged, reason);
          continue reading;
        }
      }
      position = this.normalize(position);
    }
    return { records, next: this.normalize(position) };
  }

  /**
   * Marks `records` (contiguous, oldest first, starting at the checkpoint) as shipped: advances the
   * checkpoint past the last one, persists it atomically, and deletes segments that are fully
   * shipped. Resolves once the checkpoint file is durable.
   */
  async acknowledge(records: readonly SpoolRecord[]): Promise<void> {
    const last = records[records.length - 1];
    const first = records[0];
    if (!last || !first) return;
    if (comparePositions(first.start, this.checkpointPosition) < 0) {
      throw new Error(
        `spool acknowledge out of order: record starts at ${formatPosition(first.start)}, ` +
          `checkpoint is ${formatPosition(this.checkpointPosition)}`,
      );
    }
    this.checkpointPosition = this.normalize(last.end);
    this.pendingRecords = Math.max(0, this.pendingRecords - records.length);
    this.dropShippedFromMemory();
    if (this.checkpointTimer !== undefined) return;
    const wait = this.lastCheckpointWriteMs + this.checkpointEveryMs - Date.now();
    if (wait <= 0) {
      await this.persistCheckpoint();
      return;
    }
    this.checkpointTimer = setTimeout(() => {
      this.checkpointTimer = undefined;
      this.persistCheckpoint().catch((err) => this.logger.error({ err }, 'spool checkpoint write failed; retried at the next acknowledgement'));
    }, wait);
  }

  /**
   * Keeps a record InfluxDB refused in `rejected/<segment>-<offset>.json` (with InfluxDB's
   * message) durably; the caller then acknowledges it. Returns the file's path.
   */
  async reject(record: SpoolRecord, reason: string): Promise<string> {
    const name = `${pad(record.start.segment)}-${pad(record.start.offset)}.json`;
    const file = path.join(this.rejectedDir, name);
    const body = {
      reason,
      rejectedAtMs: this.clock.now(),
      appendedAtMs: record.appendedAtMs,
      spoolPosition: record.start,
      lineCount: record.lineCount,
      lines: record.payload.toString('utf8'),
    };
    await writeFileDurably(file, `${JSON.stringify(body, null, 2)}\n`);
    return file;
  }

  /** Resolves when data lies durably after `position`, or when the spool closes. */
  waitForData(position: SpoolPosition): Promise<void> {
    if (this.closed || comparePositions(this.normalize(position), this.durableEnd) < 0) return Promise.resolve();
    return new Promise((resolve) => {
      const check = () => {
        if (this.closed || comparePositions(this.normalize(position), this.durableEnd) < 0) {
          this.events.off('durable', check);
          this.events.off('closed', check);
          resolve();
        }
      };
      this.events.on('durable', check);
      this.events.on('closed', check);
    });
  }

  /** Subscribes to "new data is durable"; returns the unsubscribe function. */
  onDurable(listener: () => void): () => void {
    this.events.on('durable', listener);
    return () => this.events.off('durable', listener);
  }

  /** Records and bytes appended durably but not yet acknowledged, and the segment files held. */
  depth(): SpoolDepth {
    let bytes = 0;
    let segments = 0;
    for (const [id, size] of this.segmentSizes) {
      if (id < this.checkpointPosition.segment) continue;
      segments++;
      bytes += id === this.checkpointPosition.segment ? size - this.checkpointPosition.offset : size;
    }
    return { records: this.pendingRecords, bytes: Math.max(0, bytes), segments };
  }

  /** Finishes pending appends and checkpoint writes, then closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.sync();
    this.closed = true;
    if (this.checkpointTimer !== undefined) {
      clearTimeout(this.checkpointTimer);
      this.checkpointTimer = undefined;
      await this.persistCheckpoint().catch(() => undefined);
    }
    await this.checkpointChain;
    await this.writeSegment?.handle.close();
    this.events.emit('closed');
  }

  // ---- group commit ----

  private scheduleCommit(): void {
    if (this.commitScheduled || this.committing) return;
    this.commitScheduled = true;
    setImmediate(() => {
      this.commitScheduled = false;
      this.committing = this.commitLoop().finally(() => {
        this.committing = undefined;
        // Appends made by callbacks of the last commit arrive after the loop saw an empty queue.
        if (this.pending.length > 0) this.scheduleCommit();
      });
    });
  }

  private async commitLoop(): Promise<void> {
    while (this.pending.length > 0) {
      const batch = this.pending;
      this.pending = [];
      if (this.failure) {
        for (const p of batch) p.reject(this.failure);
        continue;
      }
      try {
        await this.commit(batch);
        this.stats.appends += batch.length;
        this.pendingRecords += batch.length;
        for (const p of batch) p.resolve();
        this.events.emit('durable');
      } catch (error) {
        const wrapped =
          error instanceof FinmonError
            ? error
            : new FinmonError(
                ErrorCodes.STORAGE_UNAVAILABLE,
                `spool ${this.dir}: writing ${batch.length} records failed: ${(error as Error).message}`,
                503,
                true,
                { cause: error },
              );
        this.logger.error({ err: wrapped, code: wrapped.code }, 'spool append failed');
        for (const p of batch) p.reject(wrapped);
      }
    }
  }

  /** Writes frames (rolling segments as needed) and fdatasyncs; on failure cuts the partial write. */
  private async commit(appends: PendingAppend[]): Promise<void> {
    let group: PendingAppend[] = [];
    let groupBytes = 0;
    for (const append of appends) {
      const frameBytes = FRAME_HEADER_BYTES + append.payloadBytes;
      const segment = this.writeSegment!;
      if (segment.size + groupBytes > 0 && segment.size + groupBytes + frameBytes > this.maxSegmentBytes) {
        if (group.length > 0) await this.writeGroup(group, groupBytes);
        group = [];
        groupBytes = 0;
        if (this.writeSegment!.size > 0) await this.rollSegment();
      }
      group.push(append);
      groupBytes += frameBytes;
    }
    if (group.length > 0) await this.writeGroup(group, groupBytes);
  }

  /** One gathered write (headers and payload pieces as they are, no copy) and one fdatasync. */
  private async writeGroup(group: PendingAppend[], groupBytes: number): Promise<void> {
    const segment = this.writeSegment!;
    let buffers: Buffer[] = [];
    for (const append of group) buffers.push(append.header, ...append.chunks);
    try {
      let written = 0;
      while (written < groupBytes) {
        const { bytesWritten } = await segment.handle.writev(buffers, segment.size + written);
        written += bytesWritten;
        if (written < groupBytes) buffers = skipBytes(buffers, bytesWritten);
      }
      await segment.handle.datasync();
    } catch (error) {
      try {
        await segment.handle.truncate(segment.size);
        await segment.handle.datasync();
      } catch (truncateError) {
        this.failure = new FinmonError(
          ErrorCodes.STORAGE_UNAVAILABLE,
          `spool ${this.dir}: a failed write could not be undone (${(truncateError as Error).message}); ` +
            'appends are refused until restart',
          503,
          true,
          { cause: error },
        );
      }
      throw error;
    }
    let offset = segment.size;
    for (const append of group) {
      const end = offset + FRAME_HEADER_BYTES + append.payloadBytes;
      this.keepInMemory({
        start: { segment: segment.id, offset },
        end: { segment: segment.id, offset: end },
        chunks: append.chunks,
        payloadBytes: append.payloadBytes,
        lineCount: append.lineCount,
        appendedAtMs: append.appendedAtMs,
      });
      offset = end;
    }
    segment.size += groupBytes;
    this.segmentSizes.set(segment.id, segment.size);
    this.stats.commits++;
    this.stats.appendedBytes += groupBytes;
  }

  // ---- the in-memory tail ----

  private keepInMemory(record: MemoryRecord): void {
    if (this.memoryTailBytes <= 0) return;
    this.memory.push(record);
    this.memoryBytes += record.payloadBytes;
    while (this.memoryBytes > this.memoryTailBytes && this.memory.length > 0) {
      this.memoryBytes -= this.memory.shift()!.payloadBytes;
    }
  }

  private dropShippedFromMemory(): void {
    const checkpoint = this.checkpointPosition;
    let drop = 0;
    while (drop < this.memory.length && comparePositions(this.memory[drop]!.end, checkpoint) <= 0) {
      this.memoryBytes -= this.memory[drop]!.payloadBytes;
      drop++;
    }
    if (drop > 0) this.memory.splice(0, drop);
  }

  /** Records from `position` (normalized) when it is the start of a record still in memory. */
  private readMemory(
    position: SpoolPosition,
    maxLines: number,
    maxBytes: number,
  ): { records: SpoolRecord[]; next: SpoolPosition } | undefined {
    const memory = this.memory;
    // Binary search for the record starting at `position` (starts increase).
    let lo = 0;
    let hi = memory.length - 1;
    let index = -1;
    while (lo <= hi) {
      const mid = (lo + hi) >> 1;
      const order = comparePositions(memory[mid]!.start, position);
      if (order === 0) {
        index = mid;
        break;
      }
      if (order < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    if (index < 0) return undefined;
    const records: SpoolRecord[] = [];
    let lines = 0;
    let bytes = 0;
    for (let i = index; i < memory.length; i++) {
      const record = memory[i]!;
      record.lineCount ??= countChunkLines(record.chunks);
      if (records.length > 0 && (lines + record.lineCount > maxLines || bytes + record.payloadBytes > maxBytes)) break;
      records.push(new MemorySpoolRecord(record.start, record.end, record.chunks, record.lineCount, record.appendedAtMs));
      lines += record.lineCount;
      bytes += record.payloadBytes;
    }
    return { records, next: this.normalize(records[records.length - 1]!.end) };
  }

  private async rollSegment(): Promise<void> {
    const old = this.writeSegment!;
    const id = old.id + 1;
    const handle = await fs.open(this.segmentPath(id), 'wx');
    await fsyncDirectory(this.segmentsDir);
    this.writeSegment = { id, handle, size: 0 };
    this.segmentSizes.set(id, 0);
    await old.handle.close();
  }

  // ---- checkpoint ----

  private persistCheckpoint(): Promise<void> {
    const link = this.checkpointChain.then(async () => {
      const target = this.checkpointPosition;
      if (comparePositions(target, this.persistedCheckpoint) === 0) return;
      this.lastCheckpointWriteMs = Date.now();
      await writeCheckpoint(this.dir, target);
      this.persistedCheckpoint = target;
      await this.deleteShippedSegments(target);
    });
    this.checkpointChain = link.catch(() => undefined);
    return link;
  }

  private async deleteShippedSegments(checkpoint: SpoolPosition): Promise<void> {
    const doomed = [...this.segmentSizes.keys()].filter((id) => id < checkpoint.segment);
    if (doomed.length === 0) return;
    for (const id of doomed) {
      await fs.rm(this.segmentPath(id), { force: true });
      this.segmentSizes.delete(id);
    }
    await fsyncDirectory(this.segmentsDir);
  }

  // ---- reading ----

  /** A position at the end of a closed segment becomes the start of the next one. */
  private normalize(position: SpoolPosition): SpoolPosition {
    let p = position;
    const current = this.writeSegment?.id ?? p.segment;
    while (p.segment < current) {
      const size = this.segmentSizes.get(p.segment);
      if (size !== undefined && p.offset < size) break;
      p = { segment: p.segment + 1, offset: 0 };
    }
    return p;
  }

  private async readRange(segment: number, offset: number, length: number): Promise<Buffer> {
    const handle = await fs.open(this.segmentPath(segment), 'r');
    try {
      const data = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const { bytesRead } = await handle.read(data, got, length - got, offset + got);
        if (bytesRead === 0) break;
        got += bytesRead;
      }
      return got === length ? data : data.subarray(0, got);
    } finally {
      await handle.close();
    }
  }

  // ---- damage ----

  /**
   * Damage found while running (data this process wrote and synced): copies the bytes to corrupt/
   * and overwrites them in place with a quarantine frame, so that positions already handed out
   * stay valid.
   */
  private async quarantineLive(segment: number, offset: number, damaged: Buffer, reason: string): Promise<SpoolCorruption> {
    if (damaged.length < MIN_FRAME_BYTES) {
      throw new FinmonError(
        ErrorCodes.SPOOL_CORRUPT,
        `spool segment ${this.segmentPath(segment)} has ${damaged.length} unreadable bytes at offset ${offset}; ` +
          'restart the collector to repair the segment',
      );
    }
    const corruption = await this.saveAside(segment, offset, damaged, reason);
    const handle = await fs.open(this.segmentPath(segment), 'r+');
    try {
      const frame = encodeQuarantineFrame(damaged.length, this.clock.now());
      await handle.write(frame, 0, frame.length, offset);
      await handle.datasync();
    } finally {
      await handle.close();
    }
    return corruption;
  }

  private async saveAside(segment: number, offset: number, damaged: Buffer, reason: string): Promise<SpoolCorruption> {
    const movedTo = path.join(this.corruptDir, `${pad(segment)}-${pad(offset)}.bin`);
    await writeFileDurably(movedTo, damaged);
    const error = new FinmonError(
      ErrorCodes.SPOOL_CORRUPT,
      `spool segment ${this.segmentPath(segment)}: ${damaged.length} damaged bytes at offset ${offset} ` +
        `(${reason}) moved to ${movedTo}`,
    );
    this.stats.corruptions++;
    this.logger.error({ code: error.code, segment, offset, length: damaged.length, movedTo }, error.message);
    return { segment, offset, length: damaged.length, movedTo, error };
  }

  private async listSegments(): Promise<number[]> {
    const names = await fs.readdir(this.segmentsDir);
    const ids: number[] = [];
    for (const name of names) {
      const match = /^(\d+)\.seg$/.exec(name);
      if (match) ids.push(Number(match[1]));
      else if (name.endsWith('.tmp')) await fs.rm(path.join(this.segmentsDir, name), { force: true });
    }
    return ids.sort((a, b) => a - b);
  }

  private segmentPath(id: number): string {
    return path.join(this.segmentsDir, `${pad(id)}.seg`);
  }
}

/** A record served from memory; `payload` joins the pieces only when asked. */
class MemorySpoolRecord implements SpoolRecord {
  private joined: Buffer | undefined;
  constructor(
    readonly start: SpoolPosition,
    readonly end: SpoolPosition,
    readonly chunks: readonly Buffer[],
    readonly lineCount: number,
    readonly appendedAtMs: number,
  ) {}
  get payload(): Buffer {
    this.joined ??= this.chunks.length === 1 ? this.chunks[0]! : Buffer.concat(this.chunks);
    return this.joined;
  }
}

/** The payload as non-empty UTF-8 pieces, trailing line breaks dropped (views, not copies). */
function payloadChunks(lines: SpoolPayload): Buffer[] {
  const pieces = typeof lines === 'string' || Buffer.isBuffer(lines) ? [lines] : lines;
  const chunks: Buffer[] = [];
  for (const piece of pieces) {
    const chunk = typeof piece === 'string' ? Buffer.from(piece, 'utf8') : piece;
    if (chunk.length > 0) chunks.push(chunk);
  }
  while (chunks.length > 0) {
    const last = chunks[chunks.length - 1]!;
    let end = last.length;
    while (end > 0 && (last[end - 1] === 10 || last[end - 1] === 13)) end--;
    if (end > 0) {
      if (end < last.length) chunks[chunks.length - 1] = last.subarray(0, end);
      break;
    }
    chunks.pop();
  }
  return chunks;
}

/** Lines in a payload given as pieces (newline-separated, no trailing newline). */
function countChunkLines(chunks: readonly Buffer[]): number {
  if (chunks.length === 1) return countLines(chunks[0]!);
  let lines = 1;
  for (const chunk of chunks) lines += countLines(chunk) - 1;
  return lines;
}

/** `buffers` without their first `bytes` bytes (after a partial gathered write). */
function skipBytes(buffers: Buffer[], bytes: number): Buffer[] {
  let skip = bytes;
  let i = 0;
  while (i < buffers.length && skip >= buffers[i]!.length) skip -= buffers[i++]!.length;
  const rest = buffers.slice(i);
  if (rest.length > 0 && skip > 0) rest[0] = rest[0]!.subarray(skip);
  return rest;
}

/**
 * The 24-byte header of a record frame (the layout of spool-frame.ts, which `encodeFrame` writes
 * for a whole payload; this one lets the payload be written from its pieces without joining them).
 */
export function frameHeader(payloadBytes: number, payloadCrc: number, appendedAtMs: number): Buffer {
  const header = Buffer.allocUnsafe(FRAME_HEADER_BYTES);
  header.writeUInt32LE(payloadBytes, 0);
  header.writeUInt32LE(payloadCrc, 4);
  header.writeUInt32LE(FrameKind.record, 8);
  header.writeDoubleLE(appendedAtMs, 12);
  header.writeUInt32LE(crc32(header.subarray(0, 20)), 20);
  return header;
}

function pad(n: number): string {
  return String(n).padStart(SEGMENT_DIGITS, '0');
}

function formatPosition(p: SpoolPosition): string {
  return `${p.segment}:${p.offset}`;
}

async function syncFile(file: string): Promise<void> {
  const handle = await fs.open(file, 'r+');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
