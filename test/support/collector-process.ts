import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findFreePort } from '../../collector/src/storage/influx/influxd-launcher';
import { COLLECTOR_NODE_FLAGS } from '../../collector/src/runtime/node-flags';

/**
 * The real collector as a child process (`node collector/dist/main.js`), for system tests: spawn
 * it, wait until GET /healthz answers 200, stop it (SIGTERM), crash it (SIGKILL) and start it
 * again on the same data dir and port. Everything it prints is kept for assertions and for the
 * error messages of failed waits.
 */

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const COLLECTOR_MAIN = path.join(REPO_ROOT, 'collector', 'dist', 'main.js');
const COLLECTOR_SRC = path.join(REPO_ROOT, 'collector', 'src');

/** A 40-character admin token, fixed so that failures are reproducible. */
export const TEST_ADMIN_TOKEN = 'fm_systemtest_admin_0123456789abcdefghijk';

/** How the collector is started; the FINMON_* variables are derived from it. */
export interface CollectorProcessOptions {
  /** FINMON_DATA_DIR (spool, state database, a spawned influxd's data). */
  readonly dataDir: string;
  readonly metricsConfigPath: string;
  readonly notificationSettingsPath: string;
  /** FINMON_INFLUX_URL; undefined lets the collector spawn its own influxd. */
  readonly influxUrl?: string;
  /** FINMON_ADMIN_TOKEN; default TEST_ADMIN_TOKEN. */
  readonly adminToken?: string;
  /** FINMON_PORT; a free port is picked when omitted. */
  readonly port?: number;
  /** Command-line arguments after main.js, e.g. ['--demo', '--backfill-days', '5']. */
  readonly args?: readonly string[];
  /** Extra environment variables (e.g. FINMON_LOG_LEVEL). */
  readonly env?: Readonly<Record<string, string>>;
  /** How long `start` waits for /healthz. Default 60 s. */
  readonly readyTimeoutMs?: number;
}

export interface ProcessExit {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

const TAIL_CHARS = 3000;

/** Children still alive; killed if the jest worker exits without stopping them. */
const liveChildren = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of liveChildren) child.kill('SIGKILL');
});

let staleWarningShown = false;

/**
 * Fails when collector/dist/main.js is missing; warns (once per jest worker) when a source file is
 * newer than the build, since a system test then runs code other than the code under review.
 */
export function assertCollectorBuilt(): void {
  if (!fs.existsSync(COLLECTOR_MAIN)) {
    throw new Error(`${COLLECTOR_MAIN} does not exist: run "npm run build" in ${REPO_ROOT} before the system tests`);
  }
  if (staleWarningShown) return;
  const built = fs.statSync(COLLECTOR_MAIN).mtimeMs;
  const newer = newestSource(COLLECTOR_SRC);
  if (newer && newer.mtimeMs > built) {
    staleWarningShown = true;
    console.warn(
      `collector/dist is older than ${path.relative(REPO_ROOT, newer.file)}: the system tests run the last build; ` +
        `run "npm run build" in ${REPO_ROOT} to test the current sources`,
    );
  }
}

function newestSource(dir: string): { file: string; mtimeMs: number } | undefined {
  let newest: { file: string; mtimeMs: number } | undefined;
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name === 'test-support') continue;
      const inner = newestSource(full);
      if (inner && (!newest || inner.mtimeMs > newest.mtimeMs)) newest = inner;
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      const mtimeMs = fs.statSync(full).mtimeMs;
      if (!newest || mtimeMs > newest.mtimeMs) newest = { file: full, mtimeMs };
    }
  }
  return newest;
}

/** One run of the collector process. `restart()` makes the next run on the same data dir and port. */
export class CollectorProcess {
  /** Base URL of the API, e.g. http://127.0.0.1:41234. */
  readonly url: string;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<ProcessExit>;
  private stdoutText = '';
  private stderrText = '';
  private exitInfo: ProcessExit | undefined;

  private constructor(
    readonly options: CollectorProcessOptions & { readonly port: number },
    private readonly child: ChildProcess,
  ) {
    this.url = `http://127.0.0.1:${options.port}`;
    child.stdout?.setEncoding('utf8').on('data', (chunk: string) => (this.stdoutText += chunk));
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (this.stderrText += chunk));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        liveChildren.delete(child);
        this.exitInfo = { code, signal };
        resolve(this.exitInfo);
      });
    });
  }

  /**
   * Spawns the collector without waiting for it (use `waitReady`, or `exited` for a start that
   * must fail). The working folder is the data dir's parent, so nothing lands in the repository.
   */
  static spawn(options: CollectorProcessOptions & { readonly port: number }): CollectorProcess {
    assertCollectorBuilt();
    // The runner's own FINMON_* variables (and NODE_OPTIONS) must not leak into the process under test.
    const env: NodeJS.ProcessEnv = Object.fromEntries(
      Object.entries(process.env).filter(([name]) => !name.startsWith('FINMON_') && name !== 'NODE_OPTIONS'),
    );
    Object.assign(env, {
      FINMON_HOST: '127.0.0.1',
      FINMON_PORT: String(options.port),
      FINMON_DATA_DIR: options.dataDir,
      FINMON_METRICS_CONFIG: options.metricsConfigPath,
      FINMON_NOTIFICATION_SETTINGS: options.notificationSettingsPath,
      FINMON_ADMIN_TOKEN: options.adminToken ?? TEST_ADMIN_TOKEN,
      ...(options.influxUrl !== undefined ? { FINMON_INFLUX_URL: options.influxUrl } : {}),
      ...options.env,
    });
    const child = spawn(process.execPath, [...COLLECTOR_NODE_FLAGS, COLLECTOR_MAIN, ...(options.args ?? [])], {
      cwd: path.dirname(options.dataDir),
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    liveChildren.add(child);
    return new CollectorProcess(options, child);
  }

  /**
   * Spawns the collector and waits until GET /healthz answers 200. A port taken between picking
   * and listening is retried with another free port (when the caller did not fix the port).
   */
  static async start(options: CollectorProcessOptions): Promise<CollectorProcess> {
    for (let attempt = 1; ; attempt++) {
      const port = options.port ?? (await findFreePort());
      const collector = CollectorProcess.spawn({ ...options, port });
      try {
        await collector.waitReady(options.readyTimeoutMs ?? 60_000);
        return collector;
      } catch (error) {
        const portTaken = /EADDRINUSE/.test(collector.stderr + collector.stdout);
        await collector.kill();
        if (!portTaken || options.port !== undefined || attempt >= 3) throw error;
      }
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  /** Everything the process wrote to stdout so far (pino's JSON lines, the demo's banner). */
  get stdout(): string {
    return this.stdoutText;
  }

  get stderr(): string {
    return this.stderrText;
  }

  /** Undefined while the process runs. */
  get exit(): ProcessExit | undefined {
    return this.exitInfo;
  }

  /** The last lines of stderr and stdout, for error messages. */
  describeOutput(): string {
    const tail = (text: string) => (text.length > TAIL_CHARS ? `…${text.slice(-TAIL_CHARS)}` : text).trim() || '(nothing)';
    return `collector pid ${this.pid} on ${this.url}\n--- stderr tail ---\n${tail(this.stderrText)}\n--- stdout tail ---\n${tail(this.stdoutText)}`;
  }

  /** Polls GET /healthz until 200; throws with the output tail when the process exits or time runs out. */
  async waitReady(timeoutMs: number): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    let last = 'no answer yet';
    for (;;) {
      if (this.exitInfo) {
        throw new Error(
          `collector exited (code ${this.exitInfo.code}, signal ${this.exitInfo.signal}) before GET /healthz answered 200\n${this.describeOutput()}`,
        );
      }
      try {
        const response = await fetch(`${this.url}/healthz`, { signal: AbortSignal.timeout(2000) });
        await response.arrayBuffer();
        if (response.status === 200) return;
        last = `HTTP ${response.status}`;
      } catch (error) {
        last = (error as Error).message;
      }
      if (Date.now() > deadline) {
        throw new Error(`GET ${this.url}/healthz did not answer 200 within ${timeoutMs} ms (last: ${last})\n${this.describeOutput()}`);
      }
      await delay(100);
    }
  }

  /** Polls the output until `pattern` appears in stdout or stderr; throws with the tail otherwise. */
  async waitForOutput(pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const match = this.stdoutText.match(pattern) ?? this.stderrText.match(pattern);
      if (match) return match;
      if (this.exitInfo) throw new Error(`collector exited before printing ${pattern}\n${this.describeOutput()}`);
      if (Date.now() > deadline) throw new Error(`collector did not print ${pattern} within ${timeoutMs} ms\n${this.describeOutput()}`);
      await delay(100);
    }
  }

  /** SIGTERM, then SIGKILL if the process is still running after `graceMs`. Resolves with how it exited. */
  async stop(graceMs = 15_000): Promise<ProcessExit> {
    if (this.exitInfo) return this.exitInfo;
    this.child.kill('SIGTERM');
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), graceMs)));
    const outcome = await Promise.race([this.exited, graceOver]);
    clearTimeout(timer);
    if (outcome === 'timeout') {
      this.child.kill('SIGKILL');
      await this.exited;
      throw new Error(`collector ignored SIGTERM for ${graceMs} ms and was killed\n${this.describeOutput()}`);
    }
    return outcome;
  }

  /** SIGKILL (a crash: no shutdown code runs). Resolves once the process is gone. */
  async kill(): Promise<ProcessExit> {
    if (!this.exitInfo) this.child.kill('SIGKILL');
    return this.exited;
  }

  /** Starts a new collector process with the same options, data dir and port (stop or kill this one first). */
  async restart(): Promise<CollectorProcess> {
    if (!this.exitInfo) throw new Error('CollectorProcess.restart(): stop or kill the running process first');
    return CollectorProcess.start(this.options);
  }
}

/** A temp folder holding copies of the repository's configuration files and an empty data dir. */
export interface CollectorWorkspace {
  readonly root: string;
  readonly dataDir: string;
  readonly metricsConfigPath: string;
  readonly notificationSettingsPath: string;
  /** Options for `CollectorProcess.start` pointing at this workspace. */
  collectorOptions(extra?: Partial<CollectorProcessOptions>): CollectorProcessOptions;
  /** Deletes the folder. */
  remove(): void;
}

/** Creates a workspace in the OS temp folder; `name` shows up in the folder's name. */
export function createWorkspace(name: string): CollectorWorkspace {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), `finmon-system-${name}-`));
  const dataDir = path.join(root, 'data');
  const metricsConfigPath = path.join(root, 'metrics_config.json');
  const notificationSettingsPath = path.join(root, 'notification_settings.yaml');
  fs.copyFileSync(path.join(REPO_ROOT, 'metrics_config.json'), metricsConfigPath);
  fs.copyFileSync(path.join(REPO_ROOT, 'notification_settings.yaml'), notificationSettingsPath);
  return {
    root,
    dataDir,
    metricsConfigPath,
    notificationSettingsPath,
    collectorOptions: (extra = {}) => ({ dataDir, metricsConfigPath, notificationSettingsPath, ...extra }),
    remove: () => fs.rmSync(root, { recursive: true, force: true }),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
