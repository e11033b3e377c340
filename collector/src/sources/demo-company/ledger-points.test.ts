import { pointAt } from '../../core/point';
import { DayPointSink } from './ledger-points';

const DAY_START = Date.UTC(2024, 3, 2, 4);

describe('DayPointSink', () => {
  it('keeps only the KPIs asked for inside [from, to)', () => {
    const sink = new DayPointSink(DAY_START + 600_000, DAY_START + 1_200_000, new Set(['a']), DAY_START);
    sink.add('a', {}, 1, DAY_START + 300_000);
    sink.add('a', {}, 2, DAY_START + 600_000);
    sink.add('b', {}, 3, DAY_START + 600_000);
    sink.add('a', {}, 4, DAY_START + 1_200_000);
    const out: ReturnType<typeof pointAt>[] = [];
    sink.drainInto(out);
    expect(out).toEqual([pointAt('a', {}, 2, DAY_START + 600_000)]);
  });

  it('hands out points in time order, keeping emission order for equal times', () => {
    const sink = new DayPointSink(DAY_START, DAY_START + 86_400_000, undefined, DAY_START);
    sink.add('late', { k: '1' }, 1, DAY_START + 900_000);
    sink.add('early', {}, 2, DAY_START);
    sink.add('late', { k: '2' }, 3, DAY_START + 900_000);
    sink.add('mid', {}, 4, DAY_START + 300_000);
    const out: ReturnType<typeof pointAt>[] = [];
    sink.drainInto(out);
    expect(out.map((p) => p.value)).toEqual([2, 4, 1, 3]);
    expect(out[2]).toEqual(pointAt('late', { k: '1' }, 1, DAY_START + 900_000));
  });

  it('sorts points off the 5-minute grid too', () => {
    const sink = new DayPointSink(DAY_START, DAY_START + 86_400_000, undefined, DAY_START);
    sink.add('x', {}, 1, DAY_START + 600_000);
    sink.add('y', {}, 2, DAY_START + 123_456);
    const out: ReturnType<typeof pointAt>[] = [];
    sink.drainInto(out);
    expect(out.map((p) => p.time)).toEqual([DAY_START + 123_456, DAY_START + 600_000]);
  });
});
