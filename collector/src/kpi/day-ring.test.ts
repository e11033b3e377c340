import fc from 'fast-check';
import { DayRing } from './day-ring';

describe('DayRing', () => {
  it('adds up a day and keeps its last value by time, count and first/last time', () => {
    const ring = new DayRing(10);
    ring.add(5, 300, 3);
    ring.add(5, 100, 1); // late: earlier than the last one
    ring.add(5, 200, 2);
    const slot = ring.find(5);
    expect(slot).toBeGreaterThanOrEqual(0);
    expect(ring.sumAt(slot)).toBe(6);
    expect(ring.countAt(slot)).toBe(3);
    expect(ring.lastAt(slot)).toBe(3);
    expect(ring.firstTimeAt(slot)).toBe(100);
    expect(ring.lastTimeAt(slot)).toBe(300);
    expect(ring.find(6)).toBe(-1);
  });

  it('grows from a small capacity instead of losing days within the history', () => {
    const ring = new DayRing(400, 4);
    for (let d = 0; d < 300; d += 3) ring.add(d, d, d);
    expect(ring.capacity).toBeGreaterThanOrEqual(128);
    for (let d = 0; d < 300; d += 3) expect(ring.sumAt(ring.find(d))).toBe(d);
  });

  it('keeps exactly the last maxDays days and refuses older ones', () => {
    const ring = new DayRing(30, 4);
    for (let d = 0; d < 100; d++) ring.add(d, d, 1);
    expect(ring.capacity).toBe(30);
    expect(ring.find(69)).toBe(-1);
    for (let d = 70; d < 100; d++) expect(ring.find(d)).toBeGreaterThanOrEqual(0);
    expect(ring.add(69, 0, 1)).toBe(false);
    expect(ring.add(80, 0, 1)).toBe(true);
    expect(ring.countAt(ring.find(80))).toBe(2);
  });

  it('carries the newest day at or before a day forward over gaps', () => {
    const ring = new DayRing(50);
    expect(ring.findAtOrBefore(10)).toBe(-1);
    ring.add(3, 0, 30);
    ring.add(9, 0, 90);
    expect(ring.lastAt(ring.findAtOrBefore(8))).toBe(30);
    expect(ring.lastAt(ring.findAtOrBefore(9))).toBe(90);
    expect(ring.lastAt(ring.findAtOrBefore(40))).toBe(90);
    expect(ring.findAtOrBefore(2)).toBe(-1);
  });

  it('matches a plain map of day sums within the history, for any order of adds (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 200 }), fc.integer({ min: -5, max: 5 })), { maxLength: 300 }), (adds) => {
        const ring = new DayRing(60, 2);
        const kept = new Map<number, number>();
        let newest = -Infinity;
        for (const [day, v] of adds) {
          if (ring.add(day, day, v)) kept.set(day, (kept.get(day) ?? 0) + v);
          newest = Math.max(newest, day);
        }
        for (const [day, sum] of kept) {
          if (day <= newest - 60) continue; // beyond the guaranteed history
          if (ring.sumAt(ring.find(day)) !== sum) return false;
        }
        return true;
      }),
      { seed: 11 },
    );
  });

  it('adds an aggregate as if its values had been added one by one', () => {
    const one = new DayRing(10);
    const agg = new DayRing(10);
    for (const [t, v] of [[100, 1], [150, 4], [300, 2]] as const) one.add(5, t, v);
    agg.add(5, 300, 2);
    agg.addAggregate(5, 100, 150, 5, 2, 4); // an earlier "hour": two values, the last at 150
    const a = one.find(5);
    const b = agg.find(5);
    expect([agg.sumAt(b), agg.countAt(b), agg.lastAt(b), agg.firstTimeAt(b), agg.lastTimeAt(b)]).toEqual([
      one.sumAt(a),
      one.countAt(a),
      one.lastAt(a),
      one.firstTimeAt(a),
      one.lastTimeAt(a),
    ]);
    expect(agg.addAggregate(-20, 0, 0, 1, 1, 1)).toBe(false); // older than the 10 days kept
  });
});
