import type { AlertCategory, Severity } from '../../alerting/alert-model';
import type { FeedEvent } from './feed-event';

/** What GET /api/v1/feed asks for. */
export interface FeedQuery {
  /** Entries at or after this instant (inclusive: clients polling with the last time they saw drop the ids they have). */
  readonly since?: number;
  readonly severities?: readonly Severity[];
  readonly categories?: readonly AlertCategory[];
  /** At most this many, newest first. */
  readonly limit: number;
}

/** The news feed: alert transitions for people, newest first. */
export interface NewsFeedStore {
  /** Adds an entry; an entry with the same id is kept as it was (recording twice is harmless). */
  append(event: FeedEvent): Promise<void>;
  /** Newest first (by time, then id descending). */
  list(query: FeedQuery): Promise<FeedEvent[]>;
  /** Removes entries older than `before`; returns how many. */
  prune(before: number): Promise<number>;
}

/** The news feed in memory, for tests and the demo. */
export class InMemoryNewsFeedStore implements NewsFeedStore {
  private readonly events = new Map<string, FeedEvent>();

  async append(event: FeedEvent): Promise<void> {
    if (!this.events.has(event.id)) this.events.set(event.id, event);
  }

  async list(query: FeedQuery): Promise<FeedEvent[]> {
    return [...this.events.values()]
      .filter(
        (e) =>
          (query.since === undefined || e.time >= query.since) &&
          (query.severities === undefined || query.severities.includes(e.severity)) &&
          (query.categories === undefined || query.categories.includes(e.category)),
      )
      .sort(newestFirst)
      .slice(0, query.limit);
  }

  async prune(before: number): Promise<number> {
    let removed = 0;
    for (const [id, event] of [...this.events]) {
      if (event.time < before) {
        this.events.delete(id);
        removed += 1;
      }
    }
    return removed;
  }
}

/** Newest first; ties by id, descending (byte order, as the SQL store sorts). */
export function newestFirst(a: FeedEvent, b: FeedEvent): number {
  return b.time - a.time || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}
