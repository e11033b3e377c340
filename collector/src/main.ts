#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { demoIncidentRoutes, runDemo } from './app/demo-mode';
import { startCollector } from './app/start-collector';
import { previewRoutes } from './http/routes/preview-routes';
import { AcceleratedClock, systemClock, type Clock } from './core/clock';
import { FinmonError } from './core/errors';
import { createLogger } from './core/logger';
import type { Incident } from './sources/demo-company';
import { readRuntimeSettings } from './runtime/runtime-settings';

/**
 * The collector's entry point: `node collector/dist/main.js [--demo] [--speed X] [--backfill-days N]
 * [--seed N] [--port N]`; everything else comes from FINMON_* environment variables.
 */
async function main(): Promise<void> {
  let settings;
  try {
    settings = readRuntimeSettings(process.env, process.argv.slice(2), process.cwd());
  } catch (err) {
    process.stderr.write(`finmon: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const logger = createLogger({ level: settings.logLevel });
  const clock: Clock =
    settings.demo.enabled && settings.demo.speed !== 1 ? new AcceleratedClock(Date.now(), settings.demo.speed) : systemClock;

  // The demo needs a token to show; a real deployment sets FINMON_ADMIN_TOKEN itself.
  let demoToken: string | undefined;
  if (settings.demo.enabled && settings.adminToken === undefined) {
    demoToken = `fm_demo_${randomBytes(24).toString('base64url')}`;
    settings = { ...settings, adminToken: demoToken };
  }

  let incidents: readonly Incident[] = [];
  let collector;
  try {
    collector = await startCollector({
      settings,
      logger,
      clock,
      extraRoutes: [previewRoutes(), ...(settings.demo.enabled ? [demoIncidentRoutes(() => incidents)] : [])],
    });
  } catch (err) {
    logger.fatal({ err }, 'collector failed to start');
    process.stderr.write(`finmon: ${err instanceof FinmonError ? err.message : String(err)}\n`);
    process.exit(1);
  }

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'stopping');
    await collector.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));

  if (!settings.demo.enabled) collector.startSources(collector.configuredSources);
  if (settings.demo.enabled) {
    const lines = [
      '',
      'finmon demo — Northwind Robotics Inc.',
      `  collector API   ${collector.url}   (health: ${collector.url}/healthz)`,
      `  InfluxDB        ${collector.influxUrl}   database "${settings.influxDatabase}"`,
      demoToken ? `  admin token     ${demoToken}   (this run only; set FINMON_ADMIN_TOKEN to keep one)` : '  admin token     FINMON_ADMIN_TOKEN',
      `  dashboards      ${collector.url}/preview/#token=${demoToken ?? '<FINMON_ADMIN_TOKEN>'}`,
      `  try             curl -H "Authorization: Bearer <token>" ${collector.url}/api/v1/kpis`,
      `  backfilling ${settings.demo.backfillDays} days of history${settings.demo.speed !== 1 ? `, then running ${settings.demo.speed}× faster than real time` : ''}…`,
      '',
    ];
    process.stdout.write(lines.join('\n') + '\n');
    incidents = await runDemo(collector, { seed: settings.demo.seed, backfillDays: settings.demo.backfillDays, clock, logger });
    process.stdout.write(`finmon demo: history stored; ${incidents.length} incidents injected (GET /api/v1/demo/incidents); live data every 5 s. Ctrl-C stops.\n`);
  }
}

void main().catch((err) => {
  process.stderr.write(`finmon: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
