import { ManualClock } from '../core/clock';
import { ErrorCodes } from '../core/errors';
import { FakeCronTriggerFactory } from './fake-cron-trigger';

const T0 = Date.UTC(2024, 0, 15, 12);

describe('FakeCronTriggerFactory', () => {
  it('fires a started trigger at each matching time with the clock set to it', async () => {
    const clock = new ManualClock(T0);
    const fake = new FakeCronTriggerFactory(clock);
    const ticks: number[] = [];
    const trigger = fake.create('*/10 * * * * *', () => ticks.push(clock.now()), { name: 't' });
    await fake.advanceBy(30_000);
    expect(ticks).toEqual([]); // not started
    trigger.start();
    expect(trigger.nextFireAt()).toBe(T0 + 40_000);
    await fake.advanceBy(35_000);
    expect(ticks.map((t) => t - T0)).toEqual([40_000, 50_000, 60_000]);
    expect(clock.now()).toBe(T0 + 65_000);
  });

  it('stops firing once stopped', async () => {
    const clock = new ManualClock(T0);
    const fake = new FakeCronTriggerFactory(clock);
    let ticks = 0;
    const trigger = fake.create('* * * * * *', () => (ticks += 1), { name: 't' });
    trigger.start();
    await fake.advanceBy(3_000);
    trigger.stop();
    await fake.advanceBy(3_000);
    expect(ticks).toBe(3);
    expect(trigger.nextFireAt()).toBeNull();
  });

  it('interleaves ticks of several triggers and sleepers in time order', async () => {
    const clock = new ManualClock(T0);
    const fake = new FakeCronTriggerFactory(clock);
    const events: string[] = [];
    fake.create('*/2 * * * * *', () => events.push(`a@${(clock.now() - T0) / 1000}`), { name: 'a' }).start();
    fake.create('*/3 * * * * *', () => events.push(`b@${(clock.now() - T0) / 1000}`), { name: 'b' }).start();
    void fake.sleep(2_500).then(() => events.push(`sleep@${(clock.now() - T0) / 1000}`));
    await fake.advanceBy(6_000);
    // at 6 s both are due; b's tick was scheduled (at 3 s) before a's (at 4 s), so it fires first
    expect(events).toEqual(['a@2', 'sleep@2.5', 'b@3', 'a@4', 'b@6', 'a@6']);
  });

  it('runs promise work started by a tick before the next event', async () => {
    const clock = new ManualClock(T0);
    const fake = new FakeCronTriggerFactory(clock);
    const log: string[] = [];
    fake
      .create('* * * * * *', () => {
        void (async () => {
          await Promise.resolve();
          await fake.sleep(500);
          log.push(`done@${clock.now() - T0}`);
        })();
      }, { name: 't' })
      .start();
    await fake.advanceBy(2_000);
    expect(log).toEqual(['done@1500']);
    await fake.advanceBy(500);
    expect(log).toEqual(['done@1500', 'done@2500']);
  });

  it('resolves an aborted sleep at once and forgets it', async () => {
    const clock = new ManualClock(T0);
    const fake = new FakeCronTriggerFactory(clock);
    const controller = new AbortController();
    const sleeping = fake.sleep(60_000, controller.signal);
    expect(fake.pendingSleeps()).toBe(1);
    controller.abort();
    await sleeping;
    expect(fake.pendingSleeps()).toBe(0);
    expect(clock.now()).toBe(T0);
  });

  it('rejects an invalid schedule with CONFIG_INVALID naming the trigger', () => {
    const fake = new FakeCronTriggerFactory(new ManualClock(T0));
    expect(() => fake.create('every second', () => undefined, { name: 'pulled source "bank"' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID, message: expect.stringContaining('pulled source "bank"') }),
    );
  });
});
