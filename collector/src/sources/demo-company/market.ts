import { calendarDay, isBusinessDay, isTradingDay, localHour, localTimeMs } from './calendar';
import type { CalendarDay } from './calendar';
import { BENCHMARKS, FX_PAIRS, PROFILE } from './company-profile';
import type { Benchmark, FxPair } from './company-profile';
import type { Rng } from './random';

/**
 * Market data of one day, advanced from the previous day's close: hourly FX (log random walks with
 * weak mean reversion, frozen while the FX market is closed), daily benchmark rates (SOFR follows a
 * policy rate moved at FOMC meetings; EURIBOR and the 10-year yield mean-revert), and the NWRB share
 * price every 15 minutes during NYSE hours (geometric Brownian motion with overnight and earnings gaps).
 */

const HOUR = 3_600_000;
const QUARTER_HOUR = 900_000;
const FX_HOURS_PER_YEAR = 24 * 260;

export type FxRates = Readonly<Record<FxPair, number>>;

export interface FxDay {
  /** One point per hour of the local day (23, 24 or 25). */
  readonly hourly: readonly { readonly timeMs: number; readonly rates: FxRates }[];
  /** The day's rate: the last hourly fixing of the day (23:00 New York), rounded as emitted. */
  readonly close: FxRates;
}

/** The FX market is closed from Friday 17:00 to Sunday 17:00 New York time. */
export function fxMarketOpen(day: CalendarDay, hour: number): boolean {
  if (day.weekday === 6) return false;
  if (day.weekday === 5 && hour >= 17) return false;
  if (day.weekday === 7 && hour < 17) return false;
  return true;
}

/** Hourly FX for `day`, continuing from `previous` (the prior day's close). */
export function simulateFxDay(previous: FxRates, day: CalendarDay, rng: Rng): FxDay {
  const log: Record<FxPair, number> = { EURUSD: 0, GBPUSD: 0, SGDUSD: 0 };
  for (const p of FX_PAIRS) log[p] = Math.log(previous[p]);
  const hourly: { timeMs: number; rates: FxRates }[] = [];
  let last: FxRates = previous;
  for (let t = day.startMs; t < day.endMs; t += HOUR) {
    const open = fxMarketOpen(day, localHour(day, t));
    const rates: Record<FxPair, number> = { EURUSD: 0, GBPUSD: 0, SGDUSD: 0 };
    for (const p of FX_PAIRS) {
      const eps = rng.normal();
      if (open) {
        const sigma = PROFILE.fxAnnualVol[p] / Math.sqrt(FX_HOURS_PER_YEAR);
        const pull = (Math.log(PROFILE.fxAnchor[p]) - log[p]) / FX_HOURS_PER_YEAR;
        log[p] += pull + sigma * eps;
      }
      rates[p] = Math.round(Math.exp(log[p]) * 1e5) / 1e5;
    }
    last = rates;
    hourly.push({ timeMs: t, rates });
  }
  return { hourly, close: last };
}

export interface RatesState {
  /** SOFR policy anchor (the fed funds range mid-point, roughly). */
  readonly policy: number;
  readonly values: Readonly<Record<Benchmark, number>>;
}

/** The FOMC decides on the third Wednesday of these months (an approximation of the real calendar). */
const FOMC_MONTHS = new Set([1, 3, 5, 6, 7, 9, 10, 12]);

function isFomcDay(day: CalendarDay): boolean {
  return FOMC_MONTHS.has(day.month) && day.weekday === 3 && day.day >= 15 && day.day <= 21;
}

export interface RatesDay {
  readonly state: RatesState;
  /** The 08:00 fixing, present on business days only. */
  readonly fixing?: { readonly timeMs: number; readonly values: Readonly<Record<Benchmark, number>> };
}

/** The day's benchmark fixings (business days at 08:00); on other days the state carries over. */
export function simulateRatesDay(previous: RatesState, day: CalendarDay, rng: Rng): RatesDay {
  let policy = previous.policy;
  // A decision on the previous business day's FOMC meeting takes effect today.
  const decision = rng.uniform();
  if (!isBusinessDay(day.index)) return { state: previous };
  let d = day.index - 1;
  while (!isBusinessDay(d)) d--;
  if (isFomcDay(calendarDay(d))) {
    if (decision < 0.2 && policy > 4.3) policy -= 0.25;
    else if (decision > 0.95 && policy < 5.8) policy += 0.25;
  }
  const p = previous.values;
  const sofr = Math.round((policy + 0.015 * rng.normal()) * 100) / 100;
  const euribor = p.euribor_3m + 0.01 * (PROFILE.rateAnchor.euribor_3m - p.euribor_3m) + 0.012 * rng.normal();
  const us10y = p.us_10y + 0.004 * (PROFILE.rateAnchor.us_10y - p.us_10y) + 0.055 * rng.normal();
  const values = {
    sofr,
    euribor_3m: Math.round(euribor * 1000) / 1000,
    us_10y: Math.round(us10y * 1000) / 1000,
  };
  return { state: { policy, values }, fixing: { timeMs: localTimeMs(day, 8, 0), values } };
}

/** Initial rates at the anchors of the profile. */
export function initialRates(): RatesState {
  const values = Object.fromEntries(BENCHMARKS.map((b) => [b, PROFILE.rateAnchor[b]])) as Record<Benchmark, number>;
  return { policy: PROFILE.rateAnchor.sofr, values };
}

export interface StockDay {
  /** 9:30 … 16:00 every 15 minutes on trading days; empty otherwise. */
  readonly prices: readonly { readonly timeMs: number; readonly price: number }[];
  readonly close: number;
}

const TRADING_STEPS_PER_YEAR = 252 * 26;

/**
 * The share price through the trading day. `earningsGap` is the log-return applied at the open on an
 * earnings day (the market's reaction to the quarter's revenue surprise).
 */
export function simulateStockDay(previousClose: number, day: CalendarDay, rng: Rng, earningsGap = 0): StockDay {
  if (!isTradingDay(day.index)) return { prices: [], close: previousClose };
  const dt = 1 / TRADING_STEPS_PER_YEAR;
  const sigma = PROFILE.stockVol;
  const drift = (PROFILE.stockDrift - (sigma * sigma) / 2) * dt;
  const overnightSigma = sigma * Math.sqrt(0.25 / 252);
  let price = previousClose * Math.exp(overnightSigma * rng.normal() + earningsGap);
  const prices: { timeMs: number; price: number }[] = [];
  const open = localTimeMs(day, 9, 30);
  for (let k = 0; k <= 26; k++) {
    if (k > 0) price *= Math.exp(drift + sigma * Math.sqrt(dt) * rng.normal());
    price = Math.max(0.5, price);
    prices.push({ timeMs: open + k * QUARTER_HOUR, price: Math.round(price * 100) / 100 });
  }
  const close = prices[prices.length - 1]!.price;
  return { prices, close };
}
