/** The channels: email, SMS, Slack, Web Push, ntfy and the dashboard (annotations + news feed). See README.md. */
export { buildChannels, type ChannelDeps, type ChannelSet } from './build-channels';
export type { ChannelTables } from './channel-tables';
export { InfluxKpiHistorySource, InMemoryKpiHistorySource, type KpiHistorySource } from './charts/kpi-history-source';
export { renderKpiChartPng, renderKpiChartSvg } from './charts/kpi-chart';
export { ALERT_EVENTS_MEASUREMENT, alertEventLine } from './dashboard/alert-event-line';
export { DashboardRecorder, type LineProtocolSink } from './dashboard/dashboard-recorder';
export { feedEventFromTransition, type FeedEvent } from './dashboard/feed-event';
export { InMemoryNewsFeedStore, type FeedQuery, type NewsFeedStore } from './dashboard/news-feed-store';
export { SqlNewsFeedStore } from './dashboard/sql-news-feed-store';
export { EmailChannel } from './email/email-channel';
export { NtfyChannel } from './ntfy/ntfy-channel';
export { InMemoryPushSubscriptionStore, type PushSubscriptionRecord, type PushSubscriptionStore } from './push/push-subscription-store';
export { SqlPushSubscriptionStore } from './push/sql-push-subscription-store';
export { WebPushChannel } from './push/web-push-channel';
export { SlackChannel, createSlackWebClient } from './slack/slack-channel';
export { SlackInteractivity, type AlertActions, type SlackChatApi } from './slack/slack-interactivity';
export { SmsChannel } from './sms/sms-channel';
export { compileChannelTemplates, templatesSettingsSchema, type TemplatesSettings } from './templates/channel-templates';
