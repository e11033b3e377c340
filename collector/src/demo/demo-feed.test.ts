import { ManualClock } from '../core/clock';
import { pointAt, type Point } from '../core/point';
import { DemoFeed, type PointGenerator } from './demo-feed';

/** One point every 15 minutes, chunk-independent. */
const every15m: PointGenerator = {
  generate(from, to) {
    const step = 900_000;
    const out: Point[] = [];
    for (let t = Math.ceil(from / step) * step; t < to; t += step) out.push(pointAt('bank_balance', {}, t, t));
    return out;
  },
};

describe('DemoFeed', () => {
  it('backfills in chunks without gaps or duplicates', async () => {
    const fed: Point[] = [];
    const feed = new DemoFeed({
      generator: every15m,
      accept: async (p) => void fed.push(...p),
      clock: new ManualClock(0),
      chunkMs: 3_600_000 * 5,
    });
    const n = await feed.backfill(0, 86_400_000 * 2);
    expect(n).toBe(192);
    expect(fed.map((p) => p.time)).toEqual(Array.from({ length: 192 }, (_, i) => i * 900_000));
  });

  it('calls afterChunk once per stored chunk and can backfill with a narrower generator', async () => {
    let chunks = 0;
    const fed: Point[] = [];
    const feed = new DemoFeed({
      generator: every15m,
      accept: async (p) => void fed.push(...p),
      afterChunk: async () => void chunks++,
      clock: new ManualClock(0),
      chunkMs: 86_400_000,
    });
    const hourly: PointGenerator = { generate: (from, to) => every15m.generate(from, to).filter((p) => p.time % 3_600_000 === 0) };
    expect(await feed.backfill(0, 86_400_000 * 3, hourly)).toBe(72);
    expect(chunks).toBe(3);
  });

  it('live ticks continue exactly where the backfill stopped', async () => {
    const clock = new ManualClock(86_400_000);
    const fed: Point[] = [];
    const feed = new DemoFeed({ generator: every15m, accept: async (p) => void fed.push(...p), clock });
    await feed.backfill(0, 86_400_000);
    clock.advance(1_800_000);
    expect(await feed.tick()).toBe(2);
    expect(await feed.tick()).toBe(0);
    const times = fed.map((p) => p.time);
    expect(new Set(times).size).toBe(times.length);
    expect(times.at(-1)).toBe(86_400_000 + 900_000);
  });

  it('retries the same window when storing fails', async () => {
    const clock = new ManualClock(0);
    let fail = true;
    const fed: Point[] = [];
    const feed = new DemoFeed({
      generator: every15m,
      accept: async (p) => {
        if (fail) throw new Error('spool unavailable');
        fed.push(...p);
      },
      clock,
    });
    await feed.backfill(0, 0);
    clock.advance(3_600_000);
    await expect(feed.tick()).rejects.toThrow('spool unavailable');
    fail = false;
    expect(await feed.tick()).toBe(4);
    expect(fed.map((p) => p.time)).toEqual([0, 900_000, 1_800_000, 2_700_000]);
  });
});
