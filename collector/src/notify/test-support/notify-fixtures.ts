import type { Alert, Dispatch, Incident } from '../../alerting/alert-model';
import {
  notificationSettingsSchema,
  recipientChannels,
  type ChannelName,
  type NotificationSettings,
  type Recipient,
} from '../../config/notification-settings-schema';
import type { Channel, ChannelSendInput, SendOutcome } from '../channel-port';

/** 2025-01-15 (a Wednesday) 15:00 UTC = 10:00 in New York. */
export const T0 = Date.UTC(2025, 0, 15, 15, 0);

type RecipientInput = { id: string; timezone?: string; roles?: string[]; channels: Record<string, unknown>; preferences?: Record<string, unknown> };

/**
 * Notification settings through the real schema (defaults and cross-checks applied): every
 * channel configured, the given recipients, roles and digests.
 */
export function testSettings(input: {
  recipients: RecipientInput[];
  digests?: Record<string, unknown>[];
  roles?: string[];
}): NotificationSettings {
  const roles = new Set([...(input.roles ?? []), ...input.recipients.flatMap((r) => r.roles ?? [])]);
  return notificationSettingsSchema.parse({
    version: 1,
    roles: [...roles].map((id) => ({ id, name: id })),
    recipients: input.recipients.map((r) => ({
      name: `Person ${r.id}`,
      timezone: 'America/New_York',
      ...r,
    })),
    channels: {
      email: { smtp: { host: '127.0.0.1', port: 2525 }, from: 'finmon <finmon@example.com>' },
      sms: { provider: 'twilio', accountSid: 'env:TWILIO_SID', authToken: 'env:TWILIO_TOKEN', from: '+12125550100' },
      slack: { botToken: 'env:SLACK_TOKEN' },
      push: { vapidSubject: 'mailto:ops@example.com', vapidPublicKey: 'BPUB', vapidPrivateKey: 'env:VAPID' },
      ntfy: { server: 'http://127.0.0.1:1' },
    },
    routing: { default: { receivers: { recipients: [input.recipients[0]?.id ?? 'nobody'] } } },
    digests: input.digests ?? [],
  });
}

/** Contact details for every channel. */
export const ALL_CHANNELS = {
  email: 'dana@example.com',
  phone: '+12125550142',
  slack: { user: 'U04DANA00' },
  push: ['dana-phone'],
  ntfy: { topic: 'dana-alerts' },
};

let alertSeq = 0;

export function testAlert(overrides: Partial<Alert> = {}): Alert {
  alertSeq += 1;
  return {
    fingerprint: `fp-${alertSeq}`,
    kpi: 'cash_position',
    ruleId: 'low-cash',
    origin: 'static',
    series: {},
    labels: { kpi: 'cash_position' },
    severity: 'critical',
    category: 'financial',
    alertClass: 'critical',
    state: 'firing',
    summary: 'Cash position 812,400 USD is below 1,000,000 USD',
    value: 812_400,
    threshold: 1_000_000,
    details: {},
    priority: 90,
    startsAt: T0,
    firingAt: T0,
    updatedAt: T0,
    flapping: false,
    ruleFile: 'metrics_config.json',
    ...overrides,
  } as Alert;
}

export function testIncident(overrides: Partial<Incident> = {}): Incident {
  const severity = overrides.severity ?? 'critical';
  const alertClass = overrides.alertClass ?? (severity === 'info' ? 'information' : severity);
  const category = overrides.category ?? 'financial';
  const alert = testAlert({ severity, alertClass, category });
  return {
    id: 'inc-1',
    groupKey: 'kpi=cash_position',
    title: 'Cash position below minimum',
    severity,
    category,
    alertClass,
    priority: 90,
    state: 'firing',
    alerts: [alert],
    kpis: ['cash_position'],
    openedAt: T0,
    updatedAt: T0,
    ...overrides,
  };
}

export function testDispatch(overrides: Partial<Dispatch> & { incident?: Incident } = {}): Dispatch {
  const incident = overrides.incident ?? testIncident();
  const reason = overrides.reason ?? 'firing';
  return {
    key: `${incident.id}:${reason}:0`,
    reason,
    incident,
    recipients: ['dana'],
    at: T0,
    ...overrides,
  };
}

export type Script = (input: ChannelSendInput) => SendOutcome | Promise<SendOutcome>;

/**
 * A channel in memory: reaches whoever has contact details for it, answers per `script` (default:
 * ok) and records every call.
 */
export class FakeChannel implements Channel {
  readonly calls: ChannelSendInput[] = [];
  constructor(
    readonly name: ChannelName,
    public script: Script = () => ({ ok: true, providerId: `p-${Math.random().toString(36).slice(2, 8)}` }),
  ) {}

  canReach(recipient: Recipient): boolean {
    return recipientChannels(recipient).includes(this.name);
  }

  async send(input: ChannelSendInput): Promise<SendOutcome> {
    this.calls.push(input);
    return this.script(input);
  }

  /** Delivery ids of the calls that succeeded… as far as the script said. */
  ids(): string[] {
    return this.calls.map((c) => c.deliveryId);
  }
}

export function fakeChannels(): Record<ChannelName, FakeChannel> {
  return {
    email: new FakeChannel('email'),
    sms: new FakeChannel('sms'),
    slack: new FakeChannel('slack'),
    push: new FakeChannel('push'),
    ntfy: new FakeChannel('ntfy'),
  };
}

export const fail = (error = 'HTTP 503', retryable = true, retryAfterMs?: number): SendOutcome => ({
  ok: false,
  retryable,
  error,
  ...(retryAfterMs === undefined ? {} : { retryAfterMs }),
});
