/**
 * The port between the scheduler and whatever fires cron ticks: node-cron in production
 * (`NodeCronTriggerFactory`), a clock-driven fake in tests (`FakeCronTriggerFactory`).
 */
export interface CronTriggerFactory {
  /**
   * A trigger that calls `onTick` at every time matching `schedule` once started.
   * Throws `FinmonError(CONFIG_INVALID)` naming `options.name` when the expression is not accepted.
   */
  create(schedule: string, onTick: () => void, options: CronTriggerOptions): CronTrigger;
}

export interface CronTriggerOptions {
  /** What the trigger runs, for logs and error messages. */
  readonly name: string;
  /** IANA time zone the expression is read in; default UTC. */
  readonly timezone?: string;
}

export interface CronTrigger {
  start(): void;
  /** Stops firing; a stopped trigger never calls `onTick` again (until started again). */
  stop(): void;
  /** The next fire time in epoch ms while started, otherwise null. */
  nextFireAt(): number | null;
}
