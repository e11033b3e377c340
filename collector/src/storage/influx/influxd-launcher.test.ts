import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { silentLogger } from '../../core/logger';
import { renderInfluxdConfig } from './influxd-config';
import { findFreePort, findInfluxdBinary, INFLUXD_MISSING_MESSAGE, startInfluxd } from './influxd-launcher';

const logger = silentLogger();
const roots: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'finmon-launcher-test-'));
  roots.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of roots) fs.rmSync(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<FinmonError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof FinmonError) return error;
    throw error;
  }
  throw new Error('expected a rejection');
}

describe('renderInfluxdConfig', () => {
  it('puts meta, data and WAL inside the data dir and both listeners on loopback', () => {
    const text = renderInfluxdConfig({ dataDir: '/srv/fin mon', httpPort: 18086, bindPort: 18088 });
    expect(text).toContain('dir = "/srv/fin mon/meta"');
    expect(text).toContain('dir = "/srv/fin mon/data"');
    expect(text).toContain('wal-dir = "/srv/fin mon/wal"');
    expect(text).toMatch(/^bind-address = "127\.0\.0\.1:18088"$/m);
    expect(text).toMatch(/\[http\][^[]*bind-address = "127\.0\.0\.1:18086"/);
    expect(text).toMatch(/^reporting-enabled = false$/m);
  });
});

describe('startInfluxd', () => {
  it('says how to install InfluxDB when the binary is missing', async () => {
    expect(() => findInfluxdBinary(undefined, '')).not.toThrow(); // /usr/bin/influxd is installed here
    const error = await rejection(startInfluxd({ dataDir: tempDir(), logger, influxdPath: '/nonexistent/influxd' }));
    expect(error.code).toBe(ErrorCodes.INFLUXD_MISSING);
    expect(error.message).toBe(INFLUXD_MISSING_MESSAGE);
    expect(error.message).toBe(
      'InfluxDB is not installed: apt-get install -y influxdb (or set FINMON_INFLUX_URL to a running InfluxDB)',
    );
  });

  it('starts influxd with its files in the data dir, answers /ping, and stops it', async () => {
    const dataDir = tempDir();
    const server = await startInfluxd({ dataDir, logger });
    try {
      const ping = await fetch(`${server.url}/ping`);
      expect(ping.status).toBe(204);
      await fetch(`${server.url}/query`, { method: 'POST', body: new URLSearchParams({ q: 'CREATE DATABASE d' }) });
      const write = await fetch(`${server.url}/write?db=d`, { method: 'POST', body: 'm value=1' });
      expect(write.status).toBe(204);
      expect(fs.readdirSync(dataDir).sort()).toEqual(['data', 'influxdb.conf', 'meta', 'wal']);
    } finally {
      await server.stop();
    }
    expect(server.process.exitCode !== null || server.process.signalCode !== null).toBe(true);
    await server.stop(); // idempotent
    await expect(fetch(`${server.url}/ping`)).rejects.toThrow();
  });

  it('fails with INFLUXD_START_FAILED and influxd\'s own words when its port is taken', async () => {
    const blocker = net.createServer((socket) => socket.destroy());
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    const taken = (blocker.address() as net.AddressInfo).port;
    try {
      const error = await rejection(
        startInfluxd({ dataDir: tempDir(), logger, httpPort: taken, bindPort: await findFreePort() }),
      );
      expect(error.code).toBe(ErrorCodes.INFLUXD_START_FAILED);
      expect(error.message).toMatch(/exited during start-up/);
      expect(error.message).toMatch(/address already in use/);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('escalates to SIGKILL when the server ignores SIGTERM', async () => {
    // A stand-in "influxd" that serves /ping on the configured port and ignores SIGTERM.
    const dir = tempDir();
    const fake = path.join(dir, 'stubborn-influxd');
    fs.writeFileSync(
      fake,
      `#!${process.execPath}
const fs = require('fs');
const conf = fs.readFileSync(process.argv[4], 'utf8');
const port = Number(/\\[http\\][^[]*bind-address = "127\\.0\\.0\\.1:(\\d+)"/.exec(conf)[1]);
process.on('SIGTERM', () => {});
require('http').createServer((req, res) => { res.statusCode = 204; res.end(); }).listen(port, '127.0.0.1');
`,
      { mode: 0o755 },
    );
    const server = await startInfluxd({ dataDir: path.join(dir, 'data'), logger, influxdPath: fake, stopGraceMs: 300 });
    const started = Date.now();
    await server.stop();
    expect(Date.now() - started).toBeGreaterThanOrEqual(280);
    expect((await server.exited).signal).toBe('SIGKILL');
  });
});
