/**
 * Load for the ingest benchmark: `seriesCount` series of real catalog KPIs with realistic tags
 * (accounts, regions, departments, services…), sent as InfluxDB line protocol in fixed-size batches.
 * Every batch uses a fresh timestamp per series, so no point overwrites another and counts in
 * InfluxDB can be checked exactly.
 */

interface SeriesFamily {
  kpi: string;
  /** Tag name → how many distinct values to cycle through. */
  tags: Array<[name: string, values: readonly string[]]>;
  base: number;
  /** How far a value strays from `base`, as a fraction of it (values stay inside base·(1 ± noise)). */
  noise: number;
}

const REGIONS = ['na', 'emea', 'apac', 'latam', 'anz', 'dach', 'nordics', 'uki', 'france', 'iberia'];
const PRODUCTS = ['platform', 'services', 'hardware', 'support', 'training', 'licenses', 'addons', 'marketplace'];
const DEPARTMENTS = ['engineering', 'sales', 'marketing', 'operations', 'finance', 'g_and_a', 'legal', 'support', 'product', 'people'];
const CURRENCIES = ['USD', 'EUR', 'GBP', 'SGD', 'JPY', 'CHF', 'CAD', 'AUD'];
const BANKS = ['jpm', 'citi', 'hsbc', 'dbs', 'bnp', 'barclays'];
const SERVICES = ['api', 'web', 'payments', 'reporting', 'auth', 'search', 'billing', 'exports'];

function numbered(prefix: string, n: number): string[] {
  return Array.from({ length: n }, (_, i) => `${prefix}-${String(i).padStart(3, '0')}`);
}

const FAMILIES: SeriesFamily[] = [
  { kpi: 'bank_balance', tags: [['account', numbered('acct', 500)], ['bank', BANKS], ['currency', CURRENCIES]], base: 2_500_000, noise: 0.002 },
  { kpi: 'revenue', tags: [['region', REGIONS], ['product', PRODUCTS]], base: 40_000, noise: 0.05 },
  { kpi: 'expenses', tags: [['department', DEPARTMENTS], ['region', REGIONS]], base: 25_000, noise: 0.05 },
  { kpi: 'platform_uptime', tags: [['service', [...SERVICES, ...numbered('svc', 92)]]], base: 99.97, noise: 0.0002 },
  { kpi: 'response_time_p95', tags: [['service', [...SERVICES, ...numbered('svc', 92)]]], base: 180, noise: 0.1 },
  { kpi: 'new_customers', tags: [['region', REGIONS], ['channel', ['direct', 'partner', 'self_serve']]], base: 12, noise: 0.2 },
];

/** The KPIs the load writes to (each family's measurement). */
export const LOAD_KPIS: readonly string[] = FAMILIES.map((f) => f.kpi);

/** Builds `count` series as line-protocol prefixes (`kpi,tag=v,… value=`), cycling families. */
export function buildSeriesPrefixes(count: number): string[] {
  const prefixes: string[] = [];
  const seen = new Set<string>();
  let i = 0;
  while (prefixes.length < count) {
    const family = FAMILIES[i % FAMILIES.length]!;
    const k = Math.floor(i / FAMILIES.length);
    let key = family.kpi;
    let divisor = 1;
    for (const [name, values] of family.tags) {
      key += `,${name}=${values[Math.floor(k / divisor) % values.length]}`;
      divisor *= values.length;
    }
    // Beyond a family's combinations, add a distinguishing tag value suffix to the first tag.
    if (seen.has(key)) {
      const [first, values] = family.tags[0]!;
      key = key.replace(`${first}=${values[k % values.length]}`, `${first}=${values[k % values.length]}-${Math.floor(k / divisor)}`);
    }
    if (!seen.has(key)) {
      seen.add(key);
      prefixes.push(`${key} value=`);
    }
    i++;
  }
  return prefixes;
}

/** The family of a prefix's KPI, so values look like the KPI they pretend to be. */
function familyOf(prefix: string): SeriesFamily {
  const kpi = prefix.slice(0, prefix.indexOf(','));
  const family = FAMILIES.find((f) => f.kpi === kpi);
  if (family === undefined) throw new Error(`no load family for KPI "${kpi}"`);
  return family;
}

/**
 * How values move. 'steady': each KPI strays within its own realistic range (uptime 99.95–99.99 %,
 * balances ±0.2 %, latency ±10 %…), so the example rules stay quiet as they would on a normal
 * day. 'flapping': every value strays ±1 %, which drives uptime across its 99.9 % threshold on
 * nearly every point — an alert storm of thousands of series, to see what it costs.
 */
export type LoadValues = 'steady' | 'flapping';

/**
 * Produces batches: batch b covers series [b*size, (b+1)*size) modulo the series count, at
 * timestamp startNs + round * stepNs where round = floor(b*size / seriesCount).
 */
export class BatchMaker {
  private readonly bases: number[];
  private readonly noises: number[];
  constructor(
    private readonly prefixes: readonly string[],
    private readonly batchSize: number,
    private readonly startNs: bigint,
    private readonly stepNs: bigint = 1_000_000_000n,
    values: LoadValues = 'steady',
  ) {
    const families = prefixes.map(familyOf);
    this.bases = families.map((f) => f.base);
    this.noises = families.map((f) => (values === 'flapping' ? 0.01 : f.noise));
  }

  /** The body of batch number `b` (0-based). */
  batch(b: number): string {
    const n = this.prefixes.length;
    const first = b * this.batchSize;
    const parts: string[] = new Array(this.batchSize);
    for (let j = 0; j < this.batchSize; j++) {
      const idx = first + j;
      const s = idx % n;
      const round = Math.floor(idx / n);
      const ts = this.startNs + BigInt(round) * this.stepNs;
      const value = this.bases[s]! * (1 + this.noises[s]! * Math.sin(idx));
      parts[j] = `${this.prefixes[s]}${value.toFixed(2)} ${ts}`;
    }
    return parts.join('\n') + '\n';
  }
}
