import { calendarDay, dayIndexOfDate, localTimeMs } from './calendar';
import { fxMarketOpen, initialRates, simulateFxDay, simulateRatesDay, simulateStockDay } from './market';
import { Rng } from './random';

const day = (y: number, m: number, d: number) => calendarDay(dayIndexOfDate(y, m, d));
const anchor = { EURUSD: 1.08, GBPUSD: 1.27, SGDUSD: 0.74 };

describe('market', () => {
  it('quotes FX every hour and closes the day on the 23:00 fixing', () => {
    const fx = simulateFxDay(anchor, day(2024, 4, 3), Rng.stream('s', 'fx'));
    expect(fx.hourly).toHaveLength(24);
    expect(fx.hourly[23]!.timeMs).toBe(localTimeMs(day(2024, 4, 3), 23, 0));
    expect(fx.close).toEqual(fx.hourly[23]!.rates);
    expect(fx.hourly.some((h) => h.rates.EURUSD !== anchor.EURUSD)).toBe(true);
  });

  it('freezes FX while the market is closed (Friday 17:00 to Sunday 17:00)', () => {
    expect(fxMarketOpen(day(2024, 4, 5), 16)).toBe(true);
    expect(fxMarketOpen(day(2024, 4, 5), 17)).toBe(false);
    expect(fxMarketOpen(day(2024, 4, 7), 17)).toBe(true);
    const saturday = simulateFxDay(anchor, day(2024, 4, 6), Rng.stream('s', 'fx'));
    expect(new Set(saturday.hourly.map((h) => h.rates.GBPUSD)).size).toBe(1);
  });

  it('keeps FX random walks near their anchors over a year', () => {
    let rates = anchor;
    const d0 = dayIndexOfDate(2024, 1, 1);
    for (let d = d0; d < d0 + 365; d++) rates = simulateFxDay(rates, calendarDay(d), Rng.stream('year', 'fx', d)).close;
    expect(rates.EURUSD).toBeGreaterThan(0.9);
    expect(rates.EURUSD).toBeLessThan(1.26);
    expect(rates.SGDUSD).toBeGreaterThan(0.65);
    expect(rates.SGDUSD).toBeLessThan(0.83);
  });

  it('fixes benchmark rates at 08:00 on business days and carries them over otherwise', () => {
    const monday = simulateRatesDay(initialRates(), day(2024, 4, 1), Rng.stream('s', 'rates'));
    expect(monday.fixing?.timeMs).toBe(localTimeMs(day(2024, 4, 1), 8, 0));
    expect(monday.fixing!.values.sofr).toBeGreaterThan(5.2);
    expect(monday.fixing!.values.sofr).toBeLessThan(5.4);
    const saturday = simulateRatesDay(monday.state, day(2024, 4, 6), Rng.stream('s', 'rates'));
    expect(saturday.fixing).toBeUndefined();
    expect(saturday.state).toBe(monday.state);
  });

  it('prices the stock 27 times between 09:30 and 16:00 on trading days, not at all otherwise', () => {
    const tuesday = simulateStockDay(42, day(2024, 4, 2), Rng.stream('s', 'stock'));
    expect(tuesday.prices).toHaveLength(27);
    expect(tuesday.prices[0]!.timeMs).toBe(localTimeMs(day(2024, 4, 2), 9, 30));
    expect(tuesday.close).toBe(tuesday.prices[26]!.price);
    expect(Math.abs(tuesday.close / 42 - 1)).toBeLessThan(0.15);
    const holiday = simulateStockDay(42, day(2024, 7, 4), Rng.stream('s', 'stock'));
    expect(holiday).toEqual({ prices: [], close: 42 });
  });

  it('opens with the earnings gap on an earnings day', () => {
    const plain = simulateStockDay(40, day(2024, 4, 2), Rng.stream('s', 'stock'));
    const gapped = simulateStockDay(40, day(2024, 4, 2), Rng.stream('s', 'stock'), Math.log(0.9));
    expect(gapped.prices[0]!.price / plain.prices[0]!.price).toBeCloseTo(0.9, 2);
  });
});
