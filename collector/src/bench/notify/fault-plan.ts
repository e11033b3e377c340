import type { ChannelName } from '../../config/notification-settings-schema';

/**
 * What a bench endpoint does with one request:
 * - `fail`: refuse before accepting (HTTP 503 / SMTP 451), nothing delivered;
 * - `drop`: drop the connection before accepting, nothing delivered;
 * - `accept`: deliver and answer;
 * - `lost-answer`: deliver, then drop the connection instead of answering (the sender cannot know
 *   it went out; channels without a provider idempotency key may then deliver twice).
 */
export type FaultDecision = 'fail' | 'drop' | 'accept' | 'lost-answer';

export interface FaultPlanOptions {
  /** Share of the burst (accepted deliveries / planned deliveries) during which endpoints fail. */
  readonly failureShare: number;
  /** Chance that a request fails (before acceptance) while the outage lasts. */
  readonly failureRate: number;
  /** Chance that an accepted request loses its answer while the outage lasts (default 0). */
  readonly lostAnswerRate: number;
  /** Push is down altogether until this share of the burst is accepted (its breaker opens). */
  readonly pushDownShare: number;
}

/**
 * The outage, shared by all bench endpoints and measured in progress (accepted deliveries over the
 * deliveries planned), not seconds, so it covers the same part of the burst on any machine.
 * `planned` is unknown (infinite) until every dispatch was submitted: endpoints fail until then.
 */
export class FaultPlan {
  accepted = 0;
  planned = Number.POSITIVE_INFINITY;

  constructor(
    private readonly options: FaultPlanOptions,
    private readonly random: () => number,
  ) {}

  decide(channel: ChannelName): FaultDecision {
    const progress = this.planned === Number.POSITIVE_INFINITY ? 0 : this.accepted / this.planned;
    if (channel === 'push' && progress < this.options.pushDownShare) return 'fail';
    if (progress < this.options.failureShare) {
      if (this.random() < this.options.failureRate) return this.random() < 0.25 ? 'drop' : 'fail';
      if (this.options.lostAnswerRate > 0 && this.random() < this.options.lostAnswerRate) return 'lost-answer';
    }
    return 'accept';
  }
}

/**
 * What one endpoint saw: requests, refusals, and every accepted delivery by its idempotency
 * identity (a delivery id or what stands for one), so a second acceptance is a duplicate.
 */
export class DeliveryLedger {
  readonly accepted = new Map<string, number>();
  requests = 0;
  failed = 0;
  dropped = 0;
  lostAnswers = 0;
  /** Requests the endpoint refused as malformed (wrong auth, no identity): a bench bug if > 0. */
  readonly rejected: string[] = [];

  constructor(private readonly plan: FaultPlan) {}

  record(identity: string): void {
    const before = this.accepted.get(identity) ?? 0;
    this.accepted.set(identity, before + 1);
    if (before === 0) this.plan.accepted += 1;
  }

  duplicates(): number {
    let n = 0;
    for (const count of this.accepted.values()) if (count > 1) n += count - 1;
    return n;
  }
}
