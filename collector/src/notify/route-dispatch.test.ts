import type { ChannelName, Recipient } from '../config/notification-settings-schema';
import type { Channel, NotificationMessage } from './channel-port';
import { digestIncludes, fallbackOrder, routeDispatch, type RoutingContext } from './route-dispatch';
import { ALL_CHANNELS, fakeChannels, T0, testDispatch, testIncident, testSettings } from './test-support/notify-fixtures';

function context(settings: ReturnType<typeof testSettings>, now = T0, channels?: Channel[]): RoutingContext {
  const list = channels ?? Object.values(fakeChannels());
  return {
    recipients: new Map(settings.recipients.map((r) => [r.id, r])),
    digests: settings.digests,
    channels: new Map<ChannelName, Channel>(list.map((c) => [c.name, c])),
    now,
  };
}

const NIGHT = Date.UTC(2025, 0, 16, 4, 0); // 23:00 in New York
const MORNING = Date.UTC(2025, 0, 16, 12, 0); // 07:00 in New York

describe('routeDispatch', () => {
  it("sends on the dispatch's channels, each once, with the recipient's other channels as fallback", () => {
    const settings = testSettings({ recipients: [{ id: 'dana', channels: ALL_CHANNELS }] });
    const [plan] = routeDispatch(testDispatch({ channels: ['sms', 'push', 'sms'] }), context(settings));
    expect(plan).toMatchObject({ kind: 'deliver', digestIds: [] });
    if (plan?.kind !== 'deliver') throw new Error('expected deliver');
    expect(plan.deliveries).toEqual([
      { channel: 'sms', notBefore: T0, fallback: ['email', 'slack', 'ntfy'] },
      { channel: 'push', notBefore: T0, fallback: ['email', 'slack', 'ntfy'] },
    ]);
  });

  it("uses the recipient's own channels when the dispatch names none", () => {
    const settings = testSettings({ recipients: [{ id: 'dana', channels: { email: 'd@example.com', slack: { user: 'U0DANA' } } }] });
    const [plan] = routeDispatch(testDispatch(), context(settings));
    expect(plan?.kind === 'deliver' && plan.deliveries.map((d) => d.channel)).toEqual(['email', 'slack']);
  });

  it('skips channels that cannot reach the recipient, or are not configured', () => {
    const settings = testSettings({ recipients: [{ id: 'dana', channels: { email: 'd@example.com', phone: '+12125550142' } }] });
    const channels = fakeChannels();
    const [plan] = routeDispatch(
      testDispatch({ channels: ['slack', 'sms', 'email'] }),
      context(settings, T0, [channels.slack, channels.email]), // no SMS channel configured
    );
    expect(plan?.kind === 'deliver' && plan.deliveries.map((d) => d.channel)).toEqual(['email']);
  });

  it("falls back to the recipient's first reachable channel when no requested channel reaches them", () => {
    const settings = testSettings({ recipients: [{ id: 'dana', channels: { email: 'd@example.com', phone: '+12125550142' } }] });
    const [plan] = routeDispatch(testDispatch({ channels: ['slack', 'push'] }), context(settings));
    expect(plan).toMatchObject({ kind: 'deliver', note: expect.stringContaining('using email') });
    expect(plan?.kind === 'deliver' && plan.deliveries).toEqual([{ channel: 'email', notBefore: T0, fallback: ['sms'] }]);
  });

  it('skips a channel that does not carry the message (Channel.accepts), e.g. SMS only for critical', () => {
    const settings = testSettings({ recipients: [{ id: 'dana', channels: { email: 'd@example.com', phone: '+12125550142' } }] });
    const channels = fakeChannels();
    const criticalSms = Object.assign(channels.sms, { accepts: (m: NotificationMessage) => m.incident?.severity === 'critical' });
    const ctx = context(settings, T0, [criticalSms, channels.email]);
    const warning = routeDispatch(testDispatch({ incident: testIncident({ severity: 'warning' }), channels: ['sms'] }), ctx)[0];
    expect(warning?.kind === 'deliver' && warning.deliveries).toEqual([{ channel: 'email', notBefore: T0, fallback: [] }]);
    const critical = routeDispatch(testDispatch({ channels: ['sms'] }), ctx)[0];
    expect(critical?.kind === 'deliver' && critical.deliveries).toEqual([{ channel: 'sms', notBefore: T0, fallback: ['email'] }]);
  });

  it('skips a recipient no configured channel reaches', () => {
    const settings = testSettings({ recipients: [{ id: 'dana', channels: { email: 'd@example.com' } }] });
    const channels = fakeChannels();
    expect(routeDispatch(testDispatch(), context(settings, T0, [channels.sms]))).toEqual([
      { kind: 'skip', recipientId: 'dana', reason: 'unreachable', detail: expect.stringContaining('dana') },
    ]);
  });

  it('skips unknown recipients and severities the recipient does not want, and plans each recipient once', () => {
    const settings = testSettings({
      recipients: [
        { id: 'dana', channels: ALL_CHANNELS },
        { id: 'marcus', channels: { email: 'm@example.com' }, preferences: { severities: ['critical'] } },
      ],
    });
    const warning = testDispatch({ incident: testIncident({ severity: 'warning' }), recipients: ['ghost', 'marcus', 'dana', 'dana'] });
    expect(routeDispatch(warning, context(settings)).map((p) => [p.kind, p.kind === 'skip' ? p.reason : p.recipient.id])).toEqual([
      ['skip', 'unknown'],
      ['skip', 'filtered'],
      ['deliver', 'dana'],
    ]);
  });

  describe('quiet hours', () => {
    const settings = testSettings({
      recipients: [
        { id: 'dana', channels: ALL_CHANNELS, preferences: { quietHours: { start: '22:00', end: '07:00' } } },
        { id: 'tomas', channels: ALL_CHANNELS, timezone: 'America/Chicago', preferences: { quietHours: { start: '20:00', end: '07:30', allow: [] } } },
      ],
    });
    const notBefore = (severity: 'critical' | 'warning', recipient: string, now: number) => {
      const [plan] = routeDispatch(testDispatch({ incident: testIncident({ severity }), recipients: [recipient], channels: ['email'] }), context(settings, now));
      return plan?.kind === 'deliver' ? plan.deliveries[0]?.notBefore : undefined;
    };

    it('hold a warning until they end in the recipient time zone', () => {
      expect(notBefore('warning', 'dana', NIGHT)).toBe(MORNING);
      // 22:00 in Chicago, quiet until 07:30 Chicago = 13:30 UTC
      expect(notBefore('warning', 'tomas', NIGHT)).toBe(Date.UTC(2025, 0, 16, 13, 30));
    });

    it('let critical through by default, and only what `allow` names', () => {
      expect(notBefore('critical', 'dana', NIGHT)).toBe(NIGHT);
      expect(notBefore('critical', 'tomas', NIGHT)).toBe(Date.UTC(2025, 0, 16, 13, 30));
    });

    it('do not hold anything outside them', () => {
      expect(notBefore('warning', 'dana', T0)).toBe(T0);
    });
  });

  describe('information alerts and digests', () => {
    const settings = testSettings({
      recipients: [
        { id: 'dana', roles: ['cfo'], channels: ALL_CHANNELS },
        { id: 'priya', roles: ['treasury'], channels: ALL_CHANNELS },
        { id: 'sam', channels: ALL_CHANNELS },
      ],
      digests: [
        { id: 'daily', name: 'Daily', schedule: '0 7 * * 1-5', timezone: 'America/New_York', roles: ['cfo', 'treasury'], include: { categories: ['financial'] } },
        { id: 'weekly', name: 'Weekly', schedule: '0 8 * * 1', timezone: 'America/New_York', recipients: ['dana'], include: { severities: ['critical', 'warning'] } },
      ],
    });

    it('wait for the digests that cover the recipient (by role or id) and include them', () => {
      const info = testDispatch({ reason: 'information', incident: testIncident({ severity: 'info' }), recipients: ['dana', 'priya'] });
      expect(routeDispatch(info, context(settings)).map((p) => (p.kind === 'digest' ? [p.recipient.id, p.digestIds] : p.kind))).toEqual([
        ['dana', ['daily']],
        ['priya', ['daily']],
      ]);
    });

    it('go out at once to a recipient no digest covers, or when the filters leave them out', () => {
      const info = testDispatch({ reason: 'information', incident: testIncident({ severity: 'info' }), recipients: ['sam'] });
      expect(routeDispatch(info, context(settings))[0]?.kind).toBe('deliver');
      const operational = testDispatch({
        reason: 'information',
        incident: testIncident({ severity: 'info', category: 'operational' }),
        recipients: ['priya'],
      });
      expect(routeDispatch(operational, context(settings))[0]?.kind).toBe('deliver');
    });

    it('other alerts are sent and also recorded in the digests that include them', () => {
      const warning = testDispatch({ incident: testIncident({ severity: 'warning' }), recipients: ['dana'] });
      expect(routeDispatch(warning, context(settings))[0]).toMatchObject({ kind: 'deliver', digestIds: ['daily', 'weekly'] });
    });

    it('digestIncludes applies severities and categories', () => {
      const [daily, weekly] = settings.digests;
      expect(digestIncludes(daily!, { severity: 'info', category: 'financial' })).toBe(true);
      expect(digestIncludes(daily!, { severity: 'info', category: 'market' })).toBe(false);
      expect(digestIncludes(weekly!, { severity: 'info', category: 'financial' })).toBe(false);
    });
  });

  it('fallback order: the `fallback` preference first, then the remaining own channels', () => {
    const settings = testSettings({
      recipients: [{ id: 'dana', channels: ALL_CHANNELS, preferences: { fallback: ['ntfy', 'sms'] } }],
    });
    expect(fallbackOrder(settings.recipients[0] as Recipient)).toEqual(['ntfy', 'sms', 'email', 'slack', 'push']);
    const [plan] = routeDispatch(testDispatch({ channels: ['sms'] }), context(settings));
    expect(plan?.kind === 'deliver' && plan.deliveries[0]?.fallback).toEqual(['ntfy', 'email', 'slack', 'push']);
  });
});
