import fc from 'fast-check';
import {
  countLines,
  encodeFrame,
  encodeQuarantineFrame,
  FRAME_HEADER_BYTES,
  scanFrames,
  type ScannedFrame,
} from './spool-frame';

const records = (found: ScannedFrame[]) =>
  found.filter((f): f is Extract<ScannedFrame, { type: 'record' }> => f.type === 'record').map((f) => f.payload.toString());

describe('spool frames', () => {
  it('round-trips payloads and append times through encode and scan', () => {
    const a = encodeFrame(Buffer.from('m,t=a value=1 1'), 1234.5);
    const b = encodeFrame(Buffer.from('m value=2 2\nm value=3 3'), 99);
    const found = scanFrames(Buffer.concat([a, b]));
    expect(found).toMatchObject([
      { type: 'record', offset: 0, length: a.length, appendedAtMs: 1234.5 },
      { type: 'record', offset: a.length, length: b.length, appendedAtMs: 99 },
    ]);
    expect(records(found)).toEqual(['m,t=a value=1 1', 'm value=2 2\nm value=3 3']);
  });

  it('refuses an empty payload', () => {
    expect(() => encodeFrame(Buffer.alloc(0), 0)).toThrow(/non-empty/);
  });

  it('reports a frame cut anywhere as incomplete, keeping the frames before it', () => {
    const a = encodeFrame(Buffer.from('first'), 1);
    const b = encodeFrame(Buffer.from('second record'), 2);
    const whole = Buffer.concat([a, b]);
    for (let cut = a.length + 1; cut < whole.length; cut++) {
      const found = scanFrames(whole.subarray(0, cut));
      expect(records(found)).toEqual(['first']);
      expect(found[1]).toMatchObject({ type: 'incomplete', offset: a.length });
    }
  });

  it('flags a payload whose CRC does not match as corrupt and continues after it', () => {
    const a = encodeFrame(Buffer.from('aaaa'), 1);
    const b = encodeFrame(Buffer.from('bbbb'), 2);
    const c = encodeFrame(Buffer.from('cccc'), 3);
    b.writeUInt8(b.readUInt8(FRAME_HEADER_BYTES + 1) ^ 0xff, FRAME_HEADER_BYTES + 1);
    const found = scanFrames(Buffer.concat([a, b, c]));
    expect(found.map((f) => f.type)).toEqual(['record', 'corrupt', 'record']);
    expect(records(found)).toEqual(['aaaa', 'cccc']);
  });

  it('resynchronises after a damaged header (length field overwritten)', () => {
    const a = encodeFrame(Buffer.from('aaaa'), 1);
    const b = encodeFrame(Buffer.from('bbbb'), 2);
    const c = encodeFrame(Buffer.from('cccc'), 3);
    b.writeUInt32LE(999_999, 0);
    const found = scanFrames(Buffer.concat([a, b, c]));
    expect(found[1]).toMatchObject({ type: 'corrupt', offset: a.length, length: b.length, reason: 'damaged frame header' });
    expect(records(found)).toEqual(['aaaa', 'cccc']);
  });

  it('skips quarantine frames, which keep the offsets of later frames', () => {
    const a = encodeFrame(Buffer.from('aaaa'), 1);
    const q = encodeQuarantineFrame(40, 5);
    const c = encodeFrame(Buffer.from('cccc'), 3);
    const found = scanFrames(Buffer.concat([a, q, c]));
    expect(found.map((f) => f.type)).toEqual(['record', 'quarantined', 'record']);
    expect(found[2]!.offset).toBe(a.length + 40);
  });

  it('calls a zero-filled tail garbage with allZero set (what a torn write can leave)', () => {
    const a = encodeFrame(Buffer.from('aaaa'), 1);
    const found = scanFrames(Buffer.concat([a, Buffer.alloc(100)]));
    expect(found[1]).toMatchObject({ type: 'garbage-tail', allZero: true, length: 100 });
  });

  it('finds every intact frame whatever garbage lies between frames (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.string({ minLength: 1, maxLength: 60 }), fc.uint8Array({ maxLength: 40 })), {
          minLength: 1,
          maxLength: 8,
        }),
        (parts) => {
          const buffers: Buffer[] = [];
          for (const [payload, garbage] of parts) {
            buffers.push(Buffer.from(garbage), encodeFrame(Buffer.from(payload), 7));
          }
          const found = scanFrames(Buffer.concat(buffers));
          expect(records(found)).toEqual(parts.map(([payload]) => payload));
        },
      ),
      { seed: 20261101, numRuns: 200 },
    );
  });

  it('counts lines', () => {
    expect(countLines(Buffer.from('a'))).toBe(1);
    expect(countLines(Buffer.from('a\nb\nc'))).toBe(3);
  });
});
