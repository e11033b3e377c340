import fc from 'fast-check';
import { BoundedQueue } from './bounded-queue';

describe('BoundedQueue', () => {
  it('hands items back oldest first, in batches of at most the size asked', () => {
    const q = new BoundedQueue<number>(10);
    for (let i = 0; i < 7; i++) expect(q.push(i)).toBe(false);
    expect(q.take(3)).toEqual([0, 1, 2]);
    expect(q.take(10)).toEqual([3, 4, 5, 6]);
    expect(q.length).toBe(0);
    expect(q.take(5)).toEqual([]);
  });

  it('evicts the oldest item when full and says so', () => {
    const q = new BoundedQueue<string>(3);
    q.push('a');
    q.push('b');
    q.push('c');
    expect(q.push('d')).toBe(true);
    expect(q.length).toBe(3);
    expect(q.take(10)).toEqual(['b', 'c', 'd']);
  });

  it('clear empties it', () => {
    const q = new BoundedQueue<number>(5);
    q.push(1);
    q.clear();
    expect(q.length).toBe(0);
    q.push(2);
    expect(q.take(5)).toEqual([2]);
  });

  it('rejects a capacity that is not a positive integer', () => {
    expect(() => new BoundedQueue(0)).toThrow(/capacity must be a positive integer, got 0/);
    expect(() => new BoundedQueue(2.5)).toThrow(/got 2.5/);
  });

  it('behaves like a plain array that keeps the newest `capacity` items, across compactions', () => {
    const op = fc.oneof(
      fc.record({ kind: fc.constant('push' as const), count: fc.integer({ min: 1, max: 800 }) }),
      fc.record({ kind: fc.constant('take' as const), count: fc.integer({ min: 0, max: 1_500 }) }),
    );
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 2_500 }), fc.array(op, { maxLength: 25 }), (capacity, ops) => {
        const q = new BoundedQueue<number>(capacity);
        let model: number[] = [];
        let next = 0;
        for (const o of ops) {
          if (o.kind === 'push') {
            for (let i = 0; i < o.count; i++) {
              const evicted = q.push(next);
              model.push(next++);
              const expectEvicted = model.length > capacity;
              if (expectEvicted) model.shift();
              if (evicted !== expectEvicted) return false;
            }
          } else {
            const taken = q.take(o.count);
            const expected = model.slice(0, o.count);
            model = model.slice(o.count);
            if (JSON.stringify(taken) !== JSON.stringify(expected)) return false;
          }
          if (q.length !== model.length) return false;
        }
        return JSON.stringify(q.take(Number.MAX_SAFE_INTEGER)) === JSON.stringify(model);
      }),
      { numRuns: 60 },
    );
  });
});
