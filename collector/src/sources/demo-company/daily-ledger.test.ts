import { calendarDay, dayIndexOfDate, isBusinessDay, isPayrollDay, localHour } from './calendar';
import { ACCOUNTS, PRODUCTS, REGIONS } from './company-profile';
import { DAYS_TO_PAY_WEIGHTS, initialState, openBooks, planRevenue, simulateDay } from './daily-ledger';
import type { DayLedger, LedgerContext } from './daily-ledger';
import { resolveIncidents } from './incidents';

const HISTORY_START = dayIndexOfDate(2024, 1, 1);
const ctx: LedgerContext = { seed: 'ledger', historyStartDay: HISTORY_START, effects: resolveIncidents([], 0) };

/** 150 warm-up days, books opened, then 120 days of history. */
const ledgers: DayLedger[] = (() => {
  let state = initialState(HISTORY_START - 150, HISTORY_START);
  for (let d = HISTORY_START - 150; d < HISTORY_START; d++) state = simulateDay(state, calendarDay(d), ctx).closing;
  state = openBooks(state);
  const out: DayLedger[] = [];
  for (let d = HISTORY_START; d < HISTORY_START + 120; d++) {
    const ledger = simulateDay(state, calendarDay(d), ctx);
    out.push(ledger);
    state = ledger.closing;
  }
  return out;
})();

const total = (r: Readonly<Record<string, number>>) => Object.values(r).reduce((a, b) => a + b, 0);
const revenueOf = (l: DayLedger) => REGIONS.reduce((s, r) => s + total(l.revenue[r]), 0);

describe('daily ledger', () => {
  it('has days-to-pay weights that sum to 1 with a mean near 45 days', () => {
    let sum = 0;
    let mean = 0;
    DAYS_TO_PAY_WEIGHTS.forEach((w, k) => {
      sum += w;
      mean += w * k;
    });
    expect(sum).toBeCloseTo(1, 9);
    expect(mean).toBeGreaterThan(42);
    expect(mean).toBeLessThan(48);
  });

  it('plans weekday-heavy services revenue, month-end hardware spikes and 25 % yearly growth', () => {
    const wed = dayIndexOfDate(2024, 4, 10);
    const sat = dayIndexOfDate(2024, 4, 13);
    expect(planRevenue(sat, 'na', 'services', HISTORY_START)).toBeLessThan(0.3 * planRevenue(wed, 'na', 'services', HISTORY_START));
    const quarterEnd = dayIndexOfDate(2024, 3, 28);
    expect(planRevenue(quarterEnd, 'na', 'hardware', HISTORY_START)).toBeGreaterThan(2 * planRevenue(dayIndexOfDate(2024, 3, 14), 'na', 'hardware', HISTORY_START));
    const growth = planRevenue(HISTORY_START + 371, 'na', 'platform', HISTORY_START) / planRevenue(HISTORY_START + 7, 'na', 'platform', HISTORY_START);
    expect(growth).toBeCloseTo(1.25, 2);
  });

  it('closes each account at its opening balance plus the day\'s transactions, all before 22:00', () => {
    for (const l of ledgers) {
      for (const a of ACCOUNTS) {
        const txs = l.transactions[a];
        const sum = txs.reduce((s, t) => s + t.amount, 0);
        expect(l.closing.balances[a]).toBeCloseTo(l.openingBalances[a] + sum, 2);
        for (let i = 0; i < txs.length; i++) {
          expect(localHour(l.day, txs[i]!.timeMs)).toBeLessThan(22);
          if (i > 0) expect(txs[i]!.timeMs).toBeGreaterThanOrEqual(txs[i - 1]!.timeMs);
        }
      }
    }
  });

  it('moves no money on weekends and holidays', () => {
    for (const l of ledgers.filter((x) => !isBusinessDay(x.day.index))) {
      expect(ACCOUNTS.every((a) => l.transactions[a].length === 0)).toBe(true);
      expect(l.netCashFlow).toBe(0);
    }
  });

  it('keeps receivables consistent: AR(d) = AR(d−1) + revenue(d) − collections(d), collected 09:00–17:00 on business days', () => {
    for (let i = 1; i < ledgers.length; i++) {
      const l = ledgers[i]!;
      expect(l.accountsReceivable).toBeCloseTo(ledgers[i - 1]!.accountsReceivable + revenueOf(l) - l.collectionsUsd, 1);
      if (!isBusinessDay(l.day.index)) expect(l.collectionsUsd).toBe(0);
      for (const t of l.transactions['ops-usd'].filter((x) => x.memo === 'customer receipt')) {
        expect(localHour(l.day, t.timeMs)).toBeGreaterThanOrEqual(9);
        expect(localHour(l.day, t.timeMs)).toBeLessThan(17);
      }
    }
  });

  it('funds payroll-usd the business day before each pay date and pays out at 06:00 on it, never overdrawn', () => {
    const payDays = ledgers.filter((l) => isPayrollDay(l.day.index));
    expect(payDays.length).toBe(7); // Jan 12 (15th is MLK day), Jan 31, Feb 15, Feb 29, Mar 15, Mar 29, Apr 15
    for (const l of payDays) {
      const out = l.transactions['payroll-usd'].filter((t) => t.memo === 'payroll');
      expect(out).toHaveLength(1);
      expect(localHour(l.day, out[0]!.timeMs)).toBe(6);
      const i = ledgers.indexOf(l);
      const funding = ledgers.slice(0, i).reverse().find((x) => isBusinessDay(x.day.index));
      if (funding) expect(funding.transactions['payroll-usd'].some((t) => t.memo === 'payroll funding sweep')).toBe(true);
    }
    expect(ledgers.every((l) => l.closing.balances['payroll-usd'] >= 0)).toBe(true);
  });

  it('books payroll for every department and region on pay dates only', () => {
    const pay = ledgers.find((l) => isPayrollDay(l.day.index))!;
    const next = ledgers[ledgers.indexOf(pay) + 1]!;
    expect(pay.expenses.engineering.apac).toBeGreaterThan(5 * next.expenses.engineering.apac);
    expect(Object.values(pay.expenses).every((byRegion) => REGIONS.every((r) => byRegion[r] > 0))).toBe(true);
  });

  it('pays vendors in weekly AP runs on Thursdays and amortizes the term loan on the first business day of the month', () => {
    for (const l of ledgers) {
      const run = l.transactions['ops-usd'].some((t) => t.memo === 'AP run');
      if (run) expect([4, 5]).toContain(l.day.weekday);
      const service = l.transactions['ops-usd'].some((t) => t.memo === 'debt service');
      if (service) expect(l.day.day).toBeLessThanOrEqual(4);
      expect(l.accountsPayable).toBeGreaterThanOrEqual(0);
      expect(l.inventoryValue).toBeGreaterThan(0);
    }
    expect(ledgers.filter((l) => l.transactions['ops-usd'].some((t) => t.memo === 'debt service'))).toHaveLength(4);
    expect(ledgers[119]!.totalDebt).toBeLessThan(ledgers[0]!.totalDebt);
  });

  it('charges daily interest on total debt at SOFR + 2.25 % (act/360)', () => {
    for (const l of ledgers.slice(0, 20)) {
      const expected = (l.totalDebt * (l.closing.rates.values.sofr + 2.25)) / 100 / 360;
      expect(l.interestExpense).toBeCloseTo(expected, 1);
    }
  });

  it('splits COGS by product with the product margins', () => {
    const sums = { revenue: { platform: 0, services: 0, hardware: 0 }, cogs: { platform: 0, services: 0, hardware: 0 } };
    for (const l of ledgers) {
      for (const p of PRODUCTS) {
        sums.cogs[p] += l.cogs[p];
        for (const r of REGIONS) sums.revenue[p] += l.revenue[r][p];
      }
    }
    expect(1 - sums.cogs.platform / sums.revenue.platform).toBeCloseTo(0.85, 1);
    expect(1 - sums.cogs.services / sums.revenue.services).toBeCloseTo(0.35, 1);
    expect(1 - sums.cogs.hardware / sums.revenue.hardware).toBeCloseTo(0.3, 1);
  });

  it('refuses to open a day from a state that is not the day before', () => {
    expect(() => simulateDay(ledgers[5]!.closing, calendarDay(HISTORY_START + 10), ctx)).toThrow(/cannot open day/);
  });
});
