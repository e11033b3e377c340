import { copyFileSync, mkdtempSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import { silentLogger } from '../core/logger';
import { ConfigWatcher, type ActiveConfig, type ConfigWatcherOptions } from './config-watcher';

const FIXTURES = join(__dirname, 'fixtures/good');

/** Polls `predicate` every 10 ms until it holds; fails after `timeoutMs`. */
async function waitFor(predicate: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** Writes through a temporary file and a rename, as most editors save. */
function saveAtomically(path: string, text: string): void {
  writeFileSync(`${path}.tmp`, text);
  renameSync(`${path}.tmp`, path);
}

describe('ConfigWatcher', () => {
  let dir: string;
  let metricsPath: string;
  let notificationsPath: string;
  let watcher: ConfigWatcher | undefined;
  let clock: ManualClock;
  const metricsText = readFileSync(join(FIXTURES, 'metrics_config.json'), 'utf8');
  const notificationsText = readFileSync(join(FIXTURES, 'notification_settings.yaml'), 'utf8');

  const start = async (options: Partial<ConfigWatcherOptions> = {}) => {
    watcher = await ConfigWatcher.start({
      metricsPath,
      notificationsPath,
      logger: silentLogger(),
      clock,
      debounceMs: 20,
      pollIntervalMs: 0,
      // Tests that call reloadNow() keep fs.watch off so a watch-triggered reload cannot race them.
      useFsWatch: false,
      ...options,
    });
    return watcher;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'finmon-watch-'));
    metricsPath = join(dir, 'metrics_config.json');
    notificationsPath = join(dir, 'notification_settings.yaml');
    copyFileSync(join(FIXTURES, 'metrics_config.json'), metricsPath);
    copyFileSync(join(FIXTURES, 'notification_settings.yaml'), notificationsPath);
    clock = new ManualClock(Date.UTC(2025, 0, 6, 14, 0));
  });

  afterEach(() => {
    watcher?.close();
    watcher = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with the files on disk as generation 1', async () => {
    const w = await start();
    expect(w.current()).toMatchObject({ generation: 1, loadedAt: clock.now() });
    expect(w.current().metrics.kpis.map((k) => k.id)).toEqual(['fx_rate', 'bank_balance', 'cash_position', 'revenue']);
    expect(w.lastError()).toBeUndefined();
  });

  it('refuses to start on a broken configuration', async () => {
    writeFileSync(metricsPath, '{ "version": 1');
    await expect(start()).rejects.toMatchObject({ code: ErrorCodes.CONFIG_INVALID });
  });

  it('applies a valid edit seen by fs.watch and hands listeners the new frozen config', async () => {
    const w = await start({ useFsWatch: true });
    const seen: [ActiveConfig, ActiveConfig][] = [];
    w.onChange((next, previous) => seen.push([next, previous]));
    clock.advance(60_000);
    saveAtomically(metricsPath, metricsText.replace('"monthly": 5000000', '"monthly": 5500000'));
    await waitFor(() => seen.length === 1, 'the change to be applied');
    const [next, previous] = seen[0]!;
    expect(next.metrics.kpis[3]!.target).toEqual({ monthly: 5500000 });
    expect(previous.metrics.kpis[3]!.target).toEqual({ monthly: 5000000 });
    expect(next).toMatchObject({ generation: 2, loadedAt: clock.now() });
    expect(Object.isFrozen(next.metrics.kpis[3]!.target)).toBe(true);
    expect(w.current()).toBe(next);
  });

  it('rejects a broken edit, logs and exposes the error, and keeps the last good config', async () => {
    const logged: string[] = [];
    const logger = silentLogger();
    logger.error = ((obj: unknown, msg?: string) => {
      logged.push(String(msg ?? obj));
    }) as typeof logger.error;
    const w = await start({ logger, useFsWatch: true });
    const before = w.current();
    const listener = jest.fn();
    w.onChange(listener);
    saveAtomically(metricsPath, metricsText.replace('"below": 4000000', '"below": "four million"'));
    await waitFor(() => w.lastError() !== undefined, 'the edit to be rejected');
    const error = w.lastError()!;
    expect(error).toBeInstanceOf(FinmonError);
    expect(error.code).toBe(ErrorCodes.CONFIG_INVALID);
    expect(error.message).toContain(`${metricsPath}:49:75: kpis[2] (id "cash_position").rules[0] (id "cash-critical").below: Invalid input: expected number, received string`);
    expect(w.current()).toBe(before);
    expect(listener).not.toHaveBeenCalled();
    expect(logged).toHaveLength(1);
    expect(logged[0]).toContain('configuration change rejected; keeping the configuration in force');

    // The same broken files again: still rejected, not logged twice.
    expect(await w.reloadNow()).toBe('rejected');
    expect(logged).toHaveLength(1);

    // Fixing the file clears the error and applies.
    saveAtomically(metricsPath, metricsText.replace('"below": 4000000', '"below": 3000000'));
    await waitFor(() => listener.mock.calls.length === 1, 'the fix to be applied');
    expect(w.lastError()).toBeUndefined();
    expect(w.current().generation).toBe(2);
  });

  it('never applies half of an edit: a broken second file holds back a valid first one', async () => {
    const w = await start();
    const listener = jest.fn();
    w.onChange(listener);
    writeFileSync(metricsPath, metricsText.replace('"monthly": 5000000', '"monthly": 6000000'));
    writeFileSync(notificationsPath, notificationsText.replace('timeout: 15m', 'timeout: soon'));
    expect(await w.reloadNow()).toBe('rejected');
    expect(w.current().metrics.kpis[3]!.target).toEqual({ monthly: 5000000 });
    expect(w.lastError()!.message).toContain('escalation.policies[0] (id "critical").levels[0].timeout: expected a duration');

    // Repair the second file: both edits land together in one change.
    writeFileSync(notificationsPath, notificationsText.replace('timeout: 15m', 'timeout: 10m'));
    expect(await w.reloadNow()).toBe('applied');
    expect(listener).toHaveBeenCalledTimes(1);
    const next = listener.mock.calls[0]![0] as ActiveConfig;
    expect(next.metrics.kpis[3]!.target).toEqual({ monthly: 6000000 });
    expect(next.notifications.escalation.policies[0]!.levels[0]!.timeout).toBe('10m');
  });

  it('rejects an edit that breaks a reference across the two files', async () => {
    const w = await start();
    writeFileSync(metricsPath, metricsText.replace('"id": "cash_position"', '"id": "cash"'));
    expect(await w.reloadNow()).toBe('rejected');
    expect(w.lastError()!.message).toContain('routing.routes[0].match.kpi[0]: unknown KPI "cash_position"');
    expect(w.current().metrics.kpis[2]!.id).toBe('cash_position');
  });

  it('treats an unreadable file as a rejected edit and recovers when it returns', async () => {
    const w = await start();
    rmSync(notificationsPath);
    expect(await w.reloadNow()).toBe('rejected');
    expect(w.lastError()).toMatchObject({ code: ErrorCodes.CONFIG_UNREADABLE });
    writeFileSync(notificationsPath, notificationsText);
    expect(await w.reloadNow()).toBe('unchanged');
    expect(w.lastError()).toBeUndefined();
    expect(w.current().generation).toBe(1);
  });

  it('does not notify for an edit that changes nothing but formatting', async () => {
    const w = await start();
    const listener = jest.fn();
    w.onChange(listener);
    writeFileSync(metricsPath, JSON.stringify(JSON.parse(metricsText)));
    expect(await w.reloadNow()).toBe('unchanged');
    expect(listener).not.toHaveBeenCalled();
  });

  it('keeps notifying the other listeners when one throws, and stops after unsubscribe', async () => {
    const w = await start();
    const calls: string[] = [];
    w.onChange(() => {
      throw new Error('listener bug');
    });
    const unsubscribe = w.onChange(() => calls.push('second'));
    writeFileSync(metricsPath, metricsText.replace('"monthly": 5000000', '"monthly": 5100000'));
    expect(await w.reloadNow()).toBe('applied');
    expect(calls).toEqual(['second']);
    unsubscribe();
    writeFileSync(metricsPath, metricsText.replace('"monthly": 5000000', '"monthly": 5200000'));
    expect(await w.reloadNow()).toBe('applied');
    expect(calls).toEqual(['second']);
  });

  it('debounces a burst of writes into one reload', async () => {
    const w = await start({ debounceMs: 150, useFsWatch: true });
    const listener = jest.fn();
    w.onChange(listener);
    for (const target of [5100000, 5200000, 5300000]) {
      writeFileSync(metricsPath, metricsText.replace('"monthly": 5000000', `"monthly": ${target}`));
      await new Promise((r) => setTimeout(r, 10));
    }
    await waitFor(() => listener.mock.calls.length >= 1, 'the burst to be applied');
    await new Promise((r) => setTimeout(r, 300));
    expect(listener).toHaveBeenCalledTimes(1);
    expect((listener.mock.calls[0]![0] as ActiveConfig).metrics.kpis[3]!.target).toEqual({ monthly: 5300000 });
  });

  it('finds changes by polling when fs.watch is off', async () => {
    const w = await start({ pollIntervalMs: 30 });
    const listener = jest.fn();
    w.onChange(listener);
    writeFileSync(metricsPath, metricsText.replace('"monthly": 5000000', '"monthly": 4900000'));
    await waitFor(() => listener.mock.calls.length === 1, 'the polled change to be applied');
    expect(w.current().metrics.kpis[3]!.target).toEqual({ monthly: 4900000 });
  });

  it('stops reacting after close()', async () => {
    const w = await start({ pollIntervalMs: 20, useFsWatch: true });
    const listener = jest.fn();
    w.onChange(listener);
    w.close();
    writeFileSync(metricsPath, metricsText.replace('"monthly": 5000000', '"monthly": 4800000'));
    await new Promise((r) => setTimeout(r, 150));
    expect(listener).not.toHaveBeenCalled();
    expect(w.current().generation).toBe(1);
  });
});
