import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { Logger } from '../../core/logger';
import { renderInfluxdConfig } from './influxd-config';

/** Options of `startInfluxd`. */
export interface StartInfluxdOptions {
  /** Folder for the instance's config, meta, data and WAL; created when missing. */
  readonly dataDir: string;
  /** HTTP API port on 127.0.0.1; a free one is picked when omitted. */
  readonly httpPort?: number;
  /** RPC (backup) port on 127.0.0.1; a free one is picked when omitted. */
  readonly bindPort?: number;
  readonly logger: Logger;
  /** influxd binary; default `/usr/bin/influxd`, else `influxd` found on PATH. */
  readonly influxdPath?: string;
  /** How long to wait for `/ping` to answer 204. Default 20 s. */
  readonly startTimeoutMs?: number;
  /** How long `stop()` waits after SIGTERM before sending SIGKILL. Default 5 s. */
  readonly stopGraceMs?: number;
}

/** A running influxd started by `startInfluxd`. */
export interface InfluxdServer {
  /** Base URL of the HTTP API, e.g. `http://127.0.0.1:18086`. */
  readonly url: string;
  readonly httpPort: number;
  readonly bindPort: number;
  readonly dataDir: string;
  readonly process: ChildProcess;
  /** Resolves when the process has exited (whatever the reason). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** SIGTERM, then SIGKILL after the grace period; resolves once the process has exited. Idempotent. */
  stop(): Promise<void>;
  /** Sends `signal` (default SIGKILL, e.g. to simulate a crash) and resolves once the process has exited. */
  kill(signal?: NodeJS.Signals): Promise<void>;
}

export const INFLUXD_MISSING_MESSAGE =
  'InfluxDB is not installed: apt-get install -y influxdb (or set FINMON_INFLUX_URL to a running InfluxDB)';

const DEFAULT_BINARY = '/usr/bin/influxd';
const STDERR_TAIL_BYTES = 4096;
const PORT_ATTEMPTS = 3;

/**
 * Finds the influxd binary: an explicit path, else /usr/bin/influxd, else `influxd` on PATH.
 * Throws FinmonError(INFLUXD_MISSING) when none is executable.
 */
export function findInfluxdBinary(explicitPath?: string, envPath: string = process.env.PATH ?? ''): string {
  const candidates = explicitPath
    ? [explicitPath]
    : [DEFAULT_BINARY, ...envPath.split(path.delimiter).filter(Boolean).map((d) => path.join(d, 'influxd'))];
  for (const candidate of candidates) {
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not this one
    }
  }
  throw new FinmonError(ErrorCodes.INFLUXD_MISSING, INFLUXD_MISSING_MESSAGE, 503, false);
}

/** Asks the kernel for a currently free TCP port on 127.0.0.1. */
export async function findFreePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('could not read the port of a probe socket'));
      });
    });
  });
}

/** Children still alive; killed if the parent exits without stopping them (e.g. a crashed test run). */
const liveChildren = new Set<ChildProcess>();
let exitHookInstalled = false;
function trackChild(child: ChildProcess): void {
  liveChildren.add(child);
  child.once('exit', () => liveChildren.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.once('exit', () => {
      for (const c of liveChildren) c.kill('SIGKILL');
    });
  }
}

/** Keeps the last `limit` bytes of a stream, for error messages. */
class OutputTail {
  private text = '';
  constructor(private readonly limit: number) {}
  push(chunk: Buffer | string): void {
    this.text += chunk.toString();
    if (this.text.length > this.limit * 2) this.text = this.text.slice(-this.limit);
  }
  toString(): string {
    return this.text.slice(-this.limit).trim();
  }
}

/**
 * Starts a private influxd: writes `<dataDir>/influxdb.conf` (see `renderInfluxdConfig`), spawns
 * `influxd run -config …` and waits until `/ping` answers 204. Free ports are picked when not
 * given (retried when the port was taken in between). Throws FinmonError(INFLUXD_MISSING) when the
 * binary is absent and FinmonError(INFLUXD_START_FAILED) — with the tail of influxd's stderr — when
 * it exits early or does not answer within `startTimeoutMs`.
 */
export async function startInfluxd(options: StartInfluxdOptions): Promise<InfluxdServer> {
  const binary = findInfluxdBinary(options.influxdPath);
  const dataDir = path.resolve(options.dataDir);
  fs.mkdirSync(dataDir, { recursive: true });
  const portsGiven = options.httpPort !== undefined && options.bindPort !== undefined;
  const attempts = portsGiven ? 1 : PORT_ATTEMPTS;
  let lastError: unknown;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    const httpPort = options.httpPort ?? (await findFreePort());
    let bindPort = options.bindPort ?? (await findFreePort());
    while (bindPort === httpPort) bindPort = await findFreePort();
    try {
      return await launchOnce(binary, dataDir, httpPort, bindPort, options);
    } catch (error) {
      lastError = error;
      const portTaken = error instanceof FinmonError && /address already in use/i.test(error.message);
      if (!portTaken) throw error;
      options.logger.warn({ httpPort, bindPort, attempt }, 'influxd port taken; retrying with other ports');
    }
  }
  throw lastError;
}

async function launchOnce(
  binary: string,
  dataDir: string,
  httpPort: number,
  bindPort: number,
  options: StartInfluxdOptions,
): Promise<InfluxdServer> {
  const logger = options.logger;
  const configPath = path.join(dataDir, 'influxdb.conf');
  fs.writeFileSync(configPath, renderInfluxdConfig({ dataDir, httpPort, bindPort }));
  const url = `http://127.0.0.1:${httpPort}`;

  const child = spawn(binary, ['run', '-config', configPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, INFLUXDB_REPORTING_DISABLED: 'true' },
  });
  trackChild(child);
  const stderrTail = new OutputTail(STDERR_TAIL_BYTES);
  child.stderr?.on('data', (chunk: Buffer) => {
    stderrTail.push(chunk);
    logger.debug({ influxd: chunk.toString().trimEnd() }, 'influxd stderr');
  });
  child.stdout?.on('data', (chunk: Buffer) => {
    stderrTail.push(chunk);
    logger.debug({ influxd: chunk.toString().trimEnd() }, 'influxd stdout');
  });

  let exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      exitInfo = { code, signal };
      resolve(exitInfo);
    });
    child.once('error', (error) => {
      stderrTail.push(`spawn error: ${error.message}`);
      exitInfo = { code: null, signal: null };
      resolve(exitInfo);
    });
  });

  const startTimeoutMs = options.startTimeoutMs ?? 20_000;
  const deadline = Date.now() + startTimeoutMs;
  for (;;) {
    if (exitInfo) {
      throw new FinmonError(
        ErrorCodes.INFLUXD_START_FAILED,
        `influxd (${binary}, data dir ${dataDir}) exited during start-up ` +
          `(code ${exitInfo.code ?? 'none'}, signal ${exitInfo.signal ?? 'none'}); its output ended with:\n${stderrTail}`,
        503,
        false,
      );
    }
    if (await pingOnce(url)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      await exited;
      throw new FinmonError(
        ErrorCodes.INFLUXD_START_FAILED,
        `influxd (${binary}, data dir ${dataDir}) did not answer ${url}/ping within ${startTimeoutMs} ms; ` +
          `its output ended with:\n${stderrTail}`,
        503,
        false,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  logger.info({ url, dataDir, pid: child.pid }, 'influxd started');

  const stopGraceMs = options.stopGraceMs ?? 5_000;
  let stopping: Promise<void> | undefined;
  const kill = async (signal: NodeJS.Signals = 'SIGKILL'): Promise<void> => {
    if (!exitInfo) child.kill(signal);
    await exited;
  };
  const stop = (): Promise<void> => {
    stopping ??= (async () => {
      if (exitInfo) return;
      child.kill('SIGTERM');
      let timer: NodeJS.Timeout | undefined;
      const graceOver = new Promise<'timeout'>((r) => {
        timer = setTimeout(() => r('timeout'), stopGraceMs);
      });
      const outcome = await Promise.race([exited, graceOver]);
      clearTimeout(timer);
      if (outcome === 'timeout') {
        logger.warn({ pid: child.pid, stopGraceMs }, 'influxd ignored SIGTERM; sending SIGKILL');
        child.kill('SIGKILL');
        await exited;
      }
      logger.info({ url }, 'influxd stopped');
    })();
    return stopping;
  };
  return { url, httpPort, bindPort, dataDir, process: child, exited, stop, kill };
}

async function pingOnce(url: string): Promise<boolean> {
  try {
    const response = await fetch(`${url}/ping`, { signal: AbortSignal.timeout(1000) });
    await response.arrayBuffer();
    return response.status === 204;
  } catch {
    return false;
  }
}
