import type { Alert, AlertTransition, Incident } from '../../alerting/alert-model';
import type { Recipient } from '../../config/notification-settings-schema';
import type { ChannelSendInput, DigestContent, NotificationMessage } from '../../notify/channel-port';

/** 2026-03-04 14:15:00 UTC (09:15 in New York). */
export const T0 = Date.UTC(2026, 2, 4, 14, 15, 0);

/** Text that breaks HTML, Slack mrkdwn and line-based formats when inserted unescaped. */
export const HOSTILE = `<script>alert("x")</script> & <!channel> <http://evil.example|click> 'q'`;

export function testAlert(overrides: Partial<Alert> = {}): Alert {
  return {
    fingerprint: 'fp-cash-ops-usd',
    kpi: 'bank_balance',
    ruleId: 'cash-floor',
    origin: 'threshold',
    series: { account: 'ops-usd', currency: 'USD' },
    labels: { kpi: 'bank_balance', severity: 'critical', category: 'financial', team: 'treasury' },
    severity: 'critical',
    category: 'financial',
    alertClass: 'critical',
    state: 'firing',
    summary: 'Cash position ops-usd 812,400 USD is below 1,000,000 USD',
    value: 812_400,
    threshold: 1_000_000,
    details: {},
    priority: 90,
    startsAt: T0 - 20 * 60_000,
    firingAt: T0 - 5 * 60_000,
    updatedAt: T0 - 5 * 60_000,
    flapping: false,
    ruleFile: 'metrics_config.json',
    ...overrides,
  } as Alert;
}

export function testIncident(overrides: Partial<Incident> = {}): Incident {
  const alerts = overrides.alerts ?? [testAlert()];
  return {
    id: 'inc-42',
    groupKey: 'team=treasury',
    title: 'Cash below floor',
    severity: 'critical',
    category: 'financial',
    alertClass: 'critical',
    priority: 90,
    state: 'firing',
    alerts,
    kpis: [...new Set(alerts.map((a) => a.kpi))],
    openedAt: T0 - 5 * 60_000,
    updatedAt: T0,
    ...overrides,
  };
}

export function testRecipient(overrides: Partial<Recipient> = {}): Recipient {
  return {
    id: 'treasurer',
    name: 'Priya Raman',
    roles: ['treasury'],
    timezone: 'America/New_York',
    channels: {
      email: 'priya.raman@northwind-robotics.example',
      phone: '+16465550163',
      slack: { user: 'U04TRS0PR' },
      push: ['pr-iphone-81be44'],
      ntfy: { topic: 'nwrb-priya' },
    },
    preferences: { severities: ['critical', 'warning', 'info'] },
    ...overrides,
  } as Recipient;
}

export function incidentMessage(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return {
    kind: 'incident',
    reason: 'firing',
    incident: testIncident(),
    at: T0,
    dashboardUrl: 'https://grafana.example/d/finmon-cash?var-kpi=bank_balance&from=now-30d',
    ...overrides,
  };
}

export function testDigest(overrides: Partial<DigestContent> = {}): DigestContent {
  return {
    id: 'daily-finance',
    title: 'Daily finance digest',
    periodStart: T0 - 86_400_000,
    periodEnd: T0,
    rows: [
      { kpi: 'revenue', name: 'Revenue', value: 1_254_300.5, unit: 'USD', target: 1_200_000, status: 'ok' },
      { kpi: 'bank_balance', name: 'Cash position', value: 812_400, unit: 'USD', target: 1_000_000, status: 'critical' },
      { kpi: 'dso', name: 'Days sales outstanding', value: 47.25, unit: 'days', status: 'warning' },
    ],
    alerts: [testAlert(), testAlert({ fingerprint: 'fp-dso', kpi: 'dso', severity: 'warning', summary: 'DSO 47.25 days above 45', state: 'resolved' })],
    ...overrides,
  };
}

export function digestMessage(overrides: Partial<NotificationMessage> = {}): NotificationMessage {
  return { kind: 'digest', reason: 'digest', digest: testDigest(), at: T0, ...overrides };
}

export function sendInput(message: NotificationMessage, overrides: Partial<ChannelSendInput> = {}): ChannelSendInput {
  return { deliveryId: 'inc-42:firing:0:treasurer:email', recipient: testRecipient(), message, attempt: 1, ...overrides };
}

export function testTransition(overrides: Partial<AlertTransition> = {}): AlertTransition {
  const alert = overrides.alert ?? testAlert();
  return {
    fingerprint: alert.fingerprint,
    from: 'pending',
    to: 'firing',
    at: T0,
    actor: { kind: 'system', name: 'rule-engine' },
    reason: 'value 812,400 below 1,000,000 for 15m',
    alert,
    ...overrides,
  };
}
