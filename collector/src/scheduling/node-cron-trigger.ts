import cron, { type ScheduledTask } from 'node-cron';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { CronTrigger, CronTriggerFactory, CronTriggerOptions } from './cron-trigger';

/**
 * The production {@link CronTriggerFactory}: one node-cron task per trigger. Overlap is not left
 * to node-cron — `onTick` returns at once and the scheduler decides — and node-cron's own log
 * lines (missed executions after a stalled event loop, …) go to `logger`.
 */
export class NodeCronTriggerFactory implements CronTriggerFactory {
  constructor(private readonly logger: Logger) {}

  create(schedule: string, onTick: () => void, options: CronTriggerOptions): CronTrigger {
    if (!cron.validate(schedule)) {
      throw new FinmonError(
        ErrorCodes.CONFIG_INVALID,
        `${options.name}: schedule "${schedule}" is not accepted by node-cron; expected 5 fields, or 6 with seconds first`,
      );
    }
    return new NodeCronTrigger(schedule, onTick, options, this.logger.child({ trigger: options.name }));
  }
}

class NodeCronTrigger implements CronTrigger {
  private task: ScheduledTask | null = null;

  constructor(
    private readonly schedule: string,
    private readonly onTick: () => void,
    private readonly options: CronTriggerOptions,
    private readonly logger: Logger,
  ) {}

  start(): void {
    if (this.task) return;
    const log = this.logger;
    this.task = cron.createTask(
      this.schedule,
      () => {
        this.onTick();
      },
      {
        name: this.options.name,
        timezone: this.options.timezone ?? 'UTC',
        logger: {
          info: (message) => log.info(message),
          warn: (message) => log.warn(message),
          error: (message, err) => log.error({ err: err ?? message }, String(message)),
          debug: (message, err) => log.debug({ err }, String(message)),
        },
      },
    );
    Promise.resolve(this.task.start()).catch((err: unknown) => log.error({ err }, 'node-cron task failed to start'));
  }

  stop(): void {
    const task = this.task;
    this.task = null;
    if (task) Promise.resolve(task.destroy()).catch((err: unknown) => this.logger.error({ err }, 'node-cron task failed to stop'));
  }

  nextFireAt(): number | null {
    return this.task?.getNextRun()?.getTime() ?? null;
  }
}
