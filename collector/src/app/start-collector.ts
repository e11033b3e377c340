import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { SqlTokenStore } from '../auth/sql-token-store';
import { TokenService } from '../auth/token-service';
import type { KpiDefinition } from '../config/kpi-schema';
import { ConfigWatcher } from '../config/config-watcher';
import type { MetricsConfig } from '../config/metrics-config-schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Point } from '../core/point';
import { registerHealthRoutes } from '../http/routes/health-routes';
import { registerIngestRoutes } from '../http/routes/ingest-routes';
import { registerKpiRoutes } from '../http/routes/kpi-routes';
import { registerTokenRoutes } from '../http/routes/token-routes';
import { registerOpenApi } from '../http/openapi';
import { registerMetricsRoutes } from '../http/routes/metrics-routes';
import { createHttpServer } from '../http/server';
import { CollectorMetrics } from '../observability/collector-metrics';
import { COLLECTOR_VERSION } from '../runtime/version';
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
import { InfluxClient, quoteString } from '../storage/influx/influx-client';
import { InfluxKpiHistorySource } from '../channels/charts/kpi-history-source';
import { startInfluxd, type InfluxdServer } from '../storage/influx/influxd-launcher';
import { InfluxWriter } from '../storage/influx/influx-writer';
import { setupSchema, type SchemaSetupResult } from '../storage/influx/schema-setup';
import { Spool } from '../storage/influx/spool';
import { RollupDailyHistory } from '../storage/influx/rollup-daily-history';
import { builtInRuleKinds } from '../alerting/rules/rule-kind-registry';
import { createAnomalyRuleKind } from '../alerting/rules/kinds/anomaly-kind';
import { forecastRuleKind } from '../alerting/rules/kinds/forecast-kind';
import { BandPointBuffer } from '../analytics/dynamic-thresholds/band-points';
import { ForecastService, forecastKpisOf, weeklyExpenseBudget } from '../analytics/cash-forecast/forecast-service';
import { CompanyCalendar } from '../kpi/company-calendar';
import { registerAlertRoutes } from '../http/routes/alert-routes';
import { GrafanaLivePush } from '../live/grafana-live-push';
import { registerUploadRoutes } from '../http/routes/upload-routes';
import { buildSources } from '../sources/build-sources';
import { AlertingStage } from './alerting-stage';
import { buildChannels, type ChannelSet } from '../channels/build-channels';
import { SqlPushSubscriptionStore } from '../channels/push/sql-push-subscription-store';
import { SqlNewsFeedStore } from '../channels/dashboard/sql-news-feed-store';
import { DashboardRecorder } from '../channels/dashboard/dashboard-recorder';
import { SlackInteractivity, type AlertActions } from '../channels/slack/slack-interactivity';
import { registerFeedRoutes } from '../http/routes/feed-routes';
import { registerPushRoutes } from '../http/routes/push-routes';
import { registerSlackRoutes } from '../http/routes/slack-routes';
import type { NotificationSettings } from '../config/notification-settings-schema';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Channel } from '../notify/channel-port';

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
  /** Rules, alerts, incidents, escalation and notifications. */
  readonly alerting: AlertingStage;
  /** Starts evaluating rules (the demo calls it once its history is fed; otherwise already live). */
  startAlerting(): void;
  /** The pulled sources configured in metrics_config.json `sources` (bank folders, market data, SQL), built and ready to start. */
  readonly configuredSources: readonly PulledSource[];
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
  /** Wraps each notification channel (benchmarks time the hand-over to a channel). */
  instrumentChannel?: (channel: Channel) => Channel;
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
    const live = settings.grafanaLive
      ? new GrafanaLivePush({ target: settings.grafanaLive, clock, logger: logger.child({ component: 'grafana-live' }) })
      : undefined;
    if (live) {
      pipeline.onPoints((points) => live.offer(points));
      stops.push(() => live.stop());
    }
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

    // Pulled sources of the configuration; relative folders are read from the configuration's folder.
    const configured = buildSources({
      config: config.current().metrics,
      baseDir: path.dirname(path.resolve(settings.metricsConfigPath)),
      sink: { accept: (points) => pipeline.accept(points) },
      stateDb: state.db,
      kv,
    });
    stops.push(() => configured.close());

    // Alerting: rules (built-in kinds plus the analytics ones) → lifecycle → incidents → escalation
    // → outbox → channels. The demo starts it paused and resumes it once its history is fed.
    // Channels: a channel whose secret is missing from the environment is left out (logged, and
    // listed in /api/v1/health); the others work. A reload builds a new set and swaps it in.
    const pushSubscriptions = new SqlPushSubscriptionStore(state.db);
    const chartHistory = new InfluxKpiHistorySource(influx, clock);
    const channelLogger = logger.child({ component: 'channels' });
    const makeChannels = (settings: NotificationSettings) =>
      buildChannels(settings, { logger: channelLogger, clock, history: chartHistory, pushSubscriptions, unavailableChannels: 'skip-channel' });
    let channelSet = makeChannels(config.current().notifications);
    stops.push(() => channelSet.close());
    const channelList = (set: ChannelSet) => [...set.channels.values()].map((c) => options.instrumentChannel?.(c) ?? c);
    for (const { channel, reason } of channelSet.unavailable) logger.error({ channel, reason }, `notification channel ${channel} is unavailable: ${reason}`);
    // The dashboard: every alert transition becomes an annotation (through the spool) and a news feed entry.
    const feed = new SqlNewsFeedStore(state.db);
    const recorder = new DashboardRecorder({ feed, annotations: spool });

    const bands = new BandPointBuffer();
    const anomalyKind = createAnomalyRuleKind({ bands });
    const alerting = await AlertingStage.start({
      db: state.db,
      config: config.current(),
      clock,
      logger,
      channels: channelList(channelSet),
      onTransitions: [recorder.listener()],
      registry: builtInRuleKinds().with(anomalyKind).with(forecastRuleKind),
      paused: settings.demo.enabled,
    });
    stops.push(() => alerting.stop());
    pipeline.onPoints((points) => alerting.onPoints(points));
    config.onChange((next) => {
      alerting
        .reconfigure(next)
        .then(() => {
          const previous = channelSet;
          channelSet = makeChannels(next.notifications);
          alerting.notifier.setChannels(channelList(channelSet));
          void previous.close();
        })
        .catch((err) => logger.error({ err }, 'the alerting stages refused the new configuration; the previous one stays in force'));
    });
    // Learned bands and forecasts go to InfluxDB through the durable spool, like every other point.
    const storePoints = async (points: readonly Point[]) => {
      if (points.length > 0) await spool.append(serializeLineProtocol(points));
    };
    const bandTimer = setInterval(() => {
      storePoints(bands.bandPoints()).catch((err) => logger.error({ err }, 'storing learned bands failed'));
    }, 10_000);
    bandTimer.unref();
    stops.push(async () => {
      clearInterval(bandTimer);
      await storePoints(bands.bandPoints());
    });
    const metricsNow = config.current().metrics;
    const forecasts = new ForecastService({
      calendar: new CompanyCalendar(metricsNow.company.timezone, metricsNow.company.weekStartsOn),
      history: new RollupDailyHistory(influx, new CompanyCalendar(metricsNow.company.timezone, metricsNow.company.weekStartsOn), clock),
      // KPIs with forecast rules and cash, plus every KPI with daily totals: the dashboards draw a
      // forecast band on each gauge and detail chart.
      kpis: [...new Set([...forecastKpisOf(metricsNow), ...metricsNow.kpis.filter((k) => k.rollups.includes('daily')).map((k) => k.id)])],
      ...(metricsNow.company.cashForecast === undefined
        ? {}
        : {
            cash: {
              costPerHeadMonthly: metricsNow.company.cashForecast.costPerHeadMonthly,
              budgetedExpensesPerWeek: weeklyExpenseBudget(metricsNow) ?? 0,
              payablesDays: metricsNow.company.cashForecast.payablesDays,
              ...(metricsNow.company.cashForecast.interestBenchmark === undefined ? {} : { interestBenchmark: metricsNow.company.cashForecast.interestBenchmark }),
              interestSpreadPct: metricsNow.company.cashForecast.interestSpreadPct,
            },
          }),
    });
    let forecastRuns: { stop(): void; done(): Promise<void> } | undefined;
    const startForecasts = () => {
      forecastRuns ??= forecasts.start(clock, storePoints, {
        everyMs: 6 * 3_600_000,
        onError: (err) => logger.error({ err }, 'forecast run failed; the next run is on schedule'),
        onRun: (run) => {
          for (const problem of run.problems) logger.warn({ problem }, 'forecast: input missing');
        },
      });
    };
    stops.push(async () => {
      forecastRuns?.stop();
      await forecastRuns?.done();
    });
    if (!settings.demo.enabled) startForecasts();

    // HTTP API.
    const app = createHttpServer({ logger, bodyLimitBytes: settings.bodyLimitBytes });
    const auth = new TokenAuthenticator(tokens);
    let ready = false;
    await registerOpenApi(app, { auth, version: COLLECTOR_VERSION });
    const metrics = new CollectorMetrics({
      alertsByState: () => alerting.engine.stats().alerts,
      outbox: async () => {
        const counts = await alerting.notifier.counts();
        return { pending: counts.pending + counts.held, deadLetters: counts.dead };
      },
      ingest: () => pipeline.stats(),
      storage: () => {
        const w = writer.stats();
        return { spoolRecords: w.spool.records, spoolBytes: w.spool.bytes, shippedPoints: w.shippedPoints, retries: w.retries, lagMs: w.lagMs };
      },
    });
    registerMetricsRoutes(app, { auth, metrics });
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
        grafanaLive: live?.stats() ?? null,
        configuration: {
          generation: config.current().generation,
          loadedAt: new Date(config.current().loadedAt).toISOString(),
          lastError: config.lastError()?.message ?? null,
        },
        sources: scheduler?.health() ?? [],
        alerting: { ...alerting.engine.stats(), learning: anomalyKind.learningStatus().length },
        notifications: {
          outbox: await alerting.notifier.counts(),
          breakers: alerting.notifier.breakerStates(),
          channels: [...channelSet.channels.keys()],
          unavailable: channelSet.unavailable,
        },
      }),
    });
    registerTokenRoutes(app, { auth, tokens });
    const kpiHistory = chartHistory;
    registerKpiRoutes(app, {
      auth,
      catalog: () => config.current().metrics,
      snapshot: () => engine.snapshot(),
      now: () => clock.now(),
      history: (kpi, series, from, to) => (series === undefined ? dailyTotals(influx, kpi, from, to) : kpiHistory.history(kpi, series, from, to)),
      forecast: (kpi) => kpiHistory.forecast(kpi),
    });
    registerAlertRoutes(app, { auth, alerting, now: () => clock.now() });
    registerFeedRoutes(app, { auth, feed });
    registerPushRoutes(app, { auth, subscriptions: pushSubscriptions, clock, vapidPublicKey: () => config.current().notifications.channels.push?.vapidPublicKey });
    if (channelSet.slackSigningSecret !== undefined && channelSet.slackClient !== undefined) {
      const actions: AlertActions = {
        acknowledgeIncident: (id, actor, comment) => alerting.acknowledgeIncident(id, actor, comment),
        silenceIncident: async (id, actor, durationMs) => {
          const details = await alerting.incidents.incident(id, clock.now());
          if (details === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no incident "${id}"`, 404);
          const kpis = details.incident.kpis.map((k) => k.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
          return alerting.incidents.createSilence(
            { matchers: [{ name: 'kpi', op: '=~', value: kpis }], endsAt: clock.now() + durationMs, createdBy: actor.name, comment: `silenced from Slack: ${details.incident.title}` },
            clock.now(),
          );
        },
      };
      await registerSlackRoutes(app, {
        signingSecret: channelSet.slackSigningSecret,
        interactivity: new SlackInteractivity({ actions, chat: channelSet.slackClient.chat, clock, logger }),
        clock,
      });
    }
    await registerUploadRoutes(app, {
      auth,
      config: () => config.current().metrics,
      accept: (points) => pipeline.accept(points),
      clock,
      bodyLimitBytes: settings.bodyLimitBytes,
    });
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
      alerting,
      configuredSources: configured.sources,
      startAlerting() {
        alerting.resume();
        startForecasts();
      },
      startSources(list) {
        if (scheduler) throw new Error('startSources: the sources are already started');
        scheduler = new SourceScheduler({
          sources: list,
          sink: (points) => pipeline.accept(points),
          logger: logger.child({ component: 'sources' }),
          clock,
          timerFactory: new NodeCronTriggerFactory(logger.child({ component: 'cron' })),
          timezone: config.current().metrics.company.timezone,
          onRunFinished: (health) => alerting.onSourceRun(health),
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

/** A KPI's daily totals (the engine's `rollup_daily` points, scope total) between two instants, oldest first. */
async function dailyTotals(influx: InfluxClient, kpi: string, fromMs: number, toMs: number): Promise<{ time: number; value: number }[]> {
  const series = await influx.query(
    `SELECT "value" FROM "rollup_daily" WHERE "kpi" = ${quoteString(kpi)} AND "scope" = 'total' AND time >= ${Math.floor(fromMs)}ms AND time <= ${Math.ceil(toMs)}ms ORDER BY time ASC`,
    { epoch: 'ms' },
  );
  return series.flatMap((s) => s.rows).flatMap((r) => (typeof r.time === 'number' && typeof r.value === 'number' ? [{ time: r.time, value: r.value }] : []));
}

function catalogOf(metrics: MetricsConfig): Map<string, KpiDefinition> {
  return new Map(metrics.kpis.map((k) => [k.id, k]));
}
