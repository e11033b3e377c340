import {
  businessDayOnOrAfter,
  businessDaysLeftInMonth,
  calendarDay,
  isBusinessDay,
  isPayrollDay,
  isQuarterEnd,
  isTradingDay,
  lastBusinessDayOfMonth,
  localTimeMs,
  nextPayrollDay,
  nthBusinessDayOfMonth,
  previousPayrollDay,
} from './calendar';
import type { CalendarDay } from './calendar';
import {
  ACCOUNTS,
  BANK_ACCOUNTS,
  CHANNELS,
  DEPARTMENTS,
  PAIR_OF_CURRENCY,
  PRODUCTS,
  PROFILE,
  REGION_ACCOUNTS,
  REGIONS,
  cents,
} from './company-profile';
import type { AccountId, Channel, Currency, Department, Product, Region } from './company-profile';
import type { IncidentEffects } from './incidents';
import { initialRates, simulateFxDay, simulateRatesDay, simulateStockDay } from './market';
import type { FxDay, FxRates, RatesDay, RatesState, StockDay } from './market';
import { Rng } from './random';

/**
 * The daily ledger: one simulated business day of the company, computed from the previous day's
 * closing state. It books revenue, COGS, expenses, customers and headcount, runs receivables (days-to-pay
 * distribution), payables (weekly AP runs on net terms), inventory, debt and treasury, and produces every
 * bank transaction of the day with its time, so intraday balances follow from the opening balance.
 *
 * Definitions used by the emitted KPIs:
 * - the day's FX rate of a currency = the fx_rate point at 23:00 New York (the last hourly fixing);
 * - net_cash_flow(day) = Σ over accounts of (closing − opening balance, native) × the day's rate,
 *   i.e. receipts − disbursements in USD; transfers between accounts (sweeps, FX repatriation at the
 *   day's rate) net to zero and FX revaluation of unchanged balances is excluded;
 * - closing balance = the bank_balance point at 23:45 (all transactions of a day happen before 22:00).
 */

const RECEIVABLE_RING = 256;
const PAYABLE_RING = 128;
const MAX_DAYS_TO_PAY = 170;
const PAYING_ACCOUNTS = ['ops-usd', 'ops-eur', 'ops-gbp', 'apac-sgd'] as const;
type PayingAccount = (typeof PAYING_ACCOUNTS)[number];

export interface BankTransaction {
  readonly timeMs: number;
  /** Native currency, cents; positive = inflow. */
  readonly amount: number;
  readonly memo: string;
}

export interface ClosingState {
  readonly dayIndex: number;
  readonly balances: Readonly<Record<AccountId, number>>;
  readonly fx: FxRates;
  readonly rates: RatesState;
  readonly stockClose: number;
  readonly headcount: Readonly<Record<Department, number>>;
  readonly active: Readonly<Record<Region, number>>;
  /** USD due per region, ring indexed by due day. */
  readonly receivables: Readonly<Record<Region, Float64Array>>;
  readonly collectedThrough: number;
  readonly arUsd: number;
  readonly payablesUsd: Readonly<Record<PayingAccount, Float64Array>>;
  readonly payablesNative: Readonly<Record<PayingAccount, Float64Array>>;
  readonly paidThrough: number;
  readonly apUsd: number;
  readonly inventory: number;
  readonly termLoan: number;
  readonly revolver: number;
  readonly accruedInterest: number;
  readonly hostingAccrued: number;
  readonly contractorsAccrued: number;
  readonly taxableSincePayment: number;
  readonly pendingRent: readonly { readonly dayIndex: number; readonly account: AccountId; readonly native: number; readonly usd: number }[];
  readonly quarterActual: number;
  readonly quarterPlan: number;
  readonly earnings: { readonly dayIndex: number; readonly gap: number } | null;
  readonly pendingRecoveries: readonly { readonly dayIndex: number; readonly timeMs: number; readonly amount: number }[];
}

export interface DayLedger {
  readonly day: CalendarDay;
  readonly revenue: Readonly<Record<Region, Readonly<Record<Product, number>>>>;
  readonly cogs: Readonly<Record<Product, number>>;
  readonly expenses: Readonly<Record<Department, Readonly<Record<Region, number>>>>;
  readonly marketingSpend: Readonly<Record<Channel, number>>;
  readonly newCustomers: Readonly<Record<Region, Readonly<Record<Channel, number>>>>;
  readonly churned: Readonly<Record<Region, number>>;
  readonly active: Readonly<Record<Region, number>>;
  readonly headcount: Readonly<Record<Department, number>>;
  readonly ebitda: number;
  readonly interestExpense: number;
  readonly accountsReceivable: number;
  /** Customer payments received in the day, USD (AR(d) = AR(d−1) + revenue(d) − collections(d)). */
  readonly collectionsUsd: number;
  readonly accountsPayable: number;
  readonly inventoryValue: number;
  readonly totalDebt: number;
  readonly currentAssets: number;
  readonly currentLiabilities: number;
  readonly netCashFlow: number;
  readonly fx: FxDay;
  readonly rates: RatesDay;
  readonly stock: StockDay;
  readonly openingBalances: Readonly<Record<AccountId, number>>;
  /** Per account, in time order. */
  readonly transactions: Readonly<Record<AccountId, readonly BankTransaction[]>>;
  readonly closing: ClosingState;
}

export interface LedgerContext {
  readonly seed: string;
  /** Index of the first emitted day; growth and campaign cycles count from it. */
  readonly historyStartDay: number;
  readonly effects: IncidentEffects;
}

/** Days-to-pay weights: share of an invoice paid k days after it is issued (mixture of payer groups). */
export const DAYS_TO_PAY_WEIGHTS: Float64Array = (() => {
  const w = new Float64Array(MAX_DAYS_TO_PAY + 1);
  for (const g of PROFILE.daysToPay) {
    let mass = 0;
    const dens: number[] = [];
    for (let k = 0; k <= MAX_DAYS_TO_PAY; k++) {
      const z = (k - g.mean) / g.sd;
      const v = Math.exp(-0.5 * z * z);
      dens.push(v);
      mass += v;
    }
    for (let k = 0; k <= MAX_DAYS_TO_PAY; k++) w[k]! += (g.share * dens[k]!) / mass;
  }
  return w;
})();

/** Revenue growth multiplier of a day relative to the history start. */
export function growthFactor(dayIndex: number, historyStartDay: number): number {
  return Math.pow(1 + PROFILE.annualGrowth, (dayIndex - historyStartDay) / 365.25);
}

const WEEKDAY_NORM: Record<Product, number> = {
  platform: PROFILE.weekdayFactor.platform.reduce((a, b) => a + b, 0) / 7,
  services: PROFILE.weekdayFactor.services.reduce((a, b) => a + b, 0) / 7,
  hardware: PROFILE.weekdayFactor.hardware.reduce((a, b) => a + b, 0) / 7,
};

/** Planned (expected, incident-free) revenue of a region × product on a day, USD. */
export function planRevenue(dayIndex: number, region: Region, product: Product, historyStartDay: number): number {
  const day = calendarDay(dayIndex);
  const business = isBusinessDay(dayIndex);
  const weekday = business || day.weekday >= 6 ? day.weekday : 6; // holidays behave like Saturdays
  const wf = PROFILE.weekdayFactor[product][weekday - 1]! / WEEKDAY_NORM[product];
  let spike = 1;
  if (business && businessDaysLeftInMonth(dayIndex) <= 2) {
    spike = day.month % 3 === 0 ? PROFILE.periodEndSpike[product].quarter : PROFILE.periodEndSpike[product].month;
  }
  return (
    ((PROFILE.revenueRunRate * growthFactor(dayIndex, historyStartDay)) / 365) *
    PROFILE.regionShare[region] *
    PROFILE.productShare[product] *
    wf *
    spike
  );
}

function record<K extends string, V>(keys: readonly K[], f: (k: K) => V): Record<K, V> {
  const r = {} as Record<K, V>;
  for (const k of keys) r[k] = f(k);
  return r;
}

function dayRate(fx: FxRates, currency: Currency): number {
  const pair = PAIR_OF_CURRENCY[currency];
  return pair ? fx[pair] : 1;
}

/** Salary level of a day relative to the history start (wage inflation). */
function wageFactor(dayIndex: number, historyStartDay: number): number {
  return Math.pow(1 + PROFILE.wageInflation, (dayIndex - historyStartDay) / 365.25);
}

/** Annual loaded cost per head of a department, blended over its regions, at the start's salary level. */
function blendedCost(dept: Department): number {
  let c = 0;
  for (const r of REGIONS) c += PROFILE.departmentRegions[dept][r] * PROFILE.costPerHead[dept] * PROFILE.regionCostFactor[r];
  return c;
}

/** First business day of the week with weekday ≥ `fromWeekday` (e.g. Tuesday batch, Thursday AP run). */
function isFirstBusinessDayFrom(dayIndex: number, fromWeekday: number): boolean {
  const wd = calendarDay(dayIndex).weekday;
  if (wd < fromWeekday || wd > 5 || !isBusinessDay(dayIndex)) return false;
  for (let w = fromWeekday; w < wd; w++) if (isBusinessDay(dayIndex - (wd - w))) return false;
  return true;
}

function isLastBusinessDayOfWeek(dayIndex: number): boolean {
  if (!isBusinessDay(dayIndex)) return false;
  const wd = calendarDay(dayIndex).weekday;
  for (let d = dayIndex + 1; d <= dayIndex + (5 - wd); d++) if (isBusinessDay(d)) return false;
  return true;
}

/** The state the simulation starts from, `warmupDays` before the history: balance sheet at its targets. */
export function initialState(chainStartDay: number, historyStartDay: number): ClosingState {
  const receivables = record(REGIONS, () => new Float64Array(RECEIVABLE_RING));
  let arUsd = 0;
  for (let j = 1; j <= MAX_DAYS_TO_PAY; j++) {
    const issued = chainStartDay - j;
    for (const region of REGIONS) {
      let rev = 0;
      for (const p of PRODUCTS) rev += planRevenue(issued, region, p, historyStartDay);
      for (let k = j; k <= MAX_DAYS_TO_PAY; k++) {
        const amt = rev * DAYS_TO_PAY_WEIGHTS[k]!;
        receivables[region][(issued + k) & (RECEIVABLE_RING - 1)]! += amt;
        arUsd += amt;
      }
    }
  }
  const g = growthFactor(chainStartDay, historyStartDay);
  const hardwarePerDay = (PROFILE.revenueRunRate * g * PROFILE.productShare.hardware * PROFILE.cogsRatio.hardware) / 365;
  return {
    dayIndex: chainStartDay - 1,
    balances: initialBalances(),
    fx: { ...PROFILE.fxAnchor },
    rates: initialRates(),
    stockClose: PROFILE.stockStart,
    headcount: record(DEPARTMENTS, (dept) =>
      Math.round(PROFILE.headcount[dept] * Math.pow(1 + PROFILE.hireRate - PROFILE.leaveRate, (chainStartDay - historyStartDay) / 365)),
    ),
    active: { ...PROFILE.activeCustomers },
    receivables,
    collectedThrough: chainStartDay - 1,
    arUsd,
    payablesUsd: record(PAYING_ACCOUNTS, () => new Float64Array(PAYABLE_RING)),
    payablesNative: record(PAYING_ACCOUNTS, () => new Float64Array(PAYABLE_RING)),
    paidThrough: chainStartDay - 1,
    apUsd: 0,
    inventory: hardwarePerDay * PROFILE.inventoryDays,
    termLoan: PROFILE.termLoan,
    revolver: PROFILE.revolverBase,
    accruedInterest: 0,
    hostingAccrued: 0,
    contractorsAccrued: 0,
    taxableSincePayment: 0,
    pendingRent: [],
    quarterActual: 0,
    quarterPlan: 0,
    earnings: null,
    pendingRecoveries: [],
  };
}

function initialBalances(): Record<AccountId, number> {
  return {
    'ops-usd': PROFILE.opsUsd.target,
    'payroll-usd': PROFILE.payrollBuffer,
    'reserve-usd': PROFILE.reserveUsd.target,
    'ops-eur': PROFILE.regionalTarget['ops-eur'],
    'ops-gbp': PROFILE.regionalTarget['ops-gbp'],
    'apac-sgd': PROFILE.regionalTarget['apac-sgd'],
  };
}

/**
 * Opens the books at the history start: the warm-up filled receivables, payables, inventory and the
 * market; cash (except the payroll account, which may hold tomorrow's funded payroll) and debt are
 * reset to their targets so every seed starts from the same balance sheet.
 */
export function openBooks(state: ClosingState): ClosingState {
  const target = initialBalances();
  return {
    ...state,
    balances: { ...target, 'payroll-usd': state.balances['payroll-usd'] },
    termLoan: PROFILE.termLoan,
    revolver: PROFILE.revolverBase,
    accruedInterest: state.accruedInterest,
    pendingRecoveries: [],
  };
}

/** Simulates `day` from the previous day's closing state. Pure: same inputs, same ledger. */
export function simulateDay(prev: ClosingState, day: CalendarDay, ctx: LedgerContext): DayLedger {
  const d = day.index;
  if (prev.dayIndex !== d - 1) throw new Error(`simulateDay: state of day ${prev.dayIndex} cannot open day ${d}`);
  const { seed, historyStartDay, effects } = ctx;
  const stream = (aspect: string): Rng => Rng.stream(seed, aspect, d);
  const business = isBusinessDay(d);
  const g = growthFactor(d, historyStartDay);
  const wage = wageFactor(d, historyStartDay);
  const at = (hour: number, minute = 0): number => localTimeMs(day, hour, minute);

  // --- market -------------------------------------------------------------------------------
  const fx = simulateFxDay(prev.fx, day, stream('fx'));
  const rates = simulateRatesDay(prev.rates, day, stream('rates'));
  const earningsGap = prev.earnings && prev.earnings.dayIndex === d ? prev.earnings.gap : 0;
  const stock = simulateStockDay(prev.stockClose, day, stream('stock'), earningsGap);
  const rateOf = (c: Currency): number => dayRate(fx.close, c);

  // --- revenue and COGS ------------------------------------------------------------------------
  const revRng = stream('revenue');
  let planTotal = 0;
  const revenue = record(REGIONS, (region) =>
    record(PRODUCTS, (product) => {
      const plan = planRevenue(d, region, product, historyStartDay);
      planTotal += plan;
      return cents(plan * revRng.lognormal(PROFILE.revenueNoise[product]) * effects.revenueFactor(d, region));
    }),
  );
  const revenueByProduct = record(PRODUCTS, (p) => REGIONS.reduce((s, r) => s + revenue[r][p], 0));
  const revenueByRegion = record(REGIONS, (r) => PRODUCTS.reduce((s, p) => s + revenue[r][p], 0));
  const revenueTotal = REGIONS.reduce((s, r) => s + revenueByRegion[r], 0);
  const cogsRng = stream('cogs');
  const cogs = record(PRODUCTS, (p) => {
    const overrun = p === 'hardware' ? effects.hardwareCogsFactor(d) : 1;
    return cents(revenueByProduct[p] * PROFILE.cogsRatio[p] * cogsRng.lognormal(0.04) * overrun);
  });

  // --- headcount -------------------------------------------------------------------------------
  const hrRng = stream('headcount');
  const hireDay = isFirstBusinessDayFrom(d, 1);
  const headcount = record(DEPARTMENTS, (dept) => {
    const hc = prev.headcount[dept];
    const hires = hireDay ? hrRng.poisson(((hc * PROFILE.hireRate) / 52) * effects.hiringFactor(d)) : 0;
    const leavers = business ? hrRng.poisson((hc * PROFILE.leaveRate) / 252) : 0;
    return Math.max(1, hc + hires - leavers);
  });

  // --- bank transactions and payables (collected as the day is booked) -------------------------
  const tx = record(ACCOUNTS, (): BankTransaction[] => []);
  const pay = (account: AccountId, timeMs: number, amount: number, memo: string): void => {
    const a = cents(amount);
    if (a !== 0) tx[account].push({ timeMs, amount: a, memo });
  };
  const payablesUsd = record(PAYING_ACCOUNTS, (a) => prev.payablesUsd[a].slice());
  const payablesNative = record(PAYING_ACCOUNTS, (a) => prev.payablesNative[a].slice());
  let apUsd = prev.apUsd;
  const postPayable = (account: PayingAccount, usd: number, termsDays: number): void => {
    if (usd <= 0) return;
    const slot = (d + termsDays) & (PAYABLE_RING - 1);
    payablesUsd[account][slot]! += usd;
    payablesNative[account][slot]! += usd / rateOf(BANK_ACCOUNTS[account].currency);
    apUsd += usd;
  };
  const postRegional = (region: Region, usd: number, termsDays: number): void => {
    for (const { account, share } of REGION_ACCOUNTS[region]) postPayable(account as PayingAccount, usd * share, termsDays);
  };

  // --- expenses --------------------------------------------------------------------------------
  const expRng = stream('expenses');
  const expenses = record(DEPARTMENTS, () => record(REGIONS, () => 0));
  const payrollDay = isPayrollDay(d);
  const payrollCashUsd = record(REGIONS, () => 0);
  const vendorBatch = isFirstBusinessDayFrom(d, 2);
  for (const dept of DEPARTMENTS) {
    const hc = headcount[dept];
    const shares = PROFILE.departmentRegions[dept];
    if (payrollDay) {
      for (const r of REGIONS) {
        const amt = ((hc * shares[r] * PROFILE.costPerHead[dept] * PROFILE.regionCostFactor[r] * wage) / 24) * expRng.lognormal(0.01);
        expenses[dept][r] += amt;
        payrollCashUsd[r] += amt;
      }
    }
    if (vendorBatch) {
      const amt = ((hc * PROFILE.vendorPerHead[dept] * 0.7) / 52) * expRng.lognormal(0.15);
      for (const r of REGIONS) {
        expenses[dept][r] += amt * shares[r];
        postRegional(r, amt * shares[r], PROFILE.vendorTermsDays);
      }
    }
    if (business) {
      const amt = ((hc * PROFILE.vendorPerHead[dept] * 0.3) / 252) * expRng.lognormal(0.3);
      for (const r of REGIONS) {
        expenses[dept][r] += amt * shares[r];
        postRegional(r, amt * shares[r], 25);
      }
    }
    const spike = effects.expenseFactor(d, dept);
    if (spike > 1) {
      const normalDaily =
        (hc * (blendedCost(dept) * wage + PROFILE.vendorPerHead[dept]) + (dept === 'marketing' ? sumValues(PROFILE.marketingBudget) * g : 0)) /
        365;
      const extra = (spike - 1) * normalDaily * expRng.lognormal(0.1);
      for (const r of REGIONS) {
        expenses[dept][r] += extra * shares[r];
        postRegional(r, extra * shares[r], PROFILE.vendorTermsDays);
      }
    }
  }
  const pendingRent = prev.pendingRent.filter((p) => p.dayIndex > d).slice();
  if (day.day === 1) {
    const payDay = businessDayOnOrAfter(d);
    for (const r of REGIONS) {
      const usd = PROFILE.monthlyRent[r];
      expenses.g_and_a[r] += usd;
      for (const { account, share } of REGION_ACCOUNTS[r]) {
        const native = cents((usd * share) / rateOf(BANK_ACCOUNTS[account].currency));
        if (payDay === d) pay(account, at(8, 30), -native, 'rent');
        else pendingRent.push({ dayIndex: payDay, account, native, usd: usd * share });
      }
    }
  }
  for (const p of prev.pendingRent) if (p.dayIndex === d) pay(p.account, at(8, 30), -p.native, 'rent');

  // --- marketing -------------------------------------------------------------------------------
  const mktRng = stream('marketing');
  const cycleDay = (((d - historyStartDay) % PROFILE.campaignEveryDays) + PROFILE.campaignEveryDays) % PROFILE.campaignEveryDays;
  const campaign = cycleDay < PROFILE.campaignLengthDays;
  const weekend = !business;
  const tradeShow =
    [2, 5, 9, 11].includes(day.month) && day.weekday === 3 && day.day >= 8 && day.day <= 14 && business;
  const marketingSpend: Record<Channel, number> = {
    self_serve: cents(
      ((PROFILE.marketingBudget.self_serve * g) / 365) * (weekend ? 0.8 : 1.08) * (campaign ? 2 : 1) * mktRng.lognormal(0.12),
    ),
    direct: business
      ? cents(((PROFILE.marketingBudget.direct * g) / 252) * mktRng.lognormal(0.35) + (tradeShow ? PROFILE.tradeShowCost : 0))
      : 0,
    partner: d === lastBusinessDayOfMonth(day.year, day.month) ? cents(((PROFILE.marketingBudget.partner * g) / 12) * mktRng.lognormal(0.1)) : 0,
  };
  const programmes = sumValues(marketingSpend);
  for (const r of REGIONS) {
    expenses.marketing[r] += programmes * PROFILE.marketingRegionShare[r];
    postRegional(r, programmes * PROFILE.marketingRegionShare[r], PROFILE.vendorTermsDays);
  }
  for (const dept of DEPARTMENTS) for (const r of REGIONS) expenses[dept][r] = cents(expenses[dept][r]);

  // --- customers -------------------------------------------------------------------------------
  const crmRng = stream('customers');
  const annualNew = PROFILE.newCustomersPerYear * g;
  const newCustomers = record(REGIONS, (r) =>
    record(CHANNELS, (c) => {
      const base = annualNew * PROFILE.channelShare[c] * PROFILE.regionShare[r] * effects.revenueFactor(d, r);
      const lambda =
        c === 'self_serve' ? (base / 365) * (weekend ? 0.6 : 1.16) * (campaign ? 1.6 : 1) : business ? base / 252 : 0;
      return crmRng.poisson(lambda);
    }),
  );
  const monthEnd = business && d === lastBusinessDayOfMonth(day.year, day.month);
  const churned = record(REGIONS, (r) => {
    const a = prev.active[r];
    const lambda = (business ? ((a * PROFILE.monthlyChurn * 12) / 252) * 0.6 : 0) + (monthEnd ? a * PROFILE.monthlyChurn * 0.4 : 0);
    return Math.min(a, crmRng.poisson(lambda));
  });
  const active = record(REGIONS, (r) => prev.active[r] + sumValues(newCustomers[r]) - churned[r]);

  // --- receivables and collections ------------------------------------------------------------
  const receivables = record(REGIONS, (r) => prev.receivables[r].slice());
  let arUsd = prev.arUsd;
  for (const r of REGIONS) {
    const rev = revenueByRegion[r];
    const ring = receivables[r];
    for (let k = 0; k <= MAX_DAYS_TO_PAY; k++) ring[(d + k) & (RECEIVABLE_RING - 1)]! += rev * DAYS_TO_PAY_WEIGHTS[k]!;
    arUsd += rev;
  }
  let collectedThrough = prev.collectedThrough;
  let collectionsUsd = 0;
  if (business) {
    const colRng = stream('collections');
    for (const r of REGIONS) {
      const ring = receivables[r];
      let due = 0;
      for (let s = prev.collectedThrough + 1; s <= d; s++) {
        const slot = s & (RECEIVABLE_RING - 1);
        due += ring[slot]!;
        ring[slot] = 0;
      }
      const collected = cents(due * Math.min(1, 0.8 + 0.25 * colRng.uniform()));
      ring[(d + 1) & (RECEIVABLE_RING - 1)]! += due - collected;
      collectionsUsd += collected;
      for (const { account, share } of REGION_ACCOUNTS[r]) {
        const native = cents((collected * share) / rateOf(BANK_ACCOUNTS[account].currency));
        if (native <= 0) continue;
        const n = 1 + colRng.poisson(r === 'na' ? 9 : 4);
        for (const part of colRng.splitAmount(native, n)) pay(account, at(9, colRng.int(0, 480)), part, 'customer receipt');
      }
    }
    collectedThrough = d;
    arUsd -= collectionsUsd;
  }

  // --- COGS flows: inventory, hosting and contractor accruals ---------------------------------
  let inventory = prev.inventory - cogs.hardware;
  if (isFirstBusinessDayFrom(d, 3)) {
    const hardwarePlanPerDay = (PROFILE.revenueRunRate * g * PROFILE.productShare.hardware * PROFILE.cogsRatio.hardware) / 365;
    const purchase = Math.max(0, hardwarePlanPerDay * PROFILE.inventoryDays - inventory) * stream('purchasing').lognormal(0.05);
    inventory += purchase;
    postPayable('ops-usd', purchase, PROFILE.supplierTermsDays);
  }
  let hostingAccrued = prev.hostingAccrued + cogs.platform;
  let contractorsAccrued = prev.contractorsAccrued + cogs.services;
  if (d === nthBusinessDayOfMonth(day.year, day.month, 3)) {
    postPayable('ops-usd', hostingAccrued, PROFILE.vendorTermsDays);
    postPayable('ops-usd', contractorsAccrued, PROFILE.vendorTermsDays);
    hostingAccrued = 0;
    contractorsAccrued = 0;
  }

  // --- AP run (Thursdays) ----------------------------------------------------------------------
  let paidThrough = prev.paidThrough;
  if (isFirstBusinessDayFrom(d, 4)) {
    for (const account of PAYING_ACCOUNTS) {
      let native = 0;
      for (let s = prev.paidThrough + 1; s <= d + 6; s++) {
        const slot = s & (PAYABLE_RING - 1);
        native += payablesNative[account][slot]!;
        apUsd -= payablesUsd[account][slot]!;
        payablesNative[account][slot] = 0;
        payablesUsd[account][slot] = 0;
      }
      pay(account, at(11, 0), -native, 'AP run');
    }
    paidThrough = d + 6;
  }

  // --- payroll cash ----------------------------------------------------------------------------
  if (payrollDay) {
    pay('payroll-usd', at(6, 0), -payrollCashUsd.na, 'payroll');
    for (const r of ['emea', 'apac'] as const) {
      for (const { account, share } of REGION_ACCOUNTS[r]) {
        pay(account, at(6, 0), -(payrollCashUsd[r] * share) / rateOf(BANK_ACCOUNTS[account].currency), 'payroll');
      }
    }
  }
  if (business && isPayrollDay(businessDayOnOrAfter(d + 1))) {
    let estimate = 0;
    for (const dept of DEPARTMENTS) {
      estimate += (headcount[dept] * PROFILE.departmentRegions[dept].na * PROFILE.costPerHead[dept] * wage) / 24;
    }
    const funding = estimate * 1.01 + PROFILE.payrollBuffer - prev.balances['payroll-usd'];
    if (funding > 0) {
      pay('ops-usd', at(15, 0), -funding, 'payroll funding sweep');
      pay('payroll-usd', at(15, 0), funding, 'payroll funding sweep');
    }
  }

  // --- debt, interest, taxes, capex -------------------------------------------------------------
  let termLoan = prev.termLoan;
  let revolver = prev.revolver;
  let accruedInterest = prev.accruedInterest;
  if (d === nthBusinessDayOfMonth(day.year, day.month, 1)) {
    const principal = Math.min(PROFILE.termLoanMonthlyAmortization, termLoan);
    pay('ops-usd', at(10, 0), -(accruedInterest + principal), 'debt service');
    termLoan -= principal;
    accruedInterest = 0;
  }
  let taxableSincePayment = prev.taxableSincePayment;
  const taxDay = [4, 6, 9, 12].includes(day.month) && isTaxDay(day);
  if (taxDay) {
    pay('ops-usd', at(10, 30), -PROFILE.taxRate * Math.max(0, taxableSincePayment), 'estimated tax');
    taxableSincePayment = 0;
  }
  if (d === nthBusinessDayOfMonth(day.year, day.month, 2)) {
    pay('ops-usd', at(13, 0), -PROFILE.monthlyCapex * g * stream('capex').lognormal(0.25), 'capex');
  }

  // --- treasury (09:00, decided on yesterday's closing balances) --------------------------------
  const revolverFloor = PROFILE.revolverBase + effects.revolverHeld(d - 1);
  if (business) {
    const ops = prev.balances['ops-usd'];
    let reserve = prev.balances['reserve-usd'];
    const t9 = at(9, 0);
    if (ops < PROFILE.opsUsd.floor) {
      let need = PROFILE.opsUsd.target - ops;
      const fromReserve = Math.max(0, Math.min(need, reserve - PROFILE.reserveUsd.floor));
      if (fromReserve > 0) {
        pay('reserve-usd', t9, -fromReserve, 'treasury sweep');
        pay('ops-usd', t9, fromReserve, 'treasury sweep');
        reserve -= fromReserve;
        need -= fromReserve;
      }
      if (need > 0) {
        const draw = Math.ceil(need / 250_000) * 250_000;
        pay('ops-usd', t9, draw, 'revolver draw');
        revolver += draw;
      }
    } else if (ops > PROFILE.opsUsd.target + 500_000) {
      // Cash above target first repays revolver draws above the floor; beyond the cap it goes to reserve.
      const repay = Math.max(0, Math.min(ops - PROFILE.opsUsd.target, revolver - revolverFloor));
      if (repay > 0) {
        pay('ops-usd', t9, -repay, 'revolver repayment');
        revolver -= repay;
      }
      const excess = ops - repay > PROFILE.opsUsd.cap ? ops - repay - PROFILE.opsUsd.target : 0;
      if (excess > 0) {
        pay('ops-usd', t9, -excess, 'treasury sweep');
        pay('reserve-usd', t9, excess, 'treasury sweep');
        reserve += excess;
      }
    }
    if (reserve > PROFILE.reserveUsd.cap && revolver > revolverFloor) {
      const repay = Math.min(reserve - PROFILE.reserveUsd.target, revolver - revolverFloor);
      pay('reserve-usd', t9, -repay, 'revolver repayment');
      revolver -= repay;
    }
    for (const account of ['ops-eur', 'ops-gbp', 'apac-sgd'] as const) {
      const bal = prev.balances[account];
      const target = PROFILE.regionalTarget[account];
      const rate = rateOf(BANK_ACCOUNTS[account].currency);
      if (bal < 0.5 * target) {
        const native = cents(target - bal);
        pay('ops-usd', at(9, 30), -cents(native * rate), `funding ${account}`);
        pay(account, at(9, 30), native, 'funding from ops-usd');
      } else if (bal > 1.3 * target && isLastBusinessDayOfWeek(d)) {
        const native = cents(bal - target);
        pay(account, at(14, 0), -native, 'repatriation to ops-usd');
        pay('ops-usd', at(14, 0), cents(native * rate), `repatriation from ${account}`);
      }
    }
  }
  for (const e of effects.revolverEvents(d)) {
    pay('ops-usd', e.timeMs, e.amountUsd, e.amountUsd > 0 ? 'revolver draw' : 'revolver repayment');
    revolver += e.amountUsd;
  }

  // --- incidents: recoveries and cash drops ------------------------------------------------------
  const pendingRecoveries = prev.pendingRecoveries.filter((p) => p.dayIndex !== d).slice();
  for (const p of prev.pendingRecoveries) if (p.dayIndex === d) pay('ops-usd', p.timeMs, p.amount, 'wire recall (recovered funds)');
  for (const drop of effects.cashDrops(d)) {
    let balanceAt = prev.balances['ops-usd'];
    for (const t of tx['ops-usd']) if (t.timeMs <= drop.timeMs) balanceAt += t.amount;
    const amount = cents(drop.amountUsd ?? Math.max(0, balanceAt - 250_000));
    pay('ops-usd', drop.timeMs, -amount, 'outgoing wire (fraud)');
    if (drop.recoveredFraction > 0) {
      pendingRecoveries.push({ dayIndex: drop.recoveryDay, timeMs: drop.recoveryTimeMs, amount: cents(amount * drop.recoveredFraction) });
    }
  }

  // --- close the day ------------------------------------------------------------------------------
  const balances = {} as Record<AccountId, number>;
  let netCashFlow = 0;
  let cashUsd = 0;
  for (const account of ACCOUNTS) {
    tx[account].sort((a, b) => a.timeMs - b.timeMs);
    let bal = prev.balances[account];
    for (const t of tx[account]) bal = cents(bal + t.amount);
    balances[account] = bal;
    const rate = rateOf(BANK_ACCOUNTS[account].currency);
    netCashFlow += cents(bal - prev.balances[account]) * rate;
    cashUsd += bal * rate;
  }

  const sofr = rates.state.values.sofr;
  const interestExpense = cents(((termLoan + revolver) * (sofr + PROFILE.debtSpread)) / 100 / 360);
  accruedInterest += interestExpense;
  const revenueSum = cents(revenueTotal);
  const cogsSum = sumValues(cogs);
  let expenseSum = 0;
  for (const dept of DEPARTMENTS) expenseSum += sumValues(expenses[dept]);
  const ebitda = cents(revenueSum - cogsSum - expenseSum);
  const depreciation = (PROFILE.monthlyCapex * g * 12) / 365;
  taxableSincePayment += ebitda - interestExpense - depreciation;

  let payrollPerPeriod = 0;
  for (const dept of DEPARTMENTS) payrollPerPeriod += (headcount[dept] * blendedCost(dept) * wage) / 24;
  const lastPay = previousPayrollDay(d);
  const nextPay = nextPayrollDay(d);
  const accruedPayroll = (payrollPerPeriod * (d - lastPay)) / (nextPay - lastPay);
  const runRate = PROFILE.revenueRunRate * g;
  const deferredRevenue = ((runRate * PROFILE.productShare.platform) / 365) * PROFILE.deferredRevenueDays;
  const accrued =
    accruedPayroll +
    accruedInterest +
    hostingAccrued +
    contractorsAccrued +
    PROFILE.taxRate * Math.max(0, taxableSincePayment) +
    pendingRent.reduce((s, p) => s + p.usd, 0) +
    deferredRevenue +
    PROFILE.otherAccruedShare * runRate;
  const shortTermDebt = Math.min(termLoan, 12 * PROFILE.termLoanMonthlyAmortization) + revolver;
  const currentAssets = cashUsd + arUsd + inventory + PROFILE.otherCurrentAssetsShare * runRate;
  const currentLiabilities = apUsd + accrued + shortTermDebt;

  // --- quarter close and earnings -------------------------------------------------------------------
  let quarterActual = prev.quarterActual + revenueTotal;
  let quarterPlan = prev.quarterPlan + planTotal;
  let earnings = prev.earnings && prev.earnings.dayIndex > d ? prev.earnings : null;
  if (isQuarterEnd(d)) {
    const surprise = quarterPlan > 0 ? quarterActual / quarterPlan - 1 : 0;
    let earningsDay = d + 28;
    while (!isTradingDay(earningsDay)) earningsDay++;
    const gap = Math.max(-0.25, Math.min(0.25, 3 * surprise)) + 0.03 * stream('earnings').normal();
    earnings = { dayIndex: earningsDay, gap };
    quarterActual = 0;
    quarterPlan = 0;
  }

  const closing: ClosingState = {
    dayIndex: d,
    balances,
    fx: fx.close,
    rates: rates.state,
    stockClose: stock.close,
    headcount,
    active,
    receivables,
    collectedThrough,
    arUsd,
    payablesUsd,
    payablesNative,
    paidThrough,
    apUsd,
    inventory,
    termLoan,
    revolver,
    accruedInterest,
    hostingAccrued,
    contractorsAccrued,
    taxableSincePayment,
    pendingRent,
    quarterActual,
    quarterPlan,
    earnings,
    pendingRecoveries,
  };
  return {
    day,
    revenue,
    cogs,
    expenses,
    marketingSpend,
    newCustomers,
    churned,
    active,
    headcount,
    ebitda,
    interestExpense,
    accountsReceivable: cents(arUsd),
    collectionsUsd: cents(collectionsUsd),
    accountsPayable: cents(apUsd),
    inventoryValue: cents(inventory),
    totalDebt: cents(termLoan + revolver),
    currentAssets: cents(currentAssets),
    currentLiabilities: cents(currentLiabilities),
    netCashFlow: cents(netCashFlow),
    fx,
    rates,
    stock,
    openingBalances: prev.balances,
    transactions: tx,
    closing,
  };
}

/** US estimated-tax dates: the 15th of April, June, September and December, or the business day after. */
function isTaxDay(day: CalendarDay): boolean {
  const fifteenth = day.index - day.day + 15;
  return day.index === businessDayOnOrAfter(fifteenth);
}

function sumValues(r: Readonly<Record<string, number>>): number {
  let s = 0;
  for (const v of Object.values(r)) s += v;
  return s;
}
