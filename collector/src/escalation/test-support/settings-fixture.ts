import { notificationSettingsSchema, type NotificationSettings } from '../../config/notification-settings-schema';

/**
 * A small company for escalation tests (validated by the real schema):
 * - treasury: priya (New York) and tomas (Chicago); dana the CFO; marcus the CEO; the SRE
 *   rotation alex → jordan → sam (weekly, Monday 09:00 New York, from 2025-01-06);
 * - routes: system alerts to the SRE on call (continue), critical treasury alerts escalate with
 *   `finance-critical` (continue), covenants to dana (continue), SRE alerts escalate with
 *   `sre-oncall`, treasury warnings to the treasury role; the rest to #finance-alerts;
 * - finance-critical: treasury 15m → dana 30m → marcus 1h, repeat 1, ackTimeout 4h;
 * - sre-oncall (business hours in London): on call 10m → dana 20m (business hours) → every SRE
 *   (outside business hours), ackTimeout 2h.
 */
export function testSettingsInput(): Record<string, unknown> {
  const person = (id: string, roles: string[], timezone: string, channels: Record<string, unknown>) => ({ id, name: id, roles, timezone, channels });
  return {
    version: 1,
    roles: ['treasury', 'cfo', 'executive', 'sre', 'finance-channel'].map((id) => ({ id, name: id })),
    recipients: [
      person('priya', ['treasury'], 'America/New_York', { email: 'priya@example.com', phone: '+12125550101', push: ['p-1'] }),
      person('tomas', ['treasury'], 'America/Chicago', { email: 'tomas@example.com', phone: '+13125550102', push: ['t-1'] }),
      person('dana', ['cfo', 'executive'], 'America/New_York', { email: 'dana@example.com', phone: '+12125550103', push: ['d-1'] }),
      person('marcus', ['executive'], 'America/New_York', { email: 'marcus@example.com', phone: '+12125550104' }),
      person('alex', ['sre'], 'America/New_York', { email: 'alex@example.com', phone: '+12125550105' }),
      person('jordan', ['sre'], 'America/Denver', { email: 'jordan@example.com', phone: '+17205550106' }),
      person('sam', ['sre'], 'Europe/London', { email: 'sam@example.com', phone: '+447700900107' }),
      person('finance-alerts', ['finance-channel'], 'America/New_York', { slack: { channel: '#finance-alerts' } }),
    ],
    channels: {
      email: { smtp: { host: 'smtp.example.com', port: 587 }, from: 'finmon <finmon@example.com>' },
      sms: { provider: 'twilio', accountSid: 'env:TWILIO_SID', authToken: 'env:TWILIO_TOKEN', from: '+12125550100' },
      slack: { botToken: 'env:SLACK_TOKEN' },
      push: { vapidSubject: 'mailto:ops@example.com', vapidPublicKey: 'BPUBLIC', vapidPrivateKey: 'env:VAPID_KEY' },
    },
    routing: {
      default: { receivers: { recipients: ['finance-alerts'] }, channels: ['slack'] },
      routes: [
        { name: 'system', match: { category: ['system'] }, receivers: { schedules: ['sre-primary'] }, channels: ['sms'], continue: true },
        { name: 'critical-treasury', match: { severity: ['critical'], team: ['treasury'] }, escalation: 'finance-critical', continue: true },
        { name: 'covenants', match: { kpi: ['debt_to_ebitda'] }, receivers: { recipients: ['dana'] }, channels: ['email'], continue: true },
        { name: 'sre', match: { team: ['sre'] }, escalation: 'sre-oncall' },
        { name: 'treasury-warnings', match: { team: ['treasury'], severity: ['warning', 'info'] }, receivers: { roles: ['treasury'] }, channels: ['email'] },
      ],
    },
    escalation: {
      policies: [
        {
          id: 'finance-critical',
          name: 'Critical finance alert',
          repeat: 1,
          ackTimeout: '4h',
          levels: [
            { targets: { roles: ['treasury'] }, channels: ['push', 'sms'], timeout: '15m' },
            { targets: { recipients: ['dana'] }, channels: ['sms', 'email'], timeout: '30m' },
            { targets: { recipients: ['marcus'] }, channels: ['sms'], timeout: '1h' },
          ],
        },
        {
          id: 'sre-oncall',
          name: 'Platform incident',
          ackTimeout: '2h',
          businessHours: { timezone: 'Europe/London', start: '09:00', end: '17:00' },
          levels: [
            { targets: { schedules: ['sre-primary'] }, channels: ['sms'], timeout: '10m' },
            { targets: { recipients: ['dana'] }, channels: ['email'], timeout: '20m', when: 'business_hours' },
            { targets: { roles: ['sre'] }, channels: ['sms'], when: 'outside_business_hours' },
          ],
        },
      ],
    },
    schedules: [
      {
        id: 'sre-primary',
        name: 'SRE primary',
        timezone: 'America/New_York',
        rotation: { recipients: ['alex', 'jordan', 'sam'], every: 'weekly', handoffDay: 'monday', handoffTime: '09:00', startDate: '2025-01-06' },
      },
    ],
  };
}

export function testSettings(change: (input: Record<string, any>) => void = () => {}): NotificationSettings {
  const input = testSettingsInput();
  change(input);
  return notificationSettingsSchema.parse(input);
}
