import { resolve } from 'node:path';
import type { Kysely } from 'kysely';
import type { MetricsConfig } from '../config/metrics-config-schema';
import { durationMs } from '../config/scalar-schemas';
import { resolveSecretReference, type SecretSources } from '../config/secret-reference';
import type { KpiLookup } from '../ingest/validate-point';
import type { PulledSource } from '../scheduling/pulled-source';
import type { KvStateStore } from '../storage/state/kv-state-store';
import { BankStatementSource } from './bank-statements/bank-statement-source';
import type { ImportedStatementStore } from './bank-statements/imported-statement-store';
import { SqlImportedStatementStore } from './bank-statements/sql-imported-statement-store';
import { EcbRatesSource } from './market-data/ecb/ecb-rates-source';
import { HttpProviderSource, type ProviderAuth } from './market-data/http-provider/http-provider-source';
import type { PointSink } from './bank-statements/point-sink';
import { SqlWarehouseSource } from './sql-warehouse/sql-warehouse-source';

export interface BuildSourcesOptions {
  /** The validated metrics configuration; its `sources` section says what to build. */
  readonly config: MetricsConfig;
  /** Relative folders of the configuration are resolved against it (the collector's working directory). */
  readonly baseDir: string;
  /** Where bank statement points go before a file counts as imported (`IngestPipeline.accept`). */
  readonly sink: PointSink;
  /** The state database (`StateDb.db`), migrated with 0006, for imported statements. */
  readonly stateDb?: Kysely<any>;
  /** Or an explicit store (tests, benchmarks). */
  readonly statementStore?: ImportedStatementStore;
  /** Remembers SQL query windows across restarts. */
  readonly kv?: KvStateStore;
  /** Where `env:` / `file:` secret references are read; default the process environment and files. */
  readonly secrets?: SecretSources;
}

export interface BuiltSources {
  /** The enabled sources, for `RunningCollector.startSources`. */
  readonly sources: PulledSource[];
  /** Releases what the sources hold (SQL connection pools); call after the scheduler stopped. */
  close(): Promise<void>;
}

/**
 * The `sources` section of metrics_config.json → pulled sources for the scheduler: bank statement
 * drop folders, ECB rates, HTTP market data providers and SQL warehouse queries, disabled ones
 * left out. Every secret is resolved here, so a missing variable or file fails the start with a
 * `FinmonError(CONFIG_INVALID)` naming it (never its value), and nothing is half-built: on any
 * error the pools already opened are closed before the error is thrown.
 */
export function buildSources(options: BuildSourcesOptions): BuiltSources {
  const { config } = options;
  const sources = config.sources;
  const built: PulledSource[] = [];
  const closers: Array<() => Promise<void>> = [];
  const close = async () => {
    await Promise.all(closers.map((c) => c().catch(() => undefined)));
  };
  if (!sources) return { sources: built, close };
  const kpis = new Map(config.kpis.map((k) => [k.id, k]));
  const catalog: KpiLookup = (id) => kpis.get(id);
  const dims = (id: string) => kpis.get(id)?.dimensions ?? [];
  const secret = (reference: string) => resolveSecretReference(reference, ...(options.secrets ? [options.secrets] : []));
  const companyZone = config.company.timezone;

  try {
    for (const s of sources.bankStatements) {
      if (!s.enabled) continue;
      const store = options.statementStore ?? (options.stateDb ? new SqlImportedStatementStore(options.stateDb) : undefined);
      if (!store) throw new Error(`buildSources: bank statements "${s.name}" need the state database (stateDb)`);
      const dropDir = resolve(options.baseDir, s.dropDir);
      built.push(
        new BankStatementSource({
          name: s.name,
          schedule: s.schedule,
          dropDir,
          archiveDir: resolve(options.baseDir, s.archiveDir ?? resolve(dropDir, 'imported')),
          quarantineDir: resolve(options.baseDir, s.quarantineDir ?? resolve(dropDir, 'quarantine')),
          settleMs: s.settleSeconds * 1000,
          points: {
            balanceKpi: { id: s.balanceKpi, dimensions: dims(s.balanceKpi) },
            balanceKinds: s.balanceTypes,
            ...(s.cashFlowKpi ? { cashFlowKpi: { id: s.cashFlowKpi, dimensions: dims(s.cashFlowKpi) } } : {}),
            accounts: s.accounts,
            defaultBank: s.defaultBank,
            timezone: s.timezone ?? companyZone,
          },
          store,
          sink: options.sink,
          catalog,
        }),
      );
    }
    for (const s of sources.ecbRates) {
      if (!s.enabled) continue;
      built.push(
        new EcbRatesSource({
          name: s.name,
          schedule: s.schedule,
          url: s.url,
          kpi: s.kpi,
          reportingCurrency: config.company.reportingCurrency,
          requestTimeoutMs: s.timeoutSeconds * 1000,
          ...(s.currencies ? { currencies: s.currencies } : {}),
          ...(s.retry ? { retry: s.retry } : {}),
        }),
      );
    }
    for (const s of sources.httpProviders) {
      if (!s.enabled) continue;
      let auth: ProviderAuth | undefined;
      if (s.auth) {
        const value = `${s.auth.prefix ?? ''}${secret(s.auth.secret)}`;
        auth = s.auth.header !== undefined ? { in: 'header', name: s.auth.header, value } : { in: 'query', name: s.auth.query!, value };
      }
      built.push(
        new HttpProviderSource({
          name: s.name,
          schedule: s.schedule,
          kpi: s.kpi,
          url: s.url,
          symbols: s.symbols,
          mapping: s.format === 'json' ? { format: 'json', ...s.json! } : { format: 'csv', ...s.csv! },
          ...(s.headers ? { headers: s.headers } : {}),
          ...(auth ? { auth } : {}),
          ...(s.scale !== undefined ? { scale: s.scale } : {}),
          ...(s.invert !== undefined ? { invert: s.invert } : {}),
          timezone: s.timezone ?? companyZone,
          requestTimeoutMs: s.timeoutSeconds * 1000,
          requestRetry: s.retry,
          ...(s.rateLimit ? { rateLimit: { requests: s.rateLimit.requests, periodMs: durationMs(s.rateLimit.per) } } : {}),
        }),
      );
    }
    for (const s of sources.sqlWarehouse) {
      if (!s.enabled) continue;
      const source = new SqlWarehouseSource({
        name: s.name,
        schedule: s.schedule,
        connectionString: secret(s.connection),
        query: s.query,
        ...(s.kpi ? { kpi: s.kpi } : {}),
        columns: s.columns,
        lookbackMs: durationMs(s.lookback),
        ...(s.delay ? { delayMs: durationMs(s.delay) } : {}),
        statementTimeoutMs: s.statementTimeoutSeconds * 1000,
        maxRows: s.maxRows,
        catalog,
        ...(options.kv ? { state: options.kv } : {}),
        ...(s.retry ? { retry: s.retry } : {}),
      });
      closers.push(() => source.close());
      built.push(source);
    }
  } catch (error) {
    void close();
    throw error;
  }
  return { sources: built, close };
}
