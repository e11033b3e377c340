import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import webpush from 'web-push';
import { parseNotificationSettings } from '../config/config-loader';
import type { SecretSources } from '../config/secret-reference';
import { ManualClock } from '../core/clock';
import { ErrorCodes } from '../core/errors';
import { buildChannels, type ChannelSet } from './build-channels';
import { InMemoryKpiHistorySource } from './charts/kpi-history-source';
import { InMemoryPushSubscriptionStore } from './push/push-subscription-store';
import { captureLogger } from './test-support/capture-logger';
import { fakePushService } from './test-support/fake-push-service';
import { fakeSlackApi } from './test-support/fake-slack-api';
import { fakeTwilioApi } from './test-support/fake-twilio-api';
import { incidentMessage, sendInput, T0 } from './test-support/fixtures';
import { LocalHttpServer } from './test-support/local-http-server';
import { LocalSmtpServer } from './test-support/local-smtp-server';

const REPO_SETTINGS = readFileSync(join(__dirname, '../../../notification_settings.yaml'), 'utf8');

const SECRETS = {
  FINMON_SMTP_PASSWORD: 'smtp-Pw-a81f',
  TWILIO_ACCOUNT_SID: `AC${'a1b2c3d4'.repeat(4)}`,
  TWILIO_AUTH_TOKEN: 'twilio-Tok-77c2',
  FINMON_SLACK_BOT_TOKEN: 'xoxb-Slack-5d9e',
  FINMON_SLACK_SIGNING_SECRET: 'slack-Sign-0b3a',
  FINMON_NTFY_TOKEN: 'tk_Ntfy-6e1f',
};
const VAPID = webpush.generateVAPIDKeys();

function sources(env: Record<string, string> = SECRETS, files: Record<string, string> = { '/run/secrets/finmon_vapid_private_key': `${VAPID.privateKey}\n` }): SecretSources {
  return {
    env,
    readFile: (path) => {
      const content = files[path];
      if (content === undefined) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return content;
    },
  };
}

const deps = (overrides: Partial<Parameters<typeof buildChannels>[1]> = {}) => ({
  logger: captureLogger().logger,
  clock: new ManualClock(T0),
  pushSubscriptions: new InMemoryPushSubscriptionStore(),
  secrets: sources(),
  ...overrides,
});

describe('buildChannels from the repository notification_settings.yaml', () => {
  it('builds all five channels', async () => {
    const set = buildChannels(parseNotificationSettings(REPO_SETTINGS), deps());
    try {
      expect([...set.channels.keys()].sort()).toEqual(['email', 'ntfy', 'push', 'slack', 'sms']);
      expect([...set.channels.values()].every((c) => set.channels.get(c.name) === c)).toBe(true);
      expect(set.slackClient).toBeDefined();
      expect(set.slackSigningSecret).toBeUndefined();
    } finally {
      await set.close();
    }
  });

  it('names the setting and the variable of a missing secret, never a secret value', () => {
    const { FINMON_SLACK_BOT_TOKEN: _omitted, ...rest } = SECRETS;
    const build = () => buildChannels(parseNotificationSettings(REPO_SETTINGS), deps({ secrets: sources(rest) }));
    expect(build).toThrow(expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID }));
    expect(build).toThrow('channels.slack.botToken: secret env:FINMON_SLACK_BOT_TOKEN: environment variable FINMON_SLACK_BOT_TOKEN is not set or empty');
  });

  it('can leave out the channels whose secrets are missing instead (the demo has no provider secrets)', async () => {
    const log = captureLogger();
    const set = buildChannels(parseNotificationSettings(REPO_SETTINGS), deps({ secrets: sources({}, {}), unavailableChannels: 'skip-channel', logger: log.logger }));
    try {
      expect([...set.channels.keys()]).toEqual([]);
      expect(set.unavailable.map((u) => u.channel)).toEqual(['email', 'sms', 'slack', 'push', 'ntfy']);
      expect(set.unavailable[0]!.reason).toBe('channels.email.smtp.password: secret env:FINMON_SMTP_PASSWORD: environment variable FINMON_SMTP_PASSWORD is not set or empty');
      expect(log.text()).toContain('channel unavailable; left out');
    } finally {
      await set.close();
    }
    const partial = buildChannels(parseNotificationSettings(REPO_SETTINGS), deps({ secrets: sources({ ...SECRETS, TWILIO_AUTH_TOKEN: '' }), unavailableChannels: 'skip-channel' }));
    expect([...partial.channels.keys()].sort()).toEqual(['email', 'ntfy', 'push', 'slack']);
    await partial.close();
  });

  it('names an unreadable secret file', () => {
    expect(() => buildChannels(parseNotificationSettings(REPO_SETTINGS), deps({ secrets: sources(SECRETS, {}) }))).toThrow(
      /^channels\.push\.vapidPrivateKey: secret file:\/run\/secrets\/finmon_vapid_private_key: cannot read .* \(ENOENT\)$/,
    );
  });

  it('refuses an unusable VAPID key or a resolved account SID that is not one, without showing them', () => {
    const badKey = 'bm90LWEta2V5';
    const messages: string[] = [];
    for (const secrets of [sources(SECRETS, { '/run/secrets/finmon_vapid_private_key': badKey }), sources({ ...SECRETS, TWILIO_ACCOUNT_SID: 'SKnotanaccount' })]) {
      try {
        buildChannels(parseNotificationSettings(REPO_SETTINGS), deps({ secrets }));
      } catch (error) {
        expect((error as { code?: string }).code).toBe(ErrorCodes.CONFIG_INVALID);
        messages.push((error as Error).message);
      }
    }
    expect(messages).toHaveLength(2);
    expect(messages[0]).toMatch(/^channels\.push: the VAPID keys are not usable/);
    expect(messages[1]).toBe('channels.sms.accountSid: the resolved value is not a Twilio account SID ("AC" and 32 hex digits)');
    expect(messages.join(' ')).not.toMatch(new RegExp([badKey, 'SKnotanaccount', ...Object.values(SECRETS)].join('|')));
  });

  it('rejects a broken custom template when the file loads, with file, line and path', () => {
    const broken = `${REPO_SETTINGS}\ntemplates:\n  sms:\n    text: "{{severityUpper}} {{titel}}"\n`;
    expect(() => parseNotificationSettings(broken)).toThrow(/templates\.sms\.text.*template line 1, column 19: unknown name "titel"/s);
  });
});

describe('a channel set pointed at local endpoints delivers on every channel', () => {
  const smtp = new LocalSmtpServer({ user: 'finmon-alerts', password: SECRETS.FINMON_SMTP_PASSWORD });
  const twilio = fakeTwilioApi({ accountSid: SECRETS.TWILIO_ACCOUNT_SID, authToken: SECRETS.TWILIO_AUTH_TOKEN });
  const slack = fakeSlackApi({ token: SECRETS.FINMON_SLACK_BOT_TOKEN });
  const push = fakePushService({ now: () => Date.now(), vapidSubject: 'mailto:finmon-admin@northwind-robotics.example' });
  const ntfy = new LocalHttpServer(() => ({ status: 200, body: { id: 'n1', event: 'message' } }));
  let set: ChannelSet;
  const log = captureLogger();

  beforeAll(async () => {
    await Promise.all([smtp.start(), twilio.server.start(), slack.server.start(), push.server.start(), ntfy.start()]);
    const yaml = REPO_SETTINGS.replace(/\nchannels:\n[\s\S]*?\n# Routes/, `
channels:
  email:
    smtp: { host: 127.0.0.1, port: ${smtp.port}, secure: false, username: finmon-alerts, password: env:FINMON_SMTP_PASSWORD }
    from: "finmon <finmon-alerts@northwind-robotics.example>"
  sms:
    provider: twilio
    accountSid: env:TWILIO_ACCOUNT_SID
    authToken: env:TWILIO_AUTH_TOKEN
    from: "+16465550100"
    apiUrl: ${twilio.server.url}
  slack:
    botToken: env:FINMON_SLACK_BOT_TOKEN
    signingSecret: env:FINMON_SLACK_SIGNING_SECRET
    apiUrl: ${slack.server.url}/api/
  push:
    vapidSubject: mailto:finmon-admin@northwind-robotics.example
    vapidPublicKey: ${VAPID.publicKey}
    vapidPrivateKey: file:/run/secrets/finmon_vapid_private_key
  ntfy:
    server: ${ntfy.url}
    token: env:FINMON_NTFY_TOKEN

# Routes`);
    const settings = parseNotificationSettings(yaml);
    const subscriptions = new InMemoryPushSubscriptionStore();
    const device = push.subscribe('dw-iphone-2f9c1a');
    await subscriptions.upsert({ id: 'dw-iphone-2f9c1a', endpoint: device.endpoint, p256dh: device.p256dh, auth: device.auth, createdAt: T0 });
    set = buildChannels(settings, {
      ...deps({ logger: log.logger, pushSubscriptions: subscriptions }),
      history: new InMemoryKpiHistorySource().add('bank_balance', { account: 'ops-usd', currency: 'USD' }, [
        { time: T0 - 86_400_000, value: 1_050_000 },
        { time: T0, value: 812_400 },
      ]),
      allowInsecurePushEndpoints: true,
      timeoutMs: 3000,
    });
    expect(set.slackSigningSecret).toBe(SECRETS.FINMON_SLACK_SIGNING_SECRET);
  });
  afterAll(async () => {
    await set.close();
    await Promise.all([smtp.stop(), twilio.server.stop(), slack.server.stop(), push.server.stop(), ntfy.stop()]);
  });

  it('sends one notification per channel to the CFO of the repository settings, and logs no secret', async () => {
    const cfo = parseNotificationSettings(REPO_SETTINGS).recipients.find((r) => r.id === 'cfo')!;
    const cfoWithNtfy = { ...cfo, channels: { ...cfo.channels, ntfy: { topic: 'nwrb-cfo' } } };
    for (const name of ['email', 'sms', 'slack', 'push', 'ntfy'] as const) {
      const channel = set.channels.get(name)!;
      expect(channel.canReach(cfoWithNtfy)).toBe(true);
      expect(await channel.send(sendInput(incidentMessage(), { recipient: cfoWithNtfy, deliveryId: `inc-42:firing:0:cfo:${name}` }))).toMatchObject({ ok: true });
    }
    expect(smtp.mails).toHaveLength(1);
    expect(smtp.mails[0]!.parsed.attachments.map((a) => a.contentType)).toEqual(['image/png']);
    expect(twilio.messages.map((m) => m.to)).toEqual(['+12125550142']);
    expect(slack.calls.map((c) => [c.method, c.args.channel])).toEqual([['chat.postMessage', 'U04CFO0DW']]);
    expect(push.received).toHaveLength(1);
    expect(push.rejections).toEqual([]);
    expect(ntfy.requests.map((r) => [r.url, r.headers.authorization])).toEqual([['/nwrb-cfo', `Bearer ${SECRETS.FINMON_NTFY_TOKEN}`]]);
    const logged = log.text();
    for (const value of [...Object.values(SECRETS), VAPID.privateKey]) expect(logged).not.toContain(value);
  });

  it('never puts a secret into a failure it reports', async () => {
    await Promise.all([smtp.stop(), twilio.server.stop(), slack.server.stop(), push.server.stop(), ntfy.stop()]);
    try {
      const cfo = parseNotificationSettings(REPO_SETTINGS).recipients.find((r) => r.id === 'cfo')!;
      const recipient = { ...cfo, channels: { ...cfo.channels, ntfy: { topic: 'nwrb-cfo' } } };
      const outcomes = await Promise.all([...set.channels.values()].map((c) => c.send(sendInput(incidentMessage(), { recipient, deliveryId: `x:${c.name}` }))));
      expect(outcomes.every((o) => !o.ok && o.retryable)).toBe(true);
      const text = JSON.stringify(outcomes) + log.text();
      for (const value of [...Object.values(SECRETS), VAPID.privateKey]) expect(text).not.toContain(value);
    } finally {
      await Promise.all([smtp.start(), twilio.server.start(), slack.server.start(), push.server.start(), ntfy.start()]);
    }
  });
});
