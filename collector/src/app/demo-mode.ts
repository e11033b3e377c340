import type { FastifyInstance } from 'fastify';
import { durationMs } from '../config/kpi-schema';
import type { MetricsConfig } from '../config/metrics-config-schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import { DemoFeed, type PointGenerator } from '../demo/demo-feed';
import { requireScope, type RequestAuthenticator } from '../http/authenticate';
import type { PulledSource } from '../scheduling/pulled-source';
import { DemoCompany, defaultIncidentSpecs, type Incident } from '../sources/demo-company';
import { backfillDownsample } from '../storage/influx/downsampling';
import type { KvStateStore } from '../storage/state/kv-state-store';
import type { RunningCollector } from './start-collector';

const DAY_MS = 86_400_000;

/** Where the demo company's history starts; kept in the state store so a restart replays the same history. */
interface DemoAnchor {
  seed: number;
  backfillDays: number;
  /** Start of the visible history (epoch ms, a UTC midnight). */
  start: number;
}

export interface DemoOptions {
  seed: number;
  backfillDays: number;
  clock: Clock;
  logger: Logger;
}

/** The demo company, anchored: history start kept across restarts, incidents placed in the visible year. */
export async function anchorDemoCompany(kv: KvStateStore, options: DemoOptions): Promise<{ company: DemoCompany; anchor: DemoAnchor }> {
  const stored = (await kv.get('demo', 'anchor'))?.value as DemoAnchor | undefined;
  const anchor =
    stored && stored.seed === options.seed && stored.backfillDays === options.backfillDays
      ? stored
      : {
          seed: options.seed,
          backfillDays: options.backfillDays,
          start: Math.floor((options.clock.now() - options.backfillDays * DAY_MS) / DAY_MS) * DAY_MS,
        };
  if (anchor !== stored) await kv.set('demo', 'anchor', anchor);
  // The simulation starts a year before the visible history, so 365-day ratios (debt/EBITDA,
  // interest coverage, inventory turn) have a full window from the first visible day.
  const company = new DemoCompany({
    seed: anchor.seed,
    start: anchor.start - 365 * DAY_MS,
    incidents: defaultIncidentSpecs(anchor.start),
  });
  return { company, anchor };
}

/** The KPIs produced once a day or less often: all the warm-up year needs for the 365-day windows. */
export function dailyKpis(metrics: MetricsConfig): string[] {
  return metrics.kpis.filter((k) => k.formula === undefined && durationMs(k.cadence) >= DAY_MS).map((k) => k.id);
}

/**
 * Runs the demo on a started collector: backfills the warm-up year (daily KPIs) and the visible
 * history (every KPI), downsamples it for the dashboards, then feeds live data every 5 seconds
 * through the source scheduler. Returns the recorded incidents.
 */
export async function runDemo(collector: RunningCollector, options: DemoOptions): Promise<Incident[]> {
  const { clock, logger } = options;
  const { company, anchor } = await anchorDemoCompany(collector.kv, options);
  const feed = new DemoFeed({
    generator: company,
    accept: (points) => collector.pipeline.accept(points),
    afterChunk: () => collector.pipeline.flushRollups(),
    clock,
  });
  const daily = dailyKpis(collector.config.current().metrics);
  const dailyOnly: PointGenerator = { generate: (from, to) => company.generate(from, to, { kpis: daily }) };

  const began = Date.now();
  const now = clock.now();
  const warmup = await feed.backfill(anchor.start - 365 * DAY_MS, anchor.start, dailyOnly);
  const visible = await feed.backfill(anchor.start, now);
  logger.info({ warmupPoints: warmup, points: visible, seconds: (Date.now() - began) / 1000 }, 'demo history fed; writing it to InfluxDB');
  await collector.drain(300_000);
  await backfillDownsample(collector.influx, anchor.start - 365 * DAY_MS, now, collector.schema.downsample);
  logger.info({ seconds: (Date.now() - began) / 1000 }, 'demo history stored and downsampled');

  const live: PulledSource = {
    name: 'demo-company',
    schedule: '*/5 * * * * *',
    timeoutMs: 60_000,
    run: async () => {
      await feed.tick();
      return [];
    },
  };
  // Rules evaluate the live feed from here on: the backfilled history pages nobody.
  collector.startAlerting();
  collector.startSources([live, ...collector.configuredSources]);
  return company.incidents();
}

/** GET /api/v1/demo/incidents: the demo's injected incidents with their times (read scope). */
export function demoIncidentRoutes(incidents: () => readonly Incident[]) {
  return (app: FastifyInstance, auth: RequestAuthenticator): void => {
    app.get('/api/v1/demo/incidents', { preHandler: requireScope(auth, 'read') }, async () => ({
      incidents: incidents().map((i) => ({ ...i, start: new Date(i.start).toISOString(), end: new Date(i.end).toISOString() })),
    }));
  };
}
