import type { AlertTransition } from '../../alerting/alert-model';
import { alertEventLine } from './alert-event-line';
import { feedEventFromTransition } from './feed-event';
import type { NewsFeedStore } from './news-feed-store';

/** Where annotation lines go: the durable spool in front of InfluxDB (`Spool.append`). */
export interface LineProtocolSink {
  append(lineProtocol: string): Promise<unknown>;
}

/**
 * The dashboard "channel": every alert transition becomes an annotation point in InfluxDB
 * (`alert_events`, through the spool) and an entry of the news feed. Both are attempted even when
 * one fails; the first failure is then thrown, so the caller can retry (both writes are idempotent:
 * the feed keeps one entry per id, and InfluxDB overwrites a point with the same series and time).
 */
export class DashboardRecorder {
  constructor(private readonly deps: { feed: NewsFeedStore; annotations: LineProtocolSink }) {}

  async record(transition: AlertTransition, incidentId?: string): Promise<void> {
    await this.recordAll([{ transition, ...(incidentId === undefined ? {} : { incidentId }) }]);
  }

  /** A transition listener (`AlertingStageOptions.onTransitions`) recording every transition it is given. */
  listener(): (transitions: readonly AlertTransition[]) => Promise<void> {
    return (transitions) => this.recordAll(transitions.map((transition) => ({ transition })));
  }

  /** Records several transitions: one spool append for all their lines, then the feed entries. */
  async recordAll(items: readonly { transition: AlertTransition; incidentId?: string }[]): Promise<void> {
    if (items.length === 0) return;
    const errors: unknown[] = [];
    const lines = items.map((i) => alertEventLine(i.transition, i.incidentId)).join('\n');
    try {
      await this.deps.annotations.append(lines);
    } catch (error) {
      errors.push(error);
    }
    for (const item of items) {
      try {
        await this.deps.feed.append(feedEventFromTransition(item.transition, item.incidentId));
      } catch (error) {
        errors.push(error);
      }
    }
    if (errors.length > 0) throw errors[0];
  }
}
