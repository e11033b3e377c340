import type { ManualClock } from '../core/clock';
import type { CronTrigger, CronTriggerFactory, CronTriggerOptions } from './cron-trigger';
import { assertCronSchedule, nextFireTime } from './cron-schedule';
import type { Sleep } from './sleep';

/**
 * A deterministic stand-in for node-cron, driven by a {@link ManualClock}: virtual time moves
 * only in {@link FakeCronTriggerFactory.advanceTo}, which fires cron ticks and wakes
 * {@link FakeCronTriggerFactory.sleep}ers in time order, setting the clock to each event's time and
 * letting all pending promise work settle before the next event. Work that waits only on promises
 * and this fake's sleep therefore runs exactly as it would in real time, minus the waiting.
 */
export class FakeCronTriggerFactory implements CronTriggerFactory {
  private readonly triggers: FakeCronTrigger[] = [];
  private sleepers: Sleeper[] = [];
  private sequence = 0;

  constructor(private readonly clock: ManualClock) {}

  create(schedule: string, onTick: () => void, options: CronTriggerOptions): CronTrigger {
    const timezone = options.timezone ?? 'UTC';
    assertCronSchedule(schedule, options.name, timezone);
    const trigger = new FakeCronTrigger(schedule, onTick, options.name, timezone, this.clock, () => this.sequence++);
    this.triggers.push(trigger);
    return trigger;
  }

  /** A {@link Sleep} on virtual time: resolves when time is advanced `ms` past now, or on abort. */
  readonly sleep: Sleep = (ms, signal) =>
    new Promise<void>((resolve) => {
      if (signal?.aborted) {
        resolve();
        return;
      }
      const sleeper: Sleeper = { at: this.clock.now() + Math.max(0, ms), seq: this.sequence++, wake: resolve };
      this.sleepers.push(sleeper);
      signal?.addEventListener(
        'abort',
        () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          resolve();
        },
        { once: true },
      );
    });

  /** Advances virtual time by `ms`; see {@link advanceTo}. */
  async advanceBy(ms: number): Promise<void> {
    await this.advanceTo(this.clock.now() + ms);
  }

  /**
   * Moves the clock forward to `targetMs`, firing every tick and waking every sleeper due on the
   * way, earliest first (ties in the order they were scheduled), with pending promise work settled between events.
   */
  async advanceTo(targetMs: number): Promise<void> {
    for (;;) {
      await settle();
      const event = this.nextEvent(targetMs);
      if (!event) break;
      if (event.at > this.clock.now()) this.clock.set(event.at);
      event.fire();
    }
    if (targetMs > this.clock.now()) this.clock.set(targetMs);
    await settle();
  }

  /** Sleeps not yet woken (timeouts and backoffs in flight). */
  pendingSleeps(): number {
    return this.sleepers.length;
  }

  private nextEvent(targetMs: number): { at: number; seq: number; fire: () => void } | undefined {
    let best: { at: number; seq: number; fire: () => void } | undefined;
    const consider = (candidate: { at: number; seq: number; fire: () => void }): void => {
      if (candidate.at > targetMs) return;
      if (!best || candidate.at < best.at || (candidate.at === best.at && candidate.seq < best.seq)) best = candidate;
    };
    for (const trigger of this.triggers) {
      const due = trigger.due();
      if (due) consider({ ...due, fire: () => trigger.fire() });
    }
    for (const sleeper of this.sleepers) {
      consider({
        at: sleeper.at,
        seq: sleeper.seq,
        fire: () => {
          this.sleepers = this.sleepers.filter((s) => s !== sleeper);
          sleeper.wake();
        },
      });
    }
    return best;
  }
}

interface Sleeper {
  readonly at: number;
  readonly seq: number;
  readonly wake: () => void;
}

class FakeCronTrigger implements CronTrigger {
  private next: { at: number; seq: number } | null = null;

  constructor(
    private readonly schedule: string,
    private readonly onTick: () => void,
    private readonly name: string,
    private readonly timezone: string,
    private readonly clock: ManualClock,
    private readonly nextSeq: () => number,
  ) {}

  start(): void {
    if (!this.next) this.scheduleAfter(this.clock.now());
  }

  stop(): void {
    this.next = null;
  }

  nextFireAt(): number | null {
    return this.next?.at ?? null;
  }

  due(): { at: number; seq: number } | null {
    return this.next;
  }

  fire(): void {
    if (!this.next) return;
    this.scheduleAfter(this.next.at);
    this.onTick();
  }

  private scheduleAfter(timeMs: number): void {
    const at = nextFireTime(this.schedule, timeMs, this.name, this.timezone);
    this.next = at === null ? null : { at, seq: this.nextSeq() };
  }
}

/** Lets every queued promise reaction run: setImmediate fires only after the microtask queue is empty. */
function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
