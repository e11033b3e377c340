import type { Kysely, Selectable } from 'kysely';
import type { Actor, AlertCategory, AlertClass, AlertState, Severity } from '../../alerting/alert-model';
import type { Database } from '../../storage/state/database';
import { runStateQuery } from '../../storage/state/state-db-errors';
import type { ChannelTables, NewsFeedTable } from '../channel-tables';
import type { FeedEvent } from './feed-event';
import { newestFirst, type FeedQuery, type NewsFeedStore } from './news-feed-store';

/** The news feed in the state database (table `news_feed`, migration 0005); SQLite and PostgreSQL. */
export class SqlNewsFeedStore implements NewsFeedStore {
  private readonly db: Kysely<Database & ChannelTables>;

  constructor(db: Kysely<Database>) {
    this.db = db.withTables<ChannelTables>();
  }

  async append(event: FeedEvent): Promise<void> {
    await runStateQuery(`append news feed entry ${event.id}`, () =>
      this.db
        .insertInto('news_feed')
        .values(toRow(event))
        .onConflict((oc) => oc.column('id').doNothing())
        .execute(),
    );
  }

  async list(query: FeedQuery): Promise<FeedEvent[]> {
    const filtered = () => {
      let q = this.db.selectFrom('news_feed').selectAll();
      if (query.since !== undefined) q = q.where('time', '>=', query.since);
      if (query.severities !== undefined) q = q.where('severity', 'in', [...query.severities]);
      if (query.categories !== undefined) q = q.where('category', 'in', [...query.categories]);
      return q;
    };
    const rows = await runStateQuery('read the news feed', async () => {
      const top = await filtered().orderBy('time', 'desc').limit(query.limit).execute();
      if (top.length < query.limit) return top;
      // Entries sharing the oldest time kept are ordered by id in JS (the dialects' collations
      // differ), so read all of them to cut at the right one.
      const boundary = (top[top.length - 1] as Selectable<NewsFeedTable>).time;
      const ties = await filtered().where('time', '=', boundary).execute();
      return [...top.filter((r) => Number(r.time) > Number(boundary)), ...ties];
    });
    return rows.map(toEvent).sort(newestFirst).slice(0, query.limit);
  }

  async prune(before: number): Promise<number> {
    const result = await runStateQuery('prune the news feed', () => this.db.deleteFrom('news_feed').where('time', '<', before).executeTakeFirst());
    return Number(result.numDeletedRows);
  }
}

function toRow(event: FeedEvent): NewsFeedTable {
  return {
    id: event.id,
    time: event.time,
    fingerprint: event.fingerprint,
    kpi: event.kpi,
    severity: event.severity,
    category: event.category,
    alert_class: event.alertClass,
    state_from: event.from,
    state_to: event.to,
    title: event.title,
    text: event.text,
    value: event.value ?? null,
    threshold: event.threshold ?? null,
    incident_id: event.incident ?? null,
    actor_kind: event.actor.kind,
    actor_name: event.actor.name,
    series: JSON.stringify(event.series),
  };
}

function toEvent(row: Selectable<NewsFeedTable>): FeedEvent {
  return {
    id: row.id,
    time: Number(row.time),
    fingerprint: row.fingerprint,
    kpi: row.kpi,
    severity: row.severity as Severity,
    category: row.category as AlertCategory,
    alertClass: row.alert_class as AlertClass,
    from: row.state_from as AlertState | null,
    to: row.state_to as AlertState,
    title: row.title,
    text: row.text,
    ...(row.value === null ? {} : { value: Number(row.value) }),
    ...(row.threshold === null ? {} : { threshold: Number(row.threshold) }),
    ...(row.incident_id === null ? {} : { incident: row.incident_id }),
    actor: { kind: row.actor_kind as Actor['kind'], name: row.actor_name },
    series: JSON.parse(row.series) as Record<string, string>,
  };
}
