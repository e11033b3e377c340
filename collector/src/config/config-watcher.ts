import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { basename, dirname, resolve } from 'node:path';
import { systemClock, type Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import { ConfigValidationError, parseConfigPair, stripBom, unreadable, type ConfigPair } from './config-loader';

/**
 * Keeps the configuration in force while people edit it. Both files are watched (fs.watch on their
 * directories, so editors that save by renaming are seen, plus a slow poll as a fallback where
 * fs.watch misses events); changes are debounced, then both files are read and validated together.
 * A valid edit replaces the whole configuration at once and listeners receive it; a broken edit is
 * rejected, logged and exposed through `lastError()` while the last good configuration stays in
 * force. Nothing is ever half-applied: a valid metrics file with a broken notifications file
 * changes nothing.
 */

/** The configuration in force. */
export interface ActiveConfig extends ConfigPair {
  /** When this configuration was applied (epoch ms, from the injected clock). */
  readonly loadedAt: number;
  /** 1 for the configuration loaded at start, +1 for each applied change. */
  readonly generation: number;
}

export type ConfigChangeListener = (next: ActiveConfig, previous: ActiveConfig) => void;

/** What a check of the files did. */
export type ReloadOutcome = 'applied' | 'unchanged' | 'rejected';

export interface ConfigWatcherOptions {
  readonly metricsPath: string;
  readonly notificationsPath: string;
  /** A child logger, e.g. `logger.child({ component: 'config-watcher' })`. */
  readonly logger: Logger;
  /** Stamps `loadedAt`. Default: the system clock. */
  readonly clock?: Clock;
  /** Quiet time after the last file event before reloading (editors write in bursts). Default 250 ms. */
  readonly debounceMs?: number;
  /** Poll interval of the fallback check; 0 turns polling off. Default 5000 ms. */
  readonly pollIntervalMs?: number;
  /** Use fs.watch. Default true; tests of the polling path turn it off. */
  readonly useFsWatch?: boolean;
}

export class ConfigWatcher {
  private active: ActiveConfig;
  private error: FinmonError | undefined;
  private readonly listeners = new Set<ConfigChangeListener>();
  private readonly watchers: FSWatcher[] = [];
  private debounceTimer: NodeJS.Timeout | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  /** Checks run one after another. */
  private queue: Promise<unknown> = Promise.resolve();
  /** The texts last validated and, if they were rejected, why; unchanged files are not revalidated. */
  private lastValidated: { readonly texts: readonly [string, string]; readonly error?: FinmonError };
  private closed = false;
  private readonly metricsPath: string;
  private readonly notificationsPath: string;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly debounceMs: number;

  private constructor(options: ConfigWatcherOptions, initial: ConfigPair, texts: readonly [string, string]) {
    this.metricsPath = resolve(options.metricsPath);
    this.notificationsPath = resolve(options.notificationsPath);
    this.clock = options.clock ?? systemClock;
    this.log = options.logger;
    this.debounceMs = options.debounceMs ?? 250;
    this.active = Object.freeze({ ...initial, loadedAt: this.clock.now(), generation: 1 });
    this.lastValidated = { texts };
  }

  /**
   * Loads both files and starts watching them. Throws `ConfigValidationError` (CONFIG_INVALID) or
   * `FinmonError(CONFIG_UNREADABLE)` when the configuration at start is not usable: there is no
   * last good configuration to fall back on yet.
   */
  static async start(options: ConfigWatcherOptions): Promise<ConfigWatcher> {
    const texts = await readBoth(resolve(options.metricsPath), resolve(options.notificationsPath));
    const pair = parseConfigPair({ text: texts[0], file: options.metricsPath }, { text: texts[1], file: options.notificationsPath });
    const watcher = new ConfigWatcher(options, pair, texts);
    watcher.startWatching(options.useFsWatch ?? true, options.pollIntervalMs ?? 5000);
    watcher.log.info({ metrics: watcher.metricsPath, notifications: watcher.notificationsPath, kpis: pair.metrics.kpis.length }, 'configuration loaded');
    return watcher;
  }

  /** The configuration in force (deeply frozen). */
  current(): ActiveConfig {
    return this.active;
  }

  /**
   * Calls `listener(next, previous)` after each applied change. Returns a function that removes it.
   * A listener that throws is logged and does not stop the others.
   */
  onChange(listener: ConfigChangeListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Why the files on disk are not in force, or undefined when they are: set when an edit is
   * rejected, cleared when a valid edit is applied (or the files return to the configuration in
   * force).
   */
  lastError(): FinmonError | undefined {
    return this.error;
  }

  /** Reads and validates both files now (e.g. on SIGHUP), without waiting for a file event. */
  reloadNow(): Promise<ReloadOutcome> {
    const run = this.queue.then(() => this.check());
    this.queue = run.catch(() => undefined);
    return run;
  }

  /** Stops watching and polling. Listeners are not called afterwards. */
  close(): void {
    this.closed = true;
    for (const w of this.watchers) w.close();
    this.watchers.length = 0;
    clearTimeout(this.debounceTimer);
    clearInterval(this.pollTimer);
  }

  private startWatching(useFsWatch: boolean, pollIntervalMs: number): void {
    if (useFsWatch) {
      const files = new Map<string, Set<string>>();
      for (const path of [this.metricsPath, this.notificationsPath]) {
        const dir = dirname(path);
        files.set(dir, (files.get(dir) ?? new Set()).add(basename(path)));
      }
      for (const [dir, names] of files) {
        try {
          const watcher = watch(dir, { persistent: false }, (_event, filename) => {
            if (filename === null || names.has(filename.toString())) this.scheduleCheck();
          });
          watcher.on('error', (err) => this.log.warn({ err, dir }, 'fs.watch failed; relying on polling'));
          this.watchers.push(watcher);
        } catch (err) {
          this.log.warn({ err, dir }, 'fs.watch unavailable; relying on polling');
        }
      }
    }
    if (pollIntervalMs > 0) {
      this.pollTimer = setInterval(() => this.scheduleCheck(), pollIntervalMs);
      this.pollTimer.unref();
    }
  }

  private scheduleCheck(): void {
    if (this.closed) return;
    clearTimeout(this.debounceTimer);
    this.debounceTimer = setTimeout(() => {
      this.reloadNow().catch((err: unknown) => this.log.error({ err }, 'configuration check failed'));
    }, this.debounceMs);
    this.debounceTimer.unref();
  }

  private async check(): Promise<ReloadOutcome> {
    if (this.closed) return 'unchanged';
    let texts: readonly [string, string];
    try {
      texts = await readBoth(this.metricsPath, this.notificationsPath);
    } catch (err) {
      return this.reject(err instanceof FinmonError ? err : new FinmonError(ErrorCodes.CONFIG_UNREADABLE, String(err)));
    }
    const last = this.lastValidated;
    if (texts[0] === last.texts[0] && texts[1] === last.texts[1]) {
      // Same files as last validated: still rejected if they were, fine again if they were fine
      // (e.g. after a moment when a file could not be read).
      if (last.error) return this.reject(last.error);
      this.error = undefined;
      return 'unchanged';
    }
    let pair: ConfigPair;
    try {
      pair = parseConfigPair({ text: texts[0], file: this.metricsPath }, { text: texts[1], file: this.notificationsPath });
    } catch (err) {
      if (!(err instanceof FinmonError)) throw err;
      this.lastValidated = { texts, error: err };
      return this.reject(err);
    }
    this.lastValidated = { texts };
    this.error = undefined;
    if (sameConfig(pair, this.active)) return 'unchanged';
    return this.apply(pair);
  }

  private apply(pair: ConfigPair): ReloadOutcome {
    const previous = this.active;
    const next: ActiveConfig = Object.freeze({ ...pair, loadedAt: this.clock.now(), generation: previous.generation + 1 });
    this.active = next;
    this.log.info({ generation: next.generation, kpis: next.metrics.kpis.length }, 'configuration change applied');
    for (const listener of [...this.listeners]) {
      if (this.closed) break;
      try {
        listener(next, previous);
      } catch (err) {
        this.log.error({ err }, 'configuration change listener failed');
      }
    }
    return 'applied';
  }

  private reject(error: FinmonError): ReloadOutcome {
    const repeated = this.error?.message === error.message;
    this.error = error;
    if (!repeated) {
      const problems = error instanceof ConfigValidationError ? error.problems.length : undefined;
      this.log.error({ code: error.code, problems, generation: this.active.generation }, `configuration change rejected; keeping the configuration in force\n${error.message}`);
    }
    return 'rejected';
  }
}

async function readBoth(metricsPath: string, notificationsPath: string): Promise<[string, string]> {
  const read = (path: string, what: string) =>
    readFile(path, 'utf8').then(stripBom, (err: unknown) => {
      throw unreadable(path, what, err);
    });
  return Promise.all([read(metricsPath, 'metrics config'), read(notificationsPath, 'notification settings')]);
}

/** Same content: both are plain data from the same schemas, so key order is stable. */
function sameConfig(a: ConfigPair, b: ConfigPair): boolean {
  return JSON.stringify(a.metrics) === JSON.stringify(b.metrics) && JSON.stringify(a.notifications) === JSON.stringify(b.notifications);
}
