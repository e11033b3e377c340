/**
 * The fixed facts of the simulated company "Northwind Robotics Inc.": its regions, products,
 * departments, bank accounts, services and the economic parameters the daily ledger is built from.
 * Everything here is constant data; the simulation reads it, never changes it.
 */

export const COMPANY_NAME = 'Northwind Robotics Inc.';
export const REPORTING_CURRENCY = 'USD';
export const TICKER = 'NWRB';

export const REGIONS = ['na', 'emea', 'apac'] as const;
export type Region = (typeof REGIONS)[number];

export const PRODUCTS = ['platform', 'services', 'hardware'] as const;
export type Product = (typeof PRODUCTS)[number];

export const DEPARTMENTS = ['engineering', 'sales', 'marketing', 'operations', 'finance', 'g_and_a'] as const;
export type Department = (typeof DEPARTMENTS)[number];

export const CHANNELS = ['direct', 'partner', 'self_serve'] as const;
export type Channel = (typeof CHANNELS)[number];

export const SERVICES = ['api', 'web', 'payments', 'reporting'] as const;
export type Service = (typeof SERVICES)[number];

export const CURRENCIES = ['USD', 'EUR', 'GBP', 'SGD'] as const;
export type Currency = (typeof CURRENCIES)[number];

export const FX_PAIRS = ['EURUSD', 'GBPUSD', 'SGDUSD'] as const;
export type FxPair = (typeof FX_PAIRS)[number];

export const BENCHMARKS = ['sofr', 'euribor_3m', 'us_10y'] as const;
export type Benchmark = (typeof BENCHMARKS)[number];

export const ACCOUNTS = ['ops-usd', 'payroll-usd', 'reserve-usd', 'ops-eur', 'ops-gbp', 'apac-sgd'] as const;
export type AccountId = (typeof ACCOUNTS)[number];

export interface BankAccount {
  readonly id: AccountId;
  readonly bank: string;
  readonly currency: Currency;
}

export const BANK_ACCOUNTS: Readonly<Record<AccountId, BankAccount>> = {
  'ops-usd': { id: 'ops-usd', bank: 'jpmorgan', currency: 'USD' },
  'payroll-usd': { id: 'payroll-usd', bank: 'jpmorgan', currency: 'USD' },
  'reserve-usd': { id: 'reserve-usd', bank: 'wells-fargo', currency: 'USD' },
  'ops-eur': { id: 'ops-eur', bank: 'deutsche-bank', currency: 'EUR' },
  'ops-gbp': { id: 'ops-gbp', bank: 'barclays', currency: 'GBP' },
  'apac-sgd': { id: 'apac-sgd', bank: 'dbs', currency: 'SGD' },
};

/** The fx_rate pair that converts a currency to USD (undefined for USD itself). */
export const PAIR_OF_CURRENCY: Readonly<Record<Currency, FxPair | undefined>> = {
  USD: undefined,
  EUR: 'EURUSD',
  GBP: 'GBPUSD',
  SGD: 'SGDUSD',
};

/** Where a region's customer receipts and local costs are banked, with the share of each account. */
export const REGION_ACCOUNTS: Readonly<Record<Region, readonly { account: AccountId; share: number }[]>> = {
  na: [{ account: 'ops-usd', share: 1 }],
  emea: [
    { account: 'ops-eur', share: 0.65 },
    { account: 'ops-gbp', share: 0.35 },
  ],
  apac: [{ account: 'apac-sgd', share: 1 }],
};

/** The economic parameters of the simulation (USD unless stated; "annual" at the start of the history). */
export const PROFILE = {
  /** Revenue run rate when the history starts; grows by `annualGrowth` per year. */
  revenueRunRate: 56_000_000,
  annualGrowth: 0.25,
  regionShare: { na: 0.55, emea: 0.3, apac: 0.15 } as Record<Region, number>,
  productShare: { platform: 0.6, services: 0.15, hardware: 0.25 } as Record<Product, number>,
  /** Weekday factors Monday … Sunday (normalised to a mean of 1 by the ledger). */
  weekdayFactor: {
    platform: [1.12, 1.14, 1.14, 1.12, 1.06, 0.72, 0.7],
    services: [1.3, 1.32, 1.32, 1.3, 1.2, 0.3, 0.26],
    hardware: [1.25, 1.3, 1.3, 1.3, 1.35, 0.3, 0.2],
  } as Record<Product, readonly number[]>,
  /** Booking spike on the last three business days of a month / of a quarter. */
  periodEndSpike: {
    platform: { month: 1, quarter: 1 },
    services: { month: 1.35, quarter: 1.7 },
    hardware: { month: 1.8, quarter: 2.6 },
  } as Record<Product, { month: number; quarter: number }>,
  /** Sigma of the multiplicative (log-normal, mean 1) daily revenue noise. */
  revenueNoise: { platform: 0.05, services: 0.2, hardware: 0.3 } as Record<Product, number>,
  /** Gross margins: platform ~85 %, services ~35 %, hardware ~30 %. */
  cogsRatio: { platform: 0.15, services: 0.65, hardware: 0.7 } as Record<Product, number>,

  headcount: { engineering: 130, sales: 70, marketing: 30, operations: 150, finance: 25, g_and_a: 45 } as Record<
    Department,
    number
  >,
  /** Yearly hires and leavers as a share of headcount (net growth ~10 %/yr). */
  hireRate: 0.22,
  leaveRate: 0.12,
  /** Loaded annual cost per head in North America; other regions scale by `regionCostFactor`. */
  costPerHead: { engineering: 76_000, sales: 65_000, marketing: 62_000, operations: 34_000, finance: 64_000, g_and_a: 52_000 } as Record<
    Department,
    number
  >,
  /** Yearly salary inflation. */
  wageInflation: 0.04,
  regionCostFactor: { na: 1, emea: 0.85, apac: 0.55 } as Record<Region, number>,
  /** Where each department's people sit. */
  departmentRegions: {
    engineering: { na: 0.55, emea: 0.3, apac: 0.15 },
    sales: { na: 0.5, emea: 0.3, apac: 0.2 },
    marketing: { na: 0.6, emea: 0.3, apac: 0.1 },
    operations: { na: 0.4, emea: 0.2, apac: 0.4 },
    finance: { na: 0.7, emea: 0.2, apac: 0.1 },
    g_and_a: { na: 0.6, emea: 0.25, apac: 0.15 },
  } as Record<Department, Record<Region, number>>,
  /** Annual vendor spend per head (software, contractors, travel); 70 % posted in the weekly batch, 30 % on cards daily. */
  vendorPerHead: { engineering: 9_000, sales: 7_000, marketing: 3_000, operations: 2_000, finance: 10_000, g_and_a: 10_000 } as Record<
    Department,
    number
  >,
  /** Monthly office rent by region, booked to g_and_a on the 1st. */
  monthlyRent: { na: 55_000, emea: 30_000, apac: 15_000 } as Record<Region, number>,
  /** Annual marketing programme budgets by channel (self_serve doubles during campaigns). */
  marketingBudget: { direct: 600_000, partner: 480_000, self_serve: 1_300_000 } as Record<Channel, number>,
  marketingRegionShare: { na: 0.6, emea: 0.3, apac: 0.1 } as Record<Region, number>,
  campaignEveryDays: 42,
  campaignLengthDays: 14,
  tradeShowCost: 120_000,

  activeCustomers: { na: 1400, emea: 750, apac: 350 } as Record<Region, number>,
  newCustomersPerYear: 900,
  channelShare: { direct: 0.15, partner: 0.25, self_serve: 0.6 } as Record<Channel, number>,
  monthlyChurn: 0.009,

  /** Accounts receivable: share of invoices and (mean, sd) days to pay of each payer group. */
  daysToPay: [
    { share: 0.15, mean: 5, sd: 3 },
    { share: 0.55, mean: 42, sd: 8 },
    { share: 0.25, mean: 65, sd: 15 },
    { share: 0.05, mean: 95, sd: 20 },
  ],
  /** Vendor payment terms (days) and days of hardware COGS kept in inventory. */
  vendorTermsDays: 30,
  supplierTermsDays: 45,
  inventoryDays: 70,

  termLoan: 13_000_000,
  termLoanMonthlyAmortization: 125_000,
  revolverBase: 5_000_000,
  /** Floating-rate spread over SOFR, percentage points. */
  debtSpread: 2.25,
  taxRate: 0.21,
  monthlyCapex: 130_000,
  /** Prepaids and other current assets, as a share of the revenue run rate. */
  otherCurrentAssetsShare: 0.02,
  /** Customer prepayments (deferred revenue): days of platform revenue billed in advance. */
  deferredRevenueDays: 20,
  /** Other accrued liabilities (benefits, sales tax, VAT), as a share of the revenue run rate. */
  otherAccruedShare: 0.02,

  /** Treasury bands (native currency). */
  opsUsd: { floor: 5_000_000, target: 7_000_000, cap: 9_000_000 },
  reserveUsd: { floor: 1_000_000, target: 1_500_000, cap: 3_000_000 },
  payrollBuffer: 150_000,
  regionalTarget: { 'ops-eur': 1_000_000, 'ops-gbp': 500_000, 'apac-sgd': 1_500_000 } as Record<
    'ops-eur' | 'ops-gbp' | 'apac-sgd',
    number
  >,

  fxAnchor: { EURUSD: 1.08, GBPUSD: 1.27, SGDUSD: 0.74 } as Record<FxPair, number>,
  fxAnnualVol: { EURUSD: 0.07, GBPUSD: 0.08, SGDUSD: 0.045 } as Record<FxPair, number>,
  rateAnchor: { sofr: 5.31, euribor_3m: 3.9, us_10y: 4.3 } as Record<Benchmark, number>,
  stockStart: 42,
  stockDrift: 0.12,
  stockVol: 0.35,

  p95BaseMs: { api: 180, web: 350, payments: 260, reporting: 900 } as Record<Service, number>,
} as const;

type Tags = Readonly<Record<string, string>>;

function byKey<K extends string, V>(keys: readonly K[], f: (k: K) => V): Record<K, V> {
  const r = {} as Record<K, V>;
  for (const k of keys) r[k] = f(k);
  return r;
}

/** Frozen tag objects, one per series, shared by every point of that series. */
export const TAGS = {
  none: Object.freeze({}) as Tags,
  bank: byKey(ACCOUNTS, (a): Tags => Object.freeze({ account: a, bank: BANK_ACCOUNTS[a].bank, currency: BANK_ACCOUNTS[a].currency })),
  revenue: byKey(REGIONS, (r) => byKey(PRODUCTS, (p): Tags => Object.freeze({ region: r, product: p }))),
  product: byKey(PRODUCTS, (p): Tags => Object.freeze({ product: p })),
  expenses: byKey(DEPARTMENTS, (d) => byKey(REGIONS, (r): Tags => Object.freeze({ department: d, region: r }))),
  newCustomers: byKey(REGIONS, (r) => byKey(CHANNELS, (c): Tags => Object.freeze({ region: r, channel: c }))),
  region: byKey(REGIONS, (r): Tags => Object.freeze({ region: r })),
  channel: byKey(CHANNELS, (c): Tags => Object.freeze({ channel: c })),
  department: byKey(DEPARTMENTS, (d): Tags => Object.freeze({ department: d })),
  service: byKey(SERVICES, (s): Tags => Object.freeze({ service: s })),
  pair: byKey(FX_PAIRS, (p): Tags => Object.freeze({ pair: p })),
  benchmark: byKey(BENCHMARKS, (b): Tags => Object.freeze({ benchmark: b })),
  ticker: Object.freeze({ ticker: TICKER }) as Tags,
} as const;

/** Rounds a money amount to cents. */
export function cents(amount: number): number {
  return Math.round(amount * 100) / 100;
}
