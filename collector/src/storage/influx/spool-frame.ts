import { crc32 } from 'node:zlib';

/**
 * The on-disk framing of spool records. Every record is a frame:
 *
 *     offset  size  field
 *          0     4  payload length (u32 LE, ≥ 1)
 *          4     4  CRC-32 of the payload (u32 LE)
 *          8     4  kind: 1 = record, 2 = quarantined (bytes moved aside; skip)
 *         12     8  appended-at, epoch ms (f64 LE)
 *         20     4  CRC-32 of bytes 0..19 (u32 LE)
 *         24     n  payload (line-protocol text, UTF-8)
 *
 * The header CRC makes a damaged length detectable, so a scan never trusts a length it cannot
 * verify: after a bad header it searches forward for the next frame whose header and payload
 * both check out (resynchronisation).
 */
export const FRAME_HEADER_BYTES = 24;
/** The smallest frame: a header and one payload byte. */
export const MIN_FRAME_BYTES = FRAME_HEADER_BYTES + 1;

export const FrameKind = { record: 1, quarantined: 2 } as const;

/** What a scan found at one place of a buffer. */
export type ScannedFrame =
  /** A valid record frame. `payload` is a view into the scanned buffer. */
  | { type: 'record'; offset: number; length: number; payload: Buffer; appendedAtMs: number }
  /** A frame whose bytes were moved aside earlier; skip it. */
  | { type: 'quarantined'; offset: number; length: number }
  /** Bytes that are not a valid frame, followed by a valid frame (or a frame with a bad payload CRC). */
  | { type: 'corrupt'; offset: number; length: number; reason: string }
  /**
   * The buffer ends inside a frame: a short header, or a valid header whose payload runs past the
   * end. Either a torn write (at a file's end) or a read that needs more bytes.
   */
  | { type: 'incomplete'; offset: number; length: number; needed: number | undefined }
  /** From here to the end nothing is a valid frame and the header is damaged (not a torn write). */
  | { type: 'garbage-tail'; offset: number; length: number; allZero: boolean };

/** Encodes one frame. Throws on an empty payload. */
export function encodeFrame(payload: Buffer, appendedAtMs: number, kind: number = FrameKind.record): Buffer {
  if (payload.length === 0) throw new Error('a spool frame needs a non-empty payload');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + payload.length);
  writeHeader(frame, payload.length, crc32(payload), kind, appendedAtMs);
  payload.copy(frame, FRAME_HEADER_BYTES);
  return frame;
}

/**
 * A quarantine frame exactly `totalLength` bytes long (≥ MIN_FRAME_BYTES), written over damaged
 * bytes so that offsets of the frames after them stay valid.
 */
export function encodeQuarantineFrame(totalLength: number, atMs: number): Buffer {
  if (totalLength < MIN_FRAME_BYTES) throw new Error(`a quarantine frame needs ≥ ${MIN_FRAME_BYTES} bytes`);
  const frame = Buffer.alloc(totalLength);
  const payloadLength = totalLength - FRAME_HEADER_BYTES;
  writeHeader(frame, payloadLength, crc32(frame.subarray(FRAME_HEADER_BYTES)), FrameKind.quarantined, atMs);
  return frame;
}

function writeHeader(target: Buffer, payloadLength: number, payloadCrc: number, kind: number, atMs: number): void {
  target.writeUInt32LE(payloadLength, 0);
  target.writeUInt32LE(payloadCrc, 4);
  target.writeUInt32LE(kind, 8);
  target.writeDoubleLE(atMs, 12);
  target.writeUInt32LE(crc32(target.subarray(0, 20)), 20);
}

interface Header {
  payloadLength: number;
  payloadCrc: number;
  kind: number;
  appendedAtMs: number;
}

/** The header at `offset` when its CRC checks out and its fields are plausible. */
function readHeader(buf: Buffer, offset: number): Header | undefined {
  if (offset + FRAME_HEADER_BYTES > buf.length) return undefined;
  if (crc32(buf.subarray(offset, offset + 20)) !== buf.readUInt32LE(offset + 20)) return undefined;
  const payloadLength = buf.readUInt32LE(offset);
  const kind = buf.readUInt32LE(offset + 8);
  if (payloadLength === 0 || (kind !== FrameKind.record && kind !== FrameKind.quarantined)) return undefined;
  return { payloadLength, payloadCrc: buf.readUInt32LE(offset + 4), kind, appendedAtMs: buf.readDoubleLE(offset + 12) };
}

/** True when a complete, valid frame (header and payload) starts at `offset`. */
function isValidFrameAt(buf: Buffer, offset: number): boolean {
  const header = readHeader(buf, offset);
  if (!header) return false;
  const end = offset + FRAME_HEADER_BYTES + header.payloadLength;
  if (end > buf.length) return false;
  return crc32(buf.subarray(offset + FRAME_HEADER_BYTES, end)) === header.payloadCrc;
}

/**
 * Scans `buf` from `start` and lists what it finds, in order, until the end. O(n) for clean data;
 * a damaged header costs a forward search (O(n) CRC checks of 20 bytes) to find the next frame.
 */
export function scanFrames(buf: Buffer, start = 0): ScannedFrame[] {
  const found: ScannedFrame[] = [];
  let offset = start;
  while (offset < buf.length) {
    const remaining = buf.length - offset;
    if (remaining < FRAME_HEADER_BYTES) {
      found.push({ type: 'incomplete', offset, length: remaining, needed: undefined });
      break;
    }
    const header = readHeader(buf, offset);
    if (header) {
      const length = FRAME_HEADER_BYTES + header.payloadLength;
      if (offset + length > buf.length) {
        found.push({ type: 'incomplete', offset, length: remaining, needed: length });
        break;
      }
      const payload = buf.subarray(offset + FRAME_HEADER_BYTES, offset + length);
      if (crc32(payload) !== header.payloadCrc) {
        found.push({ type: 'corrupt', offset, length, reason: 'payload CRC mismatch' });
      } else if (header.kind === FrameKind.quarantined) {
        found.push({ type: 'quarantined', offset, length });
      } else {
        found.push({ type: 'record', offset, length, payload, appendedAtMs: header.appendedAtMs });
      }
      offset += length;
      continue;
    }
    const next = findNextValidFrame(buf, offset + 1);
    if (next === undefined) {
      found.push({ type: 'garbage-tail', offset, length: remaining, allZero: isAllZero(buf, offset, buf.length) });
      break;
    }
    found.push({ type: 'corrupt', offset, length: next - offset, reason: 'damaged frame header' });
    offset = next;
  }
  return found;
}

function findNextValidFrame(buf: Buffer, from: number): number | undefined {
  for (let p = from; p + MIN_FRAME_BYTES <= buf.length; p++) {
    if (isValidFrameAt(buf, p)) return p;
  }
  return undefined;
}

function isAllZero(buf: Buffer, from: number, to: number): boolean {
  for (let i = from; i < to; i++) if (buf[i] !== 0) return false;
  return true;
}

/** Number of lines in a line-protocol payload (newline-separated, no trailing newline). */
export function countLines(payload: Buffer): number {
  let count = 1;
  let at = payload.indexOf(10);
  while (at !== -1) {
    count++;
    at = payload.indexOf(10, at + 1);
  }
  return count;
}
