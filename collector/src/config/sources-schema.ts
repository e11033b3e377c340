import { z } from 'zod';
import type { ReportProblem } from './kpi-checks';
import type { KpiDefinition } from './kpi-schema';
import { cronExpressionSchema, dimensionNameSchema, durationSchema, kpiIdSchema, referenceIdSchema, timeZoneSchema } from './scalar-schemas';
import { secretReferenceSchema } from './secret-reference';

/**
 * The optional `sources` section of metrics_config.json: the pulled data sources the collector
 * runs on cron schedules — bank statement drop folders, the ECB reference rates, HTTP market data
 * providers and SQL warehouse queries. Credentials are secret references (`env:NAME`,
 * `file:/path`), never literals. Relative folders are read from the collector's working directory.
 * Sources start with the collector; a changed `sources` section applies at the next start.
 */

const BALANCE_KIND_VALUES = [
  'opening_booked',
  'closing_booked',
  'interim_booked',
  'opening_available',
  'closing_available',
  'interim_available',
  'forward_available',
] as const;

const currencyCodeSchema = z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as "USD"');

const retrySchema = z
  .object({
    attempts: z.number().int().min(1).max(20).describe('Attempts in all (1 = no retry)'),
    baseDelayMs: z.number().int().min(0).describe('First backoff ceiling; it doubles per failure (full jitter)'),
    maxDelayMs: z.number().int().min(0),
  })
  .strict()
  .refine((r) => r.maxDelayMs >= r.baseDelayMs, { message: 'maxDelayMs must be ≥ baseDelayMs', path: ['maxDelayMs'] });

const common = {
  name: referenceIdSchema.describe('Unique name of the source (logs, Health page)'),
  enabled: z.boolean().default(true).describe('false keeps the source configured but not running'),
};

export const bankStatementSourceSchema = z
  .object({
    ...common,
    dropDir: z.string().min(1).describe('Folder the bank files are dropped into (BAI2, MT940, MT942, camt.053, camt.052)'),
    archiveDir: z.string().min(1).optional().describe('Where imported files go; default <dropDir>/imported'),
    quarantineDir: z.string().min(1).optional().describe('Where unreadable files go with a .reason.txt; default <dropDir>/quarantine'),
    schedule: cronExpressionSchema.default('*/15 * * * *').describe('Cron expression in the company time zone; default every 15 minutes'),
    settleSeconds: z.number().min(0).default(5).describe('A file modified more recently than this is still being written and waits'),
    timezone: timeZoneSchema.optional().describe('Zone of statement times given without an offset; default the company time zone'),
    balanceKpi: kpiIdSchema.default('bank_balance'),
    balanceTypes: z
      .array(z.enum(BALANCE_KIND_VALUES))
      .min(1)
      .default(['closing_booked', 'interim_booked'])
      .describe('Balance types stored as the balance KPI'),
    cashFlowKpi: kpiIdSchema
      .optional()
      .describe('A flow KPI with a currency dimension receiving every booked entry (signed, account currency); absent: entries are only recorded'),
    defaultBank: z.string().min(1).default('unknown').describe('bank tag of accounts the file names no bank for'),
    accounts: z
      .array(
        z
          .object({
            id: z.string().min(1).describe('Account id as in the files (IBAN, account number); spaces and case ignored'),
            account: z.string().min(1).describe('The account tag, e.g. "ops-eur"'),
            bank: z.string().min(1).optional().describe('The bank tag, e.g. "deutsche-bank"'),
          })
          .strict(),
      )
      .default([]),
  })
  .strict();

export const ecbRatesSourceSchema = z
  .object({
    ...common,
    url: z
      .string()
      .regex(/^https?:\/\//, 'an http(s) URL')
      .default('https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml')
      .describe('eurofxref-daily.xml, or eurofxref-hist-90d.xml to backfill 90 days'),
    schedule: cronExpressionSchema.default('15 * * * *'),
    kpi: kpiIdSchema.default('fx_rate'),
    currencies: z.array(currencyCodeSchema).min(1).optional().describe('Currencies to store; default every ECB currency'),
    timeoutSeconds: z.number().positive().default(30),
    retry: retrySchema.optional(),
  })
  .strict();

export const httpProviderSourceSchema = z
  .object({
    ...common,
    kpi: kpiIdSchema.describe('KPI of the points, e.g. stock_price, fx_rate, interest_rate'),
    schedule: cronExpressionSchema,
    url: z.string().regex(/^https?:\/\//, 'an http(s) URL').describe('URL template with {symbol} and {date} (YYYY-MM-DD)'),
    symbols: z
      .array(
        z
          .object({
            symbol: z.string().min(1),
            tags: z.record(dimensionNameSchema, z.string().min(1)).describe('Dimensions of the points, e.g. { "ticker": "NWR" }'),
          })
          .strict(),
      )
      .min(1),
    format: z.enum(['json', 'csv']),
    json: z
      .object({
        records: z.string().optional().describe('Path to an array of records; absent: the document is one record'),
        value: z.string().min(1).describe('Path of the value, e.g. ["Global Quote"]["05. price"] or rates.{symbol}'),
        time: z.string().min(1).optional().describe('Path of the time; absent: the time of the run'),
      })
      .strict()
      .optional(),
    csv: z
      .object({
        value: z.string().min(1).describe('Column of the value'),
        time: z.string().min(1).optional().describe('Column of the time; absent: the last row at the time of the run'),
        delimiter: z.string().length(1).optional(),
      })
      .strict()
      .optional(),
    headers: z.record(z.string().regex(/^[A-Za-z0-9-]+$/), z.string()).optional().describe('Extra request headers that are not secret (Accept, …)'),
    auth: z
      .object({
        header: z.string().regex(/^[A-Za-z0-9-]+$/).optional().describe('Header carrying the credential, e.g. Authorization'),
        query: z.string().min(1).optional().describe('Query parameter carrying the credential, e.g. apikey'),
        prefix: z.string().optional().describe('Written before the secret, e.g. "Bearer "'),
        secret: secretReferenceSchema,
      })
      .strict()
      .refine((a) => (a.header === undefined) !== (a.query === undefined), { message: 'give exactly one of header or query' })
      .optional(),
    scale: z.number().finite().refine((n) => n !== 0, 'must not be 0').optional().describe('Multiplies every value'),
    invert: z.boolean().optional().describe('Stores 1 / value (a pair quoted the other way round)'),
    timezone: timeZoneSchema.optional().describe('Zone of {date} and of times without an offset; default the company time zone'),
    timeoutSeconds: z.number().positive().default(10).describe('Budget of one request'),
    retry: retrySchema.default({ attempts: 3, baseDelayMs: 1_000, maxDelayMs: 30_000 }).describe('Retries of one request'),
    rateLimit: z
      .object({ requests: z.number().int().min(1), per: durationSchema })
      .strict()
      .optional()
      .describe('At most `requests` requests per `per` (token bucket), e.g. { "requests": 5, "per": "1m" }'),
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.format === 'json' && p.json === undefined) ctx.addIssue({ code: 'custom', path: ['json'], message: 'format "json" needs a json mapping { value, time?, records? }' });
    if (p.format === 'csv' && p.csv === undefined) ctx.addIssue({ code: 'custom', path: ['csv'], message: 'format "csv" needs a csv mapping { value, time?, delimiter? }' });
    if (p.format === 'json' && p.csv !== undefined) ctx.addIssue({ code: 'custom', path: ['csv'], message: 'a csv mapping with format "json"' });
    if (p.format === 'csv' && p.json !== undefined) ctx.addIssue({ code: 'custom', path: ['json'], message: 'a json mapping with format "csv"' });
    const unknown = [...p.url.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]).filter((n) => n !== 'symbol' && n !== 'date');
    if (unknown.length > 0) ctx.addIssue({ code: 'custom', path: ['url'], message: `unknown placeholder {${unknown[0]}}; use {symbol} or {date} (credentials go in auth)` });
    for (const name of Object.keys(p.headers ?? {})) {
      if (['authorization', 'x-api-key', 'cookie'].includes(name.toLowerCase())) {
        ctx.addIssue({ code: 'custom', path: ['headers', name], message: `header ${name} carries a credential; give it as auth { header, secret: "env:NAME" }` });
      }
    }
  });

export const sqlWarehouseSourceSchema = z
  .object({
    ...common,
    connection: secretReferenceSchema.describe('PostgreSQL connection string as a secret reference, e.g. "env:WAREHOUSE_URL"'),
    schedule: cronExpressionSchema,
    query: z
      .string()
      .min(1)
      .refine((q) => /\$1(?![0-9])/.test(q) && /\$2(?![0-9])/.test(q), {
        message: 'the query must filter on the time window with $1 (start, inclusive) and $2 (end, exclusive); values are bind parameters, never text',
      }),
    kpi: kpiIdSchema.optional().describe('KPI of every row, unless columns.kpi names a column'),
    columns: z
      .object({
        kpi: z.string().min(1).optional(),
        value: z.string().min(1),
        time: z.string().min(1),
        tags: z.record(dimensionNameSchema, z.string().min(1)).optional().describe('Dimension → column'),
      })
      .strict(),
    lookback: durationSchema.default('1d').describe('Reach of the first window'),
    delay: durationSchema.optional().describe('The window ends this long before now (late commits)'),
    statementTimeoutSeconds: z.number().positive().default(30),
    maxRows: z.number().int().min(1).default(100_000),
    retry: retrySchema.optional(),
  })
  .strict()
  .refine((s) => (s.kpi === undefined) !== (s.columns.kpi === undefined), { message: 'give exactly one of kpi or columns.kpi', path: ['kpi'] });

export const sourcesConfigSchema = z
  .object({
    bankStatements: z.array(bankStatementSourceSchema).default([]),
    ecbRates: z.array(ecbRatesSourceSchema).default([]),
    httpProviders: z.array(httpProviderSourceSchema).default([]),
    sqlWarehouse: z.array(sqlWarehouseSourceSchema).default([]),
  })
  .strict()
  .describe('Pulled data sources: bank statement folders, ECB rates, HTTP market data, SQL warehouse queries');

export type SourcesConfig = z.infer<typeof sourcesConfigSchema>;
export type BankStatementSourceConfig = z.infer<typeof bankStatementSourceSchema>;
export type EcbRatesSourceConfig = z.infer<typeof ecbRatesSourceSchema>;
export type HttpProviderSourceConfig = z.infer<typeof httpProviderSourceSchema>;
export type SqlWarehouseSourceConfig = z.infer<typeof sqlWarehouseSourceSchema>;

/**
 * Checks between `sources` and the KPI catalog: unique source names; every KPI named exists and is
 * not derived; the balance KPI has a currency dimension; the cash-flow KPI is a flow with a
 * currency dimension (entries are in the account's currency, the engine converts); the ECB KPI has
 * a `pair` dimension; provider symbol tags and SQL tag columns are dimensions of their KPI.
 */
export function checkSourcesConfig(config: { sources?: SourcesConfig | undefined; kpis: readonly KpiDefinition[] }, report: ReportProblem): void {
  const sources = config.sources;
  if (!sources) return;
  const kpis = new Map(config.kpis.map((k) => [k.id, k]));
  const names = new Map<string, string>();
  const kinds = ['bankStatements', 'ecbRates', 'httpProviders', 'sqlWarehouse'] as const;
  for (const kind of kinds) {
    sources[kind].forEach((source, i) => {
      const first = names.get(source.name);
      if (first) report(['sources', kind, i, 'name'], `source name "${source.name}" is already used by ${first}`);
      else names.set(source.name, `sources.${kind}[${i}]`);
    });
  }
  const pushable = (path: (string | number)[], id: string): KpiDefinition | undefined => {
    const kpi = kpis.get(id);
    if (!kpi) report(path, `unknown KPI "${id}" (not in kpis)`);
    else if (kpi.formula !== undefined) report(path, `KPI "${id}" is derived from a formula; a source cannot write it`);
    else return kpi;
    return undefined;
  };
  sources.bankStatements.forEach((s, i) => {
    const base = ['sources', 'bankStatements', i];
    const balance = pushable([...base, 'balanceKpi'], s.balanceKpi);
    if (balance && balance.currencyDimension === undefined) {
      report([...base, 'balanceKpi'], `KPI "${s.balanceKpi}" has no currencyDimension; balances are in each account's currency`);
    }
    if (s.cashFlowKpi !== undefined) {
      const flow = pushable([...base, 'cashFlowKpi'], s.cashFlowKpi);
      if (flow && flow.kind !== 'flow') report([...base, 'cashFlowKpi'], `KPI "${s.cashFlowKpi}" is a ${flow.kind}; entries need a flow KPI (values add up per day)`);
      else if (flow && flow.currencyDimension === undefined) {
        report(
          [...base, 'cashFlowKpi'],
          `KPI "${s.cashFlowKpi}" has no currencyDimension; entries are in each account's currency, so the cash-flow KPI needs dimensions such as account, bank, currency with currencyDimension "currency"`,
        );
      }
    }
  });
  sources.ecbRates.forEach((s, i) => {
    const kpi = pushable(['sources', 'ecbRates', i, 'kpi'], s.kpi);
    if (kpi && !kpi.dimensions.includes('pair')) report(['sources', 'ecbRates', i, 'kpi'], `KPI "${s.kpi}" has no dimension "pair"; ECB rates are stored as pair=<CCY><REPORTING>`);
  });
  sources.httpProviders.forEach((s, i) => {
    const kpi = pushable(['sources', 'httpProviders', i, 'kpi'], s.kpi);
    if (!kpi) return;
    s.symbols.forEach((symbol, j) => {
      for (const tag of Object.keys(symbol.tags)) {
        if (!kpi.dimensions.includes(tag)) {
          report(['sources', 'httpProviders', i, 'symbols', j, 'tags', tag], `"${tag}" is not a dimension of KPI "${s.kpi}" (${kpi.dimensions.join(', ') || 'it has none'})`);
        }
      }
    });
  });
  sources.sqlWarehouse.forEach((s, i) => {
    if (s.kpi === undefined) return;
    const kpi = pushable(['sources', 'sqlWarehouse', i, 'kpi'], s.kpi);
    if (!kpi) return;
    for (const tag of Object.keys(s.columns.tags ?? {})) {
      if (!kpi.dimensions.includes(tag)) report(['sources', 'sqlWarehouse', i, 'columns', 'tags', tag], `"${tag}" is not a dimension of KPI "${s.kpi}"`);
    }
  });
}
