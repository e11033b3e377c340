import { pointAt } from '../../core/point';
import type { Point } from '../../core/point';
import { ACCOUNTS, BENCHMARKS, CHANNELS, DEPARTMENTS, FX_PAIRS, PRODUCTS, REGIONS, TAGS, cents } from './company-profile';
import type { DayLedger } from './daily-ledger';
import type { IncidentEffects } from './incidents';
import { forEachHealthSample } from './platform-health';
import type { CalendarDay } from './calendar';

/**
 * Turns a day's ledger and platform samples into KPI points at their cadences:
 * daily KPIs at the daily close (23:50 New York), bank balances every 15 minutes, FX hourly,
 * benchmark rates at 08:00 on business days, the share price every 15 minutes in NYSE hours,
 * platform health every 5 minutes.
 */

const QUARTER_HOUR = 900_000;
/** Daily values are posted 10 minutes before local midnight, after the day's last bank movement. */
export const DAILY_CLOSE_BEFORE_MIDNIGHT_MS = 600_000;

const FIVE_MINUTES = 300_000;
const NS_PER_MS = 1_000_000n;

/**
 * Collects the points of one local day that fall in the window [from, to) and belong to the KPIs
 * asked for, and hands them out in time order. Every emitted timestamp lies on the day's 5-minute
 * grid, so points are bucketed by slot (a stable O(n) sort: points sharing a timestamp keep their
 * emission order). Points sharing a timestamp share its nanosecond BigInt.
 */
export class DayPointSink {
  private readonly buckets: Point[][] = [];
  private readonly offGrid: Point[] = [];
  private readonly nsBySlot: bigint[] = [];

  constructor(
    readonly from: number,
    readonly to: number,
    private readonly kpis: ReadonlySet<string> | undefined,
    private readonly dayStartMs: number,
  ) {}

  wants(kpi: string): boolean {
    return this.kpis === undefined || this.kpis.has(kpi);
  }

  inRange(timeMs: number): boolean {
    return timeMs >= this.from && timeMs < this.to;
  }

  add(kpi: string, tags: Readonly<Record<string, string>>, value: number, timeMs: number): void {
    if (timeMs < this.from || timeMs >= this.to || !this.wants(kpi)) return;
    const offset = timeMs - this.dayStartMs;
    const slot = offset / FIVE_MINUTES;
    if (!Number.isInteger(slot) || slot < 0) {
      this.offGrid.push(pointAt(kpi, tags as Record<string, string>, value, timeMs));
      return;
    }
    const ns = (this.nsBySlot[slot] ??= BigInt(timeMs) * NS_PER_MS);
    const point: Point = { kpi, tags, value, time: timeMs, ns };
    (this.buckets[slot] ??= []).push(point);
  }

  /** Appends the collected points to `out` in time order. */
  drainInto(out: Point[]): void {
    if (this.offGrid.length > 0) {
      for (const b of this.buckets) if (b) for (const p of b) this.offGrid.push(p);
      this.offGrid.sort((a, b) => a.time - b.time);
      for (const p of this.offGrid) out.push(p);
      return;
    }
    for (const b of this.buckets) if (b) for (const p of b) out.push(p);
  }
}

/** The KPIs a ledger produces (everything except platform health). */
export const LEDGER_KPIS: readonly string[] = [
  'bank_balance',
  'net_cash_flow',
  'revenue',
  'cogs',
  'expenses',
  'accounts_receivable',
  'accounts_payable',
  'inventory_value',
  'total_debt',
  'ebitda',
  'interest_expense',
  'current_assets',
  'current_liabilities',
  'new_customers',
  'churned_customers',
  'active_customers',
  'marketing_spend',
  'headcount',
  'stock_price',
  'fx_rate',
  'interest_rate',
];

export const PLATFORM_KPIS: readonly string[] = ['platform_uptime', 'response_time_p95'];

/** Emits every point of the day's ledger that the sink accepts. */
export function emitLedgerPoints(ledger: DayLedger, effects: IncidentEffects, sink: DayPointSink): void {
  const { day } = ledger;
  const close = day.endMs - DAILY_CLOSE_BEFORE_MIDNIGHT_MS;

  if (sink.inRange(close)) {
    const none = TAGS.none;
    sink.add('net_cash_flow', none, ledger.netCashFlow, close);
    for (const r of REGIONS) for (const p of PRODUCTS) sink.add('revenue', TAGS.revenue[r][p], ledger.revenue[r][p], close);
    for (const p of PRODUCTS) sink.add('cogs', TAGS.product[p], ledger.cogs[p], close);
    for (const d of DEPARTMENTS) for (const r of REGIONS) sink.add('expenses', TAGS.expenses[d][r], ledger.expenses[d][r], close);
    sink.add('accounts_receivable', none, ledger.accountsReceivable, close);
    sink.add('accounts_payable', none, ledger.accountsPayable, close);
    sink.add('inventory_value', none, ledger.inventoryValue, close);
    sink.add('total_debt', none, ledger.totalDebt, close);
    sink.add('ebitda', none, ledger.ebitda, close);
    sink.add('interest_expense', none, ledger.interestExpense, close);
    sink.add('current_assets', none, ledger.currentAssets, close);
    sink.add('current_liabilities', none, ledger.currentLiabilities, close);
    for (const r of REGIONS) for (const c of CHANNELS) sink.add('new_customers', TAGS.newCustomers[r][c], ledger.newCustomers[r][c], close);
    for (const r of REGIONS) sink.add('churned_customers', TAGS.region[r], ledger.churned[r], close);
    for (const r of REGIONS) sink.add('active_customers', TAGS.region[r], ledger.active[r], close);
    for (const c of CHANNELS) sink.add('marketing_spend', TAGS.channel[c], ledger.marketingSpend[c], close);
    for (const d of DEPARTMENTS) sink.add('headcount', TAGS.department[d], ledger.headcount[d], close);
  }

  if (sink.wants('bank_balance')) {
    const feedIncident = effects.touches(day.index);
    for (const account of ACCOUNTS) {
      const txs = ledger.transactions[account];
      let i = 0;
      let balance = ledger.openingBalances[account];
      for (let t = day.startMs; t < day.endMs; t += QUARTER_HOUR) {
        while (i < txs.length && txs[i]!.timeMs <= t) balance = cents(balance + txs[i++]!.amount);
        if (!sink.inRange(t) || (feedIncident && effects.feedDown(account, t))) continue;
        sink.add('bank_balance', TAGS.bank[account], balance, t);
      }
    }
  }

  if (sink.wants('fx_rate')) {
    for (const h of ledger.fx.hourly) {
      if (!sink.inRange(h.timeMs)) continue;
      for (const p of FX_PAIRS) sink.add('fx_rate', TAGS.pair[p], h.rates[p], h.timeMs);
    }
  }

  const fixing = ledger.rates.fixing;
  if (fixing && sink.inRange(fixing.timeMs)) {
    for (const b of BENCHMARKS) sink.add('interest_rate', TAGS.benchmark[b], fixing.values[b], fixing.timeMs);
  }

  if (sink.wants('stock_price')) for (const s of ledger.stock.prices) sink.add('stock_price', TAGS.ticker, s.price, s.timeMs);
}

/** Emits the day's platform health samples that the sink accepts. */
export function emitHealthPoints(seed: string, day: CalendarDay, effects: IncidentEffects, sink: DayPointSink): void {
  const uptime = sink.wants('platform_uptime');
  const p95 = sink.wants('response_time_p95');
  forEachHealthSample(seed, day, effects, (timeMs, service, up, latency) => {
    if (!sink.inRange(timeMs)) return;
    if (uptime) sink.add('platform_uptime', TAGS.service[service], up, timeMs);
    if (p95) sink.add('response_time_p95', TAGS.service[service], latency, timeMs);
  });
}
