/**
 * The state-database tables of the channels (migration 0005-news-feed.ts), as kysely sees them.
 * Stores take the collector's `Kysely<Database>` and add these with `withTables<ChannelTables>()`.
 * Instants are epoch milliseconds; JSON is text.
 */
export type ChannelTables = {
  news_feed: NewsFeedTable;
  push_subscriptions: PushSubscriptionsTable;
  push_deliveries: PushDeliveriesTable;
};

export type NewsFeedTable = {
  id: string;
  time: number;
  fingerprint: string;
  kpi: string;
  severity: string;
  category: string;
  alert_class: string;
  state_from: string | null;
  state_to: string;
  title: string;
  text: string;
  value: number | null;
  threshold: number | null;
  incident_id: string | null;
  actor_kind: string;
  actor_name: string;
  /** JSON object of the series' tags. */
  series: string;
};

export type PushSubscriptionsTable = {
  id: string;
  endpoint: string;
  p256dh: string;
  auth: string;
  label: string | null;
  created_by: string | null;
  created_at: number;
  last_success_at: number | null;
  gone_at: number | null;
};

export type PushDeliveriesTable = {
  delivery_id: string;
  subscription_id: string;
  sent_at: number;
};
