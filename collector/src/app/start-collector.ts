import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SqlTokenStore } from '../auth/sql-token-store';
import { TokenService } from '../auth/token-service';
import type { KpiDefinition } from '../config/kpi-schema';
import { ConfigWatcher } from '../config/config-watcher';
import type { MetricsConfig } from '../config/metrics-config-schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { registerHealthRoutes } from '../http/routes/health-routes';
import { registerIngestRoutes } from '../http/routes/ingest-routes';
import { registerKpiRoutes } from '../http/routes/kpi-routes';
import { registerTokenRoutes } from '../http/routes/token-routes';
import { createHttpServer } from '../http/server';
import { TokenAuthenticator } from '../http/token-authenticator';
import type { RequestAuthenticator } from '../http/authenticate';
import { ingestJsonBatch, ingestLineProtocol, parsePrecision } from '../ingest/ingest-batch';
import { serializeLineProtocol } from '../ingest/line-protocol/serialize-line-protocol';
import { KpiEngine } from '../kpi/kpi-engine';
import { IngestPipeline } from '../pipeline/ingest-pipeline';
import type { RuntimeSettings } from '../runtime/runtime-settings';
import { NodeCronTriggerFactory } from '../scheduling/node-cron-trigger';
import type { PulledSource } from '../scheduling/pulled-source';
import { SourceScheduler } from '../scheduling/source-scheduler';
import { SqlKvStateStore } from '../storage/state/sql-kv-state-store';
import { openStateDb } from '../storage/state/open-state-db';
import { warmUpEngine } from '../storage/influx/engine-warmup';
import { InfluxClient } from '../storage/influx/influx-client';
import { startInfluxd, type InfluxdServer } from '../storage/influx/influxd-launcher';
import { InfluxWriter } from '../storage/influx/influx-writer';
import { setupSchema, type SchemaSetupResult } from '../storage/influx/schema-setup';
import { Spool } from '../storage/influx/spool';

/** A running collector and the handles the entry point, the demo and the tests need. */
export interface RunningCollector {
  /** Base URL of the API, e.g. http://127.0.0.1:8080. */
  readonly url: string;
  readonly influxUrl: string;
  readonly influx: InfluxClient;
  readonly schema: SchemaSetupResult;
  readonly pipeline: IngestPipeline;
  readonly writer: InfluxWriter;
  readonly spool: Spool;
  readonly tokens: TokenService;
  readonly kv: SqlKvStateStore;
  readonly config: ConfigWatcher;
  /** Adds pulled sources (the demo company, bank folders, market data…) to the scheduler and starts them. */
  startSources(sources: readonly PulledSource[]): void;
  /** Waits until everything accepted so far is in InfluxDB. */
  drain(timeoutMs?: number): Promise<void>;
  stop(): Promise<void>;
}

export interface StartCollectorOptions {
  settings: RuntimeSettings;
  logger: Logger;
  clock: Clock;
  /** How often deferred rollups are written (real time). Default 10 s. */
  rollupFlushMs?: number;
  /** Extra routes to register before the server starts listening (the demo's incidents). */
  extraRoutes?: Array<(app: FastifyInstance, auth: RequestAuthenticator) => void | Promise<void>>;
}

/**
 * Starts every stage of the collector: configuration (watched) → storage (InfluxDB, spool,
 * shipper) → state (tokens, key/value) → KPI engine (warmed up from InfluxDB) → ingest pipeline →
 * HTTP API → pulled sources. Stops them in reverse.
 */
export async function startCollector(options: StartCollectorOptions): Promise<RunningCollector> {
  const { settings, logger, clock } = options;
  const stops: Array<() => Promise<void> | void> = [];
  const stopAll = async () => {
    for (const stop of stops.reverse()) {
      try {
        await stop();
      } catch (err) {
        logger.error({ err }, 'error while stopping');
      }
    }
  };

  try {
    // Configuration first, so a broken file is reported as such whatever else is down. It is
    // watched: a valid edit applies to every stage at once; a broken one changes nothing.
    const config = await ConfigWatcher.start({
      metricsPath: settings.metricsConfigPath,
      notificationsPath: settings.notificationSettingsPath,
      logger: logger.child({ component: 'config-watcher' }),
      clock,
    });
    stops.push(() => config.close());
    // Storage: InfluxDB (spawned when no URL is configured), the durable spool and its shipper.
    let influxd: InfluxdServer | undefined;
    let influxUrl = settings.influxUrl;
    if (influxUrl === undefined) {
      influxd = await startInfluxd({ dataDir: path.join(settings.dataDir, 'influxdb'), logger: logger.child({ component: 'influxd' }) });
      stops.push(() => influxd!.stop());
      influxUrl = influxd.url;
    }
    const influx = new InfluxClient({
      url: influxUrl,
      database: settings.influxDatabase,
      username: settings.influxUsername,
      password: settings.influxPassword,
    });
    const schema = await setupSchema(influx, { database: settings.influxDatabase, logger: logger.child({ component: 'influx-schema' }) });

    const spool = await Spool.open({ dir: path.join(settings.dataDir, 'spool'), logger: logger.child({ component: 'spool' }), clock });
    stops.push(() => spool.close());
    // The writer keeps one batch in flight: InfluxDB applies concurrent writes in any order, so a
    // correction (same series and time) shipped beside an older batch could lose to it (test/influx-outage.test.ts).
    // Batches of up to 20,000 lines: with one write at a time, bigger batches keep InfluxDB busy.
    const writer = new InfluxWriter({ spool, client: influx, logger: logger.child({ component: 'influx-writer' }), clock, maxBatchLines: 20_000 });
    writer.start();
    stops.push(() => writer.stop());

    // State: API tokens and small durable state.
    const state = await openStateDb({ ...settings.stateDb, logger: logger.child({ component: 'state-db' }) });
    stops.push(() => state.close());
    const tokens = new TokenService({ store: new SqlTokenStore(state.db), clock, logger: logger.child({ component: 'tokens' }) });
    if (settings.adminToken !== undefined) {
      const outcome = await tokens.ensureBootstrapToken(settings.adminToken, 'bootstrap admin (FINMON_ADMIN_TOKEN)');
      if (outcome.status === 'revoked') {
        logger.warn('FINMON_ADMIN_TOKEN names a revoked token; it stays revoked: set a new value');
      }
    }
    const kv = new SqlKvStateStore(state.db, clock);

    // KPI engine, warmed up from InfluxDB (the demo replays its history instead: both would count it
    // twice) once the spool's backlog is shipped; on failure it starts empty rather than half-filled.
    const engineConfig = config.current().metrics;
    const newEngine = () => new KpiEngine({ config: engineConfig, clock, rollups: 'deferred', requireFullWindows: true });
    let engine = newEngine();
    if (!settings.demo.enabled) {
      try {
        await writer.flush({ timeoutMs: 60_000 });
        const warm = await warmUpEngine({
          influx,
          engine,
          metrics: engineConfig,
          now: clock.now(),
          logger: logger.child({ component: 'kpi-warmup' }),
        });
        logger.info({ points: warm.points, rows: warm.buckets, ms: warm.elapsedMs }, 'KPI engine warmed up from InfluxDB');
      } catch (err) {
        logger.error({ err }, 'KPI engine warm-up from InfluxDB failed; starting empty (windowed KPIs wait for their history)');
        engine = newEngine();
      }
    }
    const pipeline = new IngestPipeline({
      spool,
      engine,
      serialize: serializeLineProtocol,
      logger,
      now: () => clock.now(),
    });
    const flushRollups = () =>
      pipeline.flushRollups().catch((err) => logger.error({ err }, 'storing rollups failed; they are retried at the next flush'));
    const rollupTimer = setInterval(() => void flushRollups(), options.rollupFlushMs ?? 10_000);
    rollupTimer.unref();
    stops.push(async () => {
      clearInterval(rollupTimer);
      await flushRollups();
    });
    let catalog = catalogOf(engineConfig);
    const applyConfig = (metrics: MetricsConfig, generation: number) => {
      void flushRollups();
      try {
        engine.reconfigure(metrics);
        catalog = catalogOf(metrics);
        logger.info({ generation, kpis: metrics.kpis.length }, 'configuration applied');
      } catch (err) {
        logger.error({ err }, 'the KPI engine refused the new configuration; the previous one stays in force');
      }
    };
    config.onChange((next) => applyConfig(next.metrics, next.generation));
    // An edit applied while the engine was warming up reaches it now.
    if (config.current().metrics !== engineConfig) applyConfig(config.current().metrics, config.current().generation);

    // HTTP API.
    const app = createHttpServer({ logger, bodyLimitBytes: settings.bodyLimitBytes });
    const auth = new TokenAuthenticator(tokens);
    let ready = false;
    await registerIngestRoutes(app, {
      auth,
      parseLineProtocol: (body, precision) =>
        ingestLineProtocol(body, { catalog: (id) => catalog.get(id), clock, precision: parsePrecision(precision) }),
      parseJsonBatch: (body) => ingestJsonBatch(body, { catalog: (id) => catalog.get(id), clock }),
      accept: (points, received) => pipeline.accept(points, received),
      bodyLimitBytes: settings.bodyLimitBytes,
    });
    let scheduler: SourceScheduler | undefined;
    registerHealthRoutes(app, {
      auth,
      isReady: () => ready,
      details: async () => ({
        storage: {
          influxUrl: influx.url,
          database: settings.influxDatabase,
          spool: spool.depth(),
          writer: writer.stats(),
        },
        ingest: pipeline.stats(),
        configuration: {
          generation: config.current().generation,
          loadedAt: new Date(config.current().loadedAt).toISOString(),
          lastError: config.lastError()?.message ?? null,
        },
        sources: scheduler?.health() ?? [],
      }),
    });
    registerTokenRoutes(app, { auth, tokens });
    registerKpiRoutes(app, { auth, catalog: () => config.current().metrics, snapshot: () => engine.snapshot() });
    for (const register of options.extraRoutes ?? []) await register(app, auth);
    await app.listen({ host: settings.host, port: settings.port });
    stops.push(() => app.close());
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : settings.port;
    const url = `http://${settings.host.includes(':') ? `[${settings.host}]` : settings.host}:${port}`;
    stops.push(() => scheduler?.stop());
    ready = true;
    logger.info({ url, influx: influx.url, stateDb: state.kind }, 'collector ready');

    return {
      url,
      influxUrl: influx.url,
      influx,
      schema,
      pipeline,
      writer,
      spool,
      tokens,
      kv,
      config,
      startSources(list) {
        if (scheduler) throw new Error('startSources: the sources are already started');
        scheduler = new SourceScheduler({
          sources: list,
          sink: (points) => pipeline.accept(points),
          logger: logger.child({ component: 'sources' }),
          clock,
          timerFactory: new NodeCronTriggerFactory(logger.child({ component: 'cron' })),
          timezone: config.current().metrics.company.timezone,
        });
        scheduler.start();
      },
      async drain(timeoutMs = 120_000) {
        await flushRollups();
        await writer.flush({ timeoutMs });
      },
      stop: async () => {
        ready = false;
        await stopAll();
      },
    };
  } catch (err) {
    await stopAll();
    throw err;
  }
}

function catalogOf(metrics: MetricsConfig): Map<string, KpiDefinition> {
  return new Map(metrics.kpis.map((k) => [k.id, k]));
}
