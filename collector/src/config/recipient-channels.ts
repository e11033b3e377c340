import type { ChannelName, Recipient } from './notification-settings-schema';

/** The channels a recipient can be reached on: email needs an address, sms a phone, and so on. */
export function recipientChannels(recipient: Pick<Recipient, 'channels'>): ChannelName[] {
  const c = recipient.channels;
  const out: ChannelName[] = [];
  if (c.email !== undefined) out.push('email');
  if (c.phone !== undefined) out.push('sms');
  if (c.slack !== undefined) out.push('slack');
  if (c.push !== undefined) out.push('push');
  if (c.ntfy !== undefined) out.push('ntfy');
  return out;
}
