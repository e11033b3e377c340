import { systemClock } from '../core/clock';
import { ErrorCodes } from '../core/errors';
import { silentLogger } from '../core/logger';
import { pointAt, type Point } from '../core/point';
import { NodeCronTriggerFactory } from './node-cron-trigger';
import { SourceScheduler } from './source-scheduler';

describe('NodeCronTriggerFactory', () => {
  it('rejects a schedule node-cron does not accept with CONFIG_INVALID naming the trigger', () => {
    const factory = new NodeCronTriggerFactory(silentLogger());
    expect(() => factory.create('every second', () => undefined, { name: 'pulled source "bank"' })).toThrow(
      expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID, message: expect.stringContaining('pulled source "bank"') }),
    );
  });

  it('drives the scheduler in real time: a per-second source runs at least twice within ~3 s', async () => {
    const runs: number[] = [];
    const delivered: Point[] = [];
    const scheduler = new SourceScheduler({
      sources: [{ name: 'tick', schedule: '* * * * * *', run: async (ctx) => (runs.push(ctx.now), [pointAt('fx_rate', { pair: 'EURUSD' }, 1, ctx.now)]) }],
      sink: async (points) => {
        delivered.push(...points);
      },
      logger: silentLogger(),
      clock: systemClock,
      timerFactory: new NodeCronTriggerFactory(silentLogger()),
    });
    scheduler.start();
    try {
      expect(scheduler.health()[0]?.nextRunAt).toEqual(expect.any(Number));
      const deadline = Date.now() + 3_500;
      while (runs.length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      await scheduler.stop();
    }
    expect(runs.length).toBeGreaterThanOrEqual(2);
    expect(delivered.length).toBe(scheduler.health()[0]?.pointsDelivered);
    expect(scheduler.health()[0]?.nextRunAt).toBeNull();
  });
});
