import fc from 'fast-check';
import { DayRing } from './day-ring';
import { RECENT_POINTS, SeriesRows } from './series-rows';

/** Everything a ring answers about days lo..hi: [day, sum, count, last, first time, last time] of each held day. */
function contents(ring: DayRing, lo: number, hi: number): number[][] {
  const out: number[][] = [];
  for (let d = lo; d <= hi; d++) {
    const slot = ring.find(d);
    if (slot >= 0) out.push([d, ring.sumAt(slot), ring.countAt(slot), ring.lastAt(slot), ring.firstTimeAt(slot), ring.lastTimeAt(slot)]);
  }
  return out;
}

type Op =
  | { kind: 'add'; row: number; day: number; first: number; span: number; sum: number; count: number; last: number }
  | { kind: 'replace'; row: number; day: number; time: number; from: number; to: number };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('add' as const),
      row: fc.integer({ min: 0, max: 2 }),
      day: fc.integer({ min: 0, max: 15 }),
      // Few distinct times, so equal times (the later arrival wins) come up often.
      first: fc.integer({ min: 0, max: 5 }).map((k) => k * 10),
      span: fc.constantFrom(0, 0, 0, 10),
      sum: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
      count: fc.constantFrom(1, 1, 1, 3),
      last: fc.double({ min: -1e6, max: 1e6, noNaN: true }),
    }),
    weight: 6,
  },
  {
    arbitrary: fc.record({
      kind: fc.constant('replace' as const),
      row: fc.integer({ min: 0, max: 2 }),
      day: fc.integer({ min: 0, max: 15 }),
      time: fc.integer({ min: 0, max: 6 }).map((k) => k * 10),
      from: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
      to: fc.double({ min: -1e3, max: 1e3, noNaN: true }),
    }),
    weight: 1,
  },
);

describe('SeriesRows', () => {
  it('leaves each ring exactly as updating the ring directly would, bit for bit (property)', () => {
    fc.assert(
      fc.property(fc.array(opArb, { maxLength: 200 }), fc.constantFrom(5, 12, 420), (ops, maxDays) => {
        const rows = new SeriesRows();
        const direct: DayRing[] = [];
        for (let r = 0; r < 3; r++) {
          rows.add(new DayRing(maxDays, 2), 0);
          direct.push(new DayRing(maxDays, 2));
        }
        for (const op of ops) {
          const ring = direct[op.row]!;
          let viaRows: boolean;
          let viaRing: boolean;
          if (op.kind === 'add') {
            const last = op.first + op.span;
            viaRows = rows.addToDay(op.row, op.day, op.first, last, op.sum, op.count, op.last);
            viaRing = ring.addAggregate(op.day, op.first, last, op.sum, op.count, op.last);
          } else {
            viaRows = rows.replaceInDay(op.row, op.day, op.time, op.from, op.to);
            viaRing = ring.replace(op.day, op.time, op.from, op.to);
          }
          expect(viaRows).toBe(viaRing);
        }
        for (let r = 0; r < 3; r++) {
          const got = rows.ring(r);
          expect(Object.is(got.newestDay, direct[r]!.newestDay)).toBe(true);
          // toEqual tells -0 from 0 and compares NaN as equal: bit-level agreement of the numbers kept.
          expect(contents(got, 0, 15)).toEqual(contents(direct[r]!, 0, 15));
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('remembers the last RECENT_POINTS points of a row and updates a re-sent one', () => {
    const rows = new SeriesRows();
    const row = rows.add(new DayRing(10), 0);
    rows.add(new DayRing(10), 0); // a neighbour row must not see them
    for (let t = 1; t <= RECENT_POINTS + 2; t++) rows.rememberNewest(row, t, t * 10);
    expect(rows.recentValueAt(row, 1)).toBeUndefined(); // pushed out
    expect(rows.recentValueAt(row, 2)).toBeUndefined();
    expect(rows.recentValueAt(row, 3)).toBe(30);
    expect(rows.recentValueAt(row, RECENT_POINTS + 2)).toBe((RECENT_POINTS + 2) * 10);
    rows.rememberRecent(row, 3, 31);
    expect(rows.recentValueAt(row, 3)).toBe(31);
    expect(rows.recentValueAt(row + 1, 3)).toBeUndefined();
  });

  it('keeps rows apart while growing past its initial size', () => {
    const rows = new SeriesRows();
    const n = 100;
    for (let i = 0; i < n; i++) rows.add(new DayRing(10), i % 3);
    for (let i = 0; i < n; i++) {
      rows.setLatest(i, i * 2, 1000 + i);
      rows.addToDay(i, 5, 1000 + i, 1000 + i, i, 1, i);
    }
    expect(rows.length).toBe(n);
    for (let i = 0; i < n; i++) {
      expect([rows.latestValue(i), rows.latestTime(i), rows.currency(i)]).toEqual([i * 2, 1000 + i, i % 3]);
      expect(contents(rows.ring(i), 0, 10)).toEqual([[5, i, 1, i, 1000 + i, 1000 + i]]);
    }
  });

  it('marks a row once per (mark, day)', () => {
    const rows = new SeriesRows();
    const row = rows.add(new DayRing(10), 0);
    expect(rows.mark(row, 1, 20)).toBe(true);
    expect(rows.mark(row, 1, 20)).toBe(false);
    expect(rows.mark(row, 1, 21)).toBe(true);
    expect(rows.mark(row, 2, 21)).toBe(true);
  });
});
