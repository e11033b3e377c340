import type { WebClient } from '@slack/web-api';
import type { ChannelName, NotificationSettings } from '../config/notification-settings-schema';
import { isSecretReference, resolveSecretReference, type SecretSources } from '../config/secret-reference';
import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { Channel } from '../notify/channel-port';
import type { KpiHistorySource } from './charts/kpi-history-source';
import { EmailChannel } from './email/email-channel';
import { NtfyChannel } from './ntfy/ntfy-channel';
import type { PushSubscriptionStore } from './push/push-subscription-store';
import { WebPushChannel } from './push/web-push-channel';
import { createSlackWebClient, SlackChannel } from './slack/slack-channel';
import { SmsChannel } from './sms/sms-channel';
import { compileChannelTemplates } from './templates/channel-templates';

/** What the channels need besides their settings. */
export interface ChannelDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  /** History and forecasts for the email chart (InfluxKpiHistorySource); no chart without it. */
  readonly history?: KpiHistorySource;
  /** Web Push subscriptions (SqlPushSubscriptionStore); the push channel needs it. */
  readonly pushSubscriptions?: PushSubscriptionStore;
  /** Where secret references are read from (default: the process environment and files). */
  readonly secrets?: SecretSources;
  /** Accept http:// push endpoints (tests only). */
  readonly allowInsecurePushEndpoints?: boolean;
  /** Request timeout of the HTTP-based channels (default 10–15 s each). */
  readonly timeoutMs?: number;
  /**
   * A channel whose secret cannot be resolved (unset variable, unreadable file) or whose resolved
   * credentials are unusable: `fail` (default) refuses the whole set; `skip-channel` leaves that
   * channel out and lists it in `ChannelSet.unavailable` (the demo runs without provider secrets;
   * delivery then falls back to the recipients' other channels).
   */
  readonly unavailableChannels?: 'fail' | 'skip-channel';
}

/** The channels configured in `channels:` of notification_settings.yaml, ready to send. */
export interface ChannelSet {
  readonly channels: ReadonlyMap<ChannelName, Channel>;
  /** The Slack Web API client, for the interactivity endpoint (chat.update), when Slack is configured. */
  readonly slackClient?: WebClient;
  /** Slack's signing secret, when `channels.slack.signingSecret` is set (enables the buttons). */
  readonly slackSigningSecret?: string;
  /** Channels left out with `unavailableChannels: 'skip-channel'`, and why (never a secret). */
  readonly unavailable: readonly { readonly channel: ChannelName; readonly reason: string }[];
  /** Closes connection pools (SMTP). */
  close(): Promise<void>;
}

/**
 * Builds every configured channel from the settings: compiles all templates and resolves all secret
 * references before any channel is built, so a missing secret or a broken template fails the
 * whole build with FinmonError(CONFIG_INVALID) naming the setting (never the secret) and nothing
 * half-built stays open — or, with `unavailableChannels: 'skip-channel'`, leaves just that channel
 * out. On a configuration reload, build a new set, swap it in, then close the old one.
 */
export function buildChannels(settings: NotificationSettings, deps: ChannelDeps): ChannelSet {
  const c = settings.channels;
  const templates = compileChannelTemplates(settings.templates);
  const unavailable: { channel: ChannelName; reason: string }[] = [];
  const skip = deps.unavailableChannels === 'skip-channel';
  /** Runs `prepare` for a configured channel; a FinmonError leaves it out in skip mode. */
  const prepared = <T>(channel: ChannelName, configured: boolean, prepare: () => T): T | undefined => {
    if (!configured) return undefined;
    try {
      return prepare();
    } catch (error) {
      if (!skip || !(error instanceof FinmonError)) throw error;
      unavailable.push({ channel, reason: error.message });
      deps.logger.warn({ channel, reason: error.message }, 'channel unavailable; left out');
      return undefined;
    }
  };
  const secret = (path: string, reference: string | undefined): string | undefined => {
    if (reference === undefined) return undefined;
    try {
      return resolveSecretReference(reference, deps.secrets);
    } catch (error) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `${path}: ${(error as Error).message}`, 500, false, { cause: error });
    }
  };

  // Every secret first: with `fail`, nothing is built unless all of them resolve.
  const email = prepared('email', c.email !== undefined, () => ({ password: secret('channels.email.smtp.password', c.email?.smtp.password) }));
  const sms = prepared('sms', c.sms !== undefined, () => {
    const reference = (c.sms as NonNullable<typeof c.sms>).accountSid;
    const accountSid = isSecretReference(reference) ? (secret('channels.sms.accountSid', reference) as string) : reference;
    if (!/^AC[0-9a-fA-F]{32}$/.test(accountSid)) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'channels.sms.accountSid: the resolved value is not a Twilio account SID ("AC" and 32 hex digits)');
    }
    return { accountSid, authToken: secret('channels.sms.authToken', c.sms?.authToken) as string };
  });
  const slack = prepared('slack', c.slack !== undefined, () => ({
    token: secret('channels.slack.botToken', c.slack?.botToken) as string,
    signingSecret: secret('channels.slack.signingSecret', c.slack?.signingSecret),
  }));
  const push = prepared('push', c.push !== undefined, () => {
    if (deps.pushSubscriptions === undefined) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'channels.push is configured but no push subscription store was given (a wiring error)');
    }
    const vapidPrivateKey = secret('channels.push.vapidPrivateKey', c.push?.vapidPrivateKey) as string;
    // The constructor checks the VAPID keys; it opens nothing.
    return new WebPushChannel({
      settings: c.push as NonNullable<typeof c.push>,
      vapidPrivateKey,
      templates: templates.push,
      subscriptions: deps.pushSubscriptions,
      clock: deps.clock,
      logger: deps.logger,
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      ...(deps.allowInsecurePushEndpoints === undefined ? {} : { allowInsecureEndpoints: deps.allowInsecurePushEndpoints }),
    });
  });
  const ntfy = prepared('ntfy', c.ntfy !== undefined, () => ({ token: secret('channels.ntfy.token', c.ntfy?.token) }));

  const channels = new Map<ChannelName, Channel>();
  const closers: (() => Promise<void>)[] = [];
  let slackClient: WebClient | undefined;
  if (push !== undefined) channels.set('push', push);
  if (email !== undefined && c.email !== undefined) {
    const channel = new EmailChannel({
      settings: c.email,
      ...(email.password === undefined ? {} : { password: email.password }),
      templates: templates.email,
      ...(deps.history === undefined ? {} : { history: deps.history }),
      logger: deps.logger,
    });
    closers.push(() => channel.close());
    channels.set('email', channel);
  }
  if (sms !== undefined && c.sms !== undefined) {
    channels.set(
      'sms',
      new SmsChannel({
        settings: c.sms,
        accountSid: sms.accountSid,
        authToken: sms.authToken,
        templates: templates.sms,
        clock: deps.clock,
        ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      }),
    );
  }
  if (slack !== undefined && c.slack !== undefined) {
    slackClient = createSlackWebClient({
      token: slack.token,
      ...(c.slack.apiUrl === undefined ? {} : { apiUrl: c.slack.apiUrl }),
      ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      logger: deps.logger,
    });
    channels.set('slack', new SlackChannel({ settings: c.slack, client: slackClient, templates: templates.slack }));
  }
  if (ntfy !== undefined && c.ntfy !== undefined) {
    channels.set(
      'ntfy',
      new NtfyChannel({
        settings: c.ntfy,
        ...(ntfy.token === undefined ? {} : { token: ntfy.token }),
        templates: templates.ntfy,
        clock: deps.clock,
        ...(deps.timeoutMs === undefined ? {} : { timeoutMs: deps.timeoutMs }),
      }),
    );
  }
  return {
    channels,
    ...(slackClient === undefined ? {} : { slackClient }),
    ...(slack?.signingSecret === undefined ? {} : { slackSigningSecret: slack.signingSecret }),
    unavailable,
    close: async () => {
      await Promise.all(closers.map((close) => close()));
    },
  };
}
