import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Point } from '../core/point';
import type { CronTrigger, CronTriggerFactory } from './cron-trigger';
import { assertCronSchedule } from './cron-schedule';
import { NodeCronTriggerFactory } from './node-cron-trigger';
import { sourcePolicy, type PulledSource } from './pulled-source';
import { runWithRetry, type RunOutcome } from './run-with-retry';
import { realSleep, type Sleep } from './sleep';
import { SourceHealthBook, type SourceHealth } from './source-health';

/** Receives the points of each successful attempt; a rejection fails (and retries) the run. */
export type PointSink = (points: Point[], sourceName: string) => Promise<void>;

export interface SourceSchedulerOptions {
  readonly sources: readonly PulledSource[];
  readonly sink: PointSink;
  readonly logger: Logger;
  readonly clock: Clock;
  /** Fires the cron ticks; default node-cron. */
  readonly timerFactory?: CronTriggerFactory;
  /** IANA zone the schedules are read in; default UTC. */
  readonly timezone?: string;
  /** Backoff waits and attempt timeouts; default real timers. Tests pass the fake trigger's sleep. */
  readonly sleep?: Sleep;
  /** Jitter source, uniform in [0, 1); default Math.random. */
  readonly random?: () => number;
  /** Told after every finished run that was not cancelled (the alert engine's error-streak alert). */
  readonly onRunFinished?: (health: SourceHealth) => void;
}

/** A source's health plus when its trigger fires next (null while the scheduler is stopped). */
export interface ScheduledSourceHealth extends SourceHealth {
  readonly schedule: string;
  readonly nextRunAt: number | null;
}

/** What asking a source to run came to. */
export type ScheduledRunResult =
  | { readonly kind: 'ran'; readonly outcome: RunOutcome }
  | { readonly kind: 'skipped'; readonly reason: 'still-running' | 'scheduler-stopping' };

interface InFlight {
  readonly controller: AbortController;
  readonly done: Promise<RunOutcome>;
}

/**
 * Runs each pulled source on its cron schedule, each run isolated: a source that throws, rejects,
 * hangs past its timeout or returns garbage fails only its own run (logged, retried with backoff,
 * counted in its health) while the others keep their schedule. A tick that finds the source's
 * previous run still going is skipped and counted. Points of a successful attempt go to `sink`.
 */
export class SourceScheduler {
  private readonly sources: ReadonlyMap<string, PulledSource>;
  private readonly book: SourceHealthBook;
  private readonly triggerFactory: CronTriggerFactory;
  private readonly timezone: string;
  private readonly sleep: Sleep;
  private readonly random: () => number;
  private readonly log: Logger;
  private triggers = new Map<string, CronTrigger>();
  private readonly inFlight = new Map<string, InFlight>();
  private stopping: Promise<void> | null = null;

  /**
   * Validates every source up front — unique non-empty names, cron schedules, timeout and retry
   * policy — and throws `FinmonError(CONFIG_INVALID)` naming the source and field otherwise.
   * Nothing runs until {@link start} or {@link runNow}.
   */
  constructor(private readonly options: SourceSchedulerOptions) {
    this.timezone = options.timezone ?? 'UTC';
    const byName = new Map<string, PulledSource>();
    for (const source of options.sources) {
      sourcePolicy(source);
      if (byName.has(source.name)) {
        throw new FinmonError(ErrorCodes.CONFIG_INVALID, `pulled source "${source.name}": name is used by more than one source`);
      }
      assertCronSchedule(source.schedule, `pulled source "${source.name}"`, this.timezone);
      byName.set(source.name, source);
    }
    this.sources = byName;
    this.book = new SourceHealthBook(byName.keys());
    this.log = options.logger.child({ component: 'source-scheduler' });
    this.triggerFactory = options.timerFactory ?? new NodeCronTriggerFactory(this.log);
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
  }

  /**
   * Starts every source's trigger. Idempotent while started. Throws if the trigger factory rejects
   * a schedule (no trigger is left running then) or if {@link stop} has not finished.
   */
  start(): void {
    if (this.stopping) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'source scheduler: start() called while stop() is still settling');
    }
    if (this.triggers.size > 0) return;
    const created = new Map<string, CronTrigger>();
    for (const source of this.sources.values()) {
      const trigger = this.triggerFactory.create(source.schedule, () => this.onTick(source), {
        name: `pulled source "${source.name}"`,
        timezone: this.timezone,
      });
      created.set(source.name, trigger);
    }
    for (const trigger of created.values()) trigger.start();
    this.triggers = created;
    this.log.info({ sources: [...created.keys()] }, 'source scheduler started');
  }

  /**
   * Stops every trigger, aborts the running sources (and any backoff wait) and resolves once
   * their runs have settled; cancelled runs do not count as failures. Safe to call twice.
   */
  stop(): Promise<void> {
    if (this.stopping) return this.stopping;
    for (const trigger of this.triggers.values()) trigger.stop();
    this.triggers = new Map();
    const running = [...this.inFlight.values()];
    const reason = new FinmonError(ErrorCodes.SOURCE_FAILED, 'source scheduler stopping', 503, true);
    for (const run of running) run.controller.abort(reason);
    this.stopping = Promise.all(running.map((run) => run.done)).then(() => {
      this.stopping = null;
      this.log.info({ aborted: running.length }, 'source scheduler stopped');
    });
    return this.stopping;
  }

  /**
   * Runs the named source now, outside its schedule, and resolves with what came of it (skipped
   * when a run of it is still going or the scheduler is stopping). Never rejects for a failing
   * source; throws `FinmonError(NOT_FOUND)` for an unknown name.
   */
  runNow(name: string): Promise<ScheduledRunResult> {
    const source = this.sources.get(name);
    if (!source) {
      throw new FinmonError(ErrorCodes.NOT_FOUND, `source scheduler: no pulled source named "${name}"`, 404);
    }
    return this.execute(source, 'manual');
  }

  /** A frozen snapshot of every source's health, in the order the sources were given. */
  health(): readonly ScheduledSourceHealth[] {
    return Object.freeze(
      this.book.snapshot().map((entry) => {
        const source = this.sources.get(entry.name);
        return Object.freeze({
          ...entry,
          schedule: source?.schedule ?? '',
          nextRunAt: this.triggers.get(entry.name)?.nextFireAt() ?? null,
        });
      }),
    );
  }

  private onTick(source: PulledSource): void {
    this.execute(source, 'schedule').catch((error: unknown) => {
      this.log.error({ err: error, source: source.name }, 'pulled source run crashed the scheduler path');
    });
  }

  private async execute(source: PulledSource, cause: 'schedule' | 'manual'): Promise<ScheduledRunResult> {
    if (this.stopping) return { kind: 'skipped', reason: 'scheduler-stopping' };
    const startedAt = this.options.clock.now();
    if (!this.book.tryBegin(source.name, startedAt)) {
      this.log.warn({ source: source.name, cause }, 'pulled source still running; run skipped');
      return { kind: 'skipped', reason: 'still-running' };
    }
    const controller = new AbortController();
    const logger = this.options.logger.child({ component: 'pulled-source', source: source.name });
    const done = runWithRetry(source, {
      clock: this.options.clock,
      sleep: this.sleep,
      random: this.random,
      logger,
      signal: controller.signal,
      deliver: (points) => this.options.sink(points, source.name),
    }).then((outcome) => {
      this.inFlight.delete(source.name);
      this.book.finish(source.name, outcome, this.options.clock.now());
      this.report(source.name, cause, outcome);
      const health = this.book.get(source.name);
      if (health !== undefined && !(!outcome.ok && outcome.cancelled)) {
        try {
          this.options.onRunFinished?.(health);
        } catch (err) {
          this.log.error({ source: source.name, err }, 'a run-finished listener failed');
        }
      }
      return outcome;
    });
    this.inFlight.set(source.name, { controller, done });
    return { kind: 'ran', outcome: await done };
  }

  private report(name: string, cause: 'schedule' | 'manual', outcome: RunOutcome): void {
    if (outcome.ok) {
      this.log.debug({ source: name, cause, points: outcome.points.length, attempts: outcome.attempts }, 'pulled source run succeeded');
    } else if (outcome.cancelled) {
      this.log.info({ source: name, cause, attempts: outcome.attempts }, 'pulled source run cancelled');
    } else {
      const streak = this.book.get(name)?.errorStreak;
      this.log.error({ source: name, cause, attempts: outcome.attempts, errorStreak: streak, err: outcome.error }, 'pulled source run failed');
    }
  }
}
