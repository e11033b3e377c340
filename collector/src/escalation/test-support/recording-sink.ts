import type { Dispatch, DispatchSink } from '../../alerting/alert-model';

/**
 * A `DispatchSink` that keeps what it accepts, deduplicating by idempotency key as delivery's
 * outbox does (`duplicates` counts the keys submitted again), and can refuse submissions.
 */
export class RecordingSink implements DispatchSink {
  readonly accepted: Dispatch[] = [];
  readonly duplicates: string[] = [];
  /** Refuse this many submissions (the outbox is down). */
  refuse = 0;

  async submit(dispatch: Dispatch): Promise<void> {
    if (this.refuse > 0) {
      this.refuse--;
      throw new Error('outbox unavailable');
    }
    if (this.accepted.some((d) => d.key === dispatch.key)) {
      this.duplicates.push(dispatch.key);
      return;
    }
    this.accepted.push(dispatch);
  }

  /** "reason Llevel recipients" of every accepted dispatch. */
  pages(): string[] {
    return this.accepted.map((d) => [d.reason, d.level === undefined ? undefined : `L${d.level}`, d.recipients.join(',')].filter(Boolean).join(' '));
  }
}
