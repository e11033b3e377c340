import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { silentLogger, type Logger } from '../../../core/logger';
import { startInfluxd, type InfluxdServer } from '../influxd-launcher';

/** A private influxd in a temporary folder, for tests. */
export interface ThrowawayInfluxd {
  readonly url: string;
  readonly dataDir: string;
  /** The running server (replaced by `restart`). */
  readonly server: InfluxdServer;
  /** Starts influxd again on the same data dir and ports (after `server.kill()` or `server.stop()`). */
  restart(): Promise<void>;
  /** Stops influxd and deletes the temporary folder. */
  cleanup(): Promise<void>;
}

/** Starts influxd in a fresh temp folder on free loopback ports. */
export async function startThrowawayInfluxd(options: { logger?: Logger } = {}): Promise<ThrowawayInfluxd> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-influxd-test-'));
  const dataDir = path.join(root, 'influxdb');
  const logger = options.logger ?? silentLogger();
  let server = await startInfluxd({ dataDir, logger, stopGraceMs: 3000 });
  const { httpPort, bindPort } = server;
  return {
    url: server.url,
    dataDir,
    get server() {
      return server;
    },
    async restart() {
      await server.stop();
      server = await startInfluxd({ dataDir, httpPort, bindPort, logger, stopGraceMs: 3000 });
    },
    async cleanup() {
      await server.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

/**
 * Jest helper: one influxd for the calling test file, started in `beforeAll` and removed in
 * `afterAll`. Read `.url` (etc.) inside tests, not at module load.
 */
export function useThrowawayInfluxd(): ThrowawayInfluxd {
  let instance: ThrowawayInfluxd | undefined;
  beforeAll(async () => {
    instance = await startThrowawayInfluxd();
  }, 30_000);
  afterAll(async () => {
    await instance?.cleanup();
  }, 30_000);
  const current = (): ThrowawayInfluxd => {
    if (!instance) throw new Error('useThrowawayInfluxd(): the influxd is available inside tests only');
    return instance;
  };
  return {
    get url() {
      return current().url;
    },
    get dataDir() {
      return current().dataDir;
    },
    get server() {
      return current().server;
    },
    restart: () => current().restart(),
    cleanup: () => current().cleanup(),
  };
}
