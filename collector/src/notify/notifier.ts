import type { DispatchSink } from '../alerting/alert-model';
import type { ChannelName } from '../config/notification-settings-schema';
import type { Clock } from '../core/clock';
import type { Logger } from '../core/logger';
import type { Channel } from './channel-port';
import { ChannelBreakers, DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState } from './circuit-breaker';
import { DeadLetters } from './dead-letters';
import { DeliveryDirectory, type DeliverySettings } from './delivery-directory';
import { noDeliveryMetrics, type DeliveryMetrics } from './delivery-metrics';
import { DeliveryService } from './delivery-service';
import type { DigestDataSource } from './digest-runner';
import type { DashboardLinks } from './messages';
import type { DeliveryStatus, OutboxStore } from './outbox-store';
import { OutboxWorker, type OutboxWorkerOptions } from './outbox-worker';

export interface NotifierOptions {
  readonly store: OutboxStore;
  readonly settings: DeliverySettings;
  readonly channels: readonly Channel[];
  readonly clock: Clock;
  readonly logger: Logger;
  /** Backoff jitter source (default Math.random). */
  readonly random?: () => number;
  readonly metrics?: DeliveryMetrics;
  readonly digestData?: DigestDataSource;
  readonly links?: DashboardLinks;
  readonly worker?: OutboxWorkerOptions;
  readonly breaker?: BreakerPolicy;
  /** Real milliseconds the loop waits when there is nothing to do (default 1000); a submit wakes it. */
  readonly pollIntervalMs?: number;
}

/**
 * The notify layer in one object, for the composition root:
 * - `sink` is the `DispatchSink` escalation submits to (resolves once stored in the outbox);
 * - `start()` runs the outbox worker in a loop, `stop()` ends it after the sends in flight;
 * - `deadLetters` lists and retries dead letters (the API);
 * - `reconfigure()` / `setChannels()` apply a hot reload without touching the outbox or breakers.
 */
export class Notifier {
  readonly sink: DispatchSink;
  readonly worker: OutboxWorker;
  readonly deadLetters: DeadLetters;
  private readonly directory: DeliveryDirectory;
  private readonly breakers: ChannelBreakers;
  private readonly logger: Logger;
  private readonly pollIntervalMs: number;
  private loop: Promise<void> | undefined;
  private stopped = true;
  private wakeUp: (() => void) | undefined;

  constructor(private readonly options: NotifierOptions) {
    const metrics = options.metrics ?? noDeliveryMetrics;
    this.logger = options.logger;
    this.pollIntervalMs = options.pollIntervalMs ?? 1000;
    this.directory = new DeliveryDirectory(options.settings, options.channels);
    this.breakers = new ChannelBreakers(options.breaker ?? DEFAULT_BREAKER_POLICY, (channel, state) => {
      metrics.breaker(channel, state);
      this.logger.warn({ channel, state }, `circuit breaker of ${channel} is ${state}`);
    });
    this.sink = new DeliveryService({
      store: options.store,
      directory: this.directory,
      clock: options.clock,
      metrics,
      logger: options.logger,
      ...(options.links === undefined ? {} : { links: options.links }),
      onStored: () => this.wake(),
    });
    this.worker = new OutboxWorker(
      {
        store: options.store,
        directory: this.directory,
        breakers: this.breakers,
        clock: options.clock,
        random: options.random ?? Math.random,
        metrics,
        logger: options.logger,
        ...(options.digestData === undefined ? {} : { digestData: options.digestData }),
        ...(options.links === undefined ? {} : { links: options.links }),
      },
      options.worker,
    );
    this.deadLetters = new DeadLetters(options.store, options.clock, () => this.wake());
  }

  reconfigure(settings: DeliverySettings): void {
    this.directory.reconfigure(settings);
  }

  setChannels(channels: readonly Channel[]): void {
    this.directory.setChannels(channels);
  }

  /** Each channel's breaker state now (channels never used are closed and absent). */
  breakerStates(): Partial<Record<ChannelName, BreakerState>> {
    return this.breakers.states(this.options.clock.now());
  }

  /** Deliveries by status, for the health endpoint and an outbox-depth gauge. */
  counts(): Promise<Record<DeliveryStatus, number>> {
    return this.options.store.countByStatus();
  }

  /** Runs the worker until `stop()`: ticks back to back while there is work, else waits (or a wake-up). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.loop = this.run();
  }

  /** Ends the loop after the current tick (its sends finish and are recorded). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.wake();
    await this.loop;
    this.loop = undefined;
  }

  /** Makes an idle loop tick now (after a submit or a dead-letter retry). */
  wake(): void {
    const wakeUp = this.wakeUp;
    this.wakeUp = undefined;
    wakeUp?.();
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      let busy = false;
      try {
        const report = await this.worker.tick();
        busy = report.attempted > 0 || report.folds > 0 || report.digests > 0;
      } catch (error) {
        this.logger.error({ err: (error as Error).message }, 'outbox worker tick failed; trying again');
      }
      if (!busy && !this.stopped) await this.idle();
    }
  }

  private idle(): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wakeUp = undefined;
        resolve();
      }, this.pollIntervalMs);
      this.wakeUp = () => {
        clearTimeout(timer);
        resolve();
      };
    });
  }
}
