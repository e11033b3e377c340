import seedrandom from 'seedrandom';
import { SnapshotError } from './novelty-snapshot';
import { DEFAULT_SEASONAL_LAG, seasonalCapacity, SeasonalLagSurprise, WEEKLY_SEASONAL_LAG } from './seasonal-lag-surprise';

const FIVE_MIN = 300_000;
const PER_DAY = 288;

function dailyWave(i: number): number {
  return 50 + 30 * Math.sin((2 * Math.PI * i) / PER_DAY);
}

describe('SeasonalLagSurprise', () => {
  it('stays silent until a point about one season earlier (within the tolerance) exists', () => {
    const s = new SeasonalLagSurprise();
    const firstMatch = Math.ceil(0.9 * PER_DAY); // 10% tolerance: 21.6 h after the first point
    for (let i = 0; i < firstMatch; i++) expect(s.update(i * FIVE_MIN, dailyWave(i))).toBe(0);
    expect(s.started).toBe(false);
    s.update(firstMatch * FIVE_MIN, dailyWave(firstMatch));
    expect(s.started).toBe(true);
  });

  it('is low while the daily pattern repeats and high when a day breaks it', () => {
    const rng = seedrandom('season');
    const s = new SeasonalLagSurprise();
    let normalMax = 0;
    let brokenMax = 0;
    for (let i = 0; i < 6 * PER_DAY; i++) {
      const broken = i >= 5 * PER_DAY + 100 && i < 5 * PER_DAY + 150;
      const v = (broken ? 50 : dailyWave(i)) + rng() - 0.5;
      const surprise = s.update(i * FIVE_MIN, v);
      if (i > 2 * PER_DAY && i < 5 * PER_DAY) normalMax = Math.max(normalMax, surprise);
      if (broken) brokenMax = Math.max(brokenMax, surprise);
    }
    expect(normalMax).toBeLessThan(0.6);
    expect(brokenMax).toBeGreaterThan(0.95);
  });

  it('stays silent when its capacity cannot hold a whole season', () => {
    const s = new SeasonalLagSurprise({ ...DEFAULT_SEASONAL_LAG, capacity: 100 });
    for (let i = 0; i < 3 * PER_DAY; i++) expect(s.update(i * FIVE_MIN, dailyWave(i))).toBe(0);
    expect(s.started).toBe(false);
  });

  it('refuses a capacity that is not a positive integer', () => {
    expect(() => new SeasonalLagSurprise({ ...DEFAULT_SEASONAL_LAG, capacity: 0 })).toThrow(/capacity/);
  });
});

describe('SeasonalLagSurprise (weekly)', () => {
  it('compares with the same hour a week earlier, so a weekend that looks like a weekday stands out', () => {
    const HOUR = 3_600_000;
    const weekly = (h: number, weekendBroken: boolean): number => {
      const day = Math.floor(h / 24) % 7;
      const weekend = day >= 5 && !weekendBroken;
      return weekend ? 10 : 100 + 10 * Math.sin((2 * Math.PI * h) / 24);
    };
    const s = new SeasonalLagSurprise(WEEKLY_SEASONAL_LAG);
    let normalMax = 0;
    let brokenMax = 0;
    for (let h = 0; h < 5 * 168; h++) {
      const broken = h >= 4 * 168;
      const surprise = s.update(h * HOUR, weekly(h, broken));
      if (h >= 2 * 168 && !broken) normalMax = Math.max(normalMax, surprise);
      if (broken) brokenMax = Math.max(brokenMax, surprise);
    }
    expect(normalMax).toBeLessThan(0.1);
    expect(brokenMax).toBeGreaterThan(0.95);
  });
});

describe('SeasonalLagSurprise snapshot', () => {
  const options = { ...DEFAULT_SEASONAL_LAG, capacity: 300 };
  const values = (() => {
    const rng = seedrandom('lag-snapshot');
    return Array.from({ length: 1000 }, (_, i) => 10 * Math.sin((2 * Math.PI * i) / PER_DAY) + rng());
  })();

  it.each([100, 700])('restored after %i points (ring partly filled / wrapped), goes on exactly as the original', (cut) => {
    const whole = new SeasonalLagSurprise(options);
    const expected = values.map((v, i) => whole.update(i * FIVE_MIN, v));
    const first = new SeasonalLagSurprise(options);
    const before = values.slice(0, cut).map((v, i) => first.update(i * FIVE_MIN, v));
    const restored = SeasonalLagSurprise.restore(JSON.parse(JSON.stringify(first.snapshot())), options);
    expect(restored.started).toBe(first.started);
    const after = values.slice(cut).map((v, i) => restored.update((cut + i) * FIVE_MIN, v));
    expect([...before, ...after]).toEqual(expected);
  });

  it('throws a SnapshotError for another capacity or a malformed ring', () => {
    const s = new SeasonalLagSurprise(options);
    values.slice(0, 50).forEach((v, i) => s.update(i * FIVE_MIN, v));
    const good = s.snapshot();
    expect(() => SeasonalLagSurprise.restore(good, { ...options, capacity: 301 })).toThrow(SnapshotError);
    expect(() => SeasonalLagSurprise.restore({ ...good, times: good.times.slice(1) }, options)).toThrow(SnapshotError);
    expect(() => SeasonalLagSurprise.restore({ ...good, head: 7 }, options)).toThrow(SnapshotError);
  });

  it('seasonalCapacity covers one season plus its tolerance at the given spacing', () => {
    expect(seasonalCapacity(DEFAULT_SEASONAL_LAG, 900_000)).toBe(108);
    expect(seasonalCapacity(WEEKLY_SEASONAL_LAG, 450_000)).toBe(1481);
  });
});
