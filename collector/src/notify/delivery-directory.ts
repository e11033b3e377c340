import type { ChannelName, Digest, NotificationSettings, Recipient } from '../config/notification-settings-schema';
import type { Channel, NotificationMessage } from './channel-port';

/** The part of notification_settings.yaml delivery needs. */
export type DeliverySettings = Pick<NotificationSettings, 'recipients' | 'digests'>;

/**
 * The recipients, digests and channels delivery works with right now. Reconfiguring swaps them at
 * once (a hot reload); the outbox, breakers and timers are not touched, so nothing in flight is
 * lost. Deliveries are stored by recipient id and channel name and looked up here when they are
 * sent, so an edited address is used from the next attempt on.
 */
export class DeliveryDirectory {
  private recipientsById: ReadonlyMap<string, Recipient> = new Map();
  private digestList: readonly Digest[] = [];
  private channelsByName: ReadonlyMap<ChannelName, Channel> = new Map();

  constructor(settings: DeliverySettings, channels: readonly Channel[]) {
    this.reconfigure(settings);
    this.setChannels(channels);
  }

  get recipients(): ReadonlyMap<string, Recipient> {
    return this.recipientsById;
  }

  get digests(): readonly Digest[] {
    return this.digestList;
  }

  get channels(): ReadonlyMap<ChannelName, Channel> {
    return this.channelsByName;
  }

  reconfigure(settings: DeliverySettings): void {
    this.recipientsById = new Map(settings.recipients.map((r) => [r.id, r]));
    this.digestList = [...settings.digests];
  }

  /** Replaces the channels (e.g. rebuilt after their settings changed); one per name, the last wins. */
  setChannels(channels: readonly Channel[]): void {
    this.channelsByName = new Map(channels.map((c) => [c.name, c]));
  }

  /** Whether `channel` is configured, reaches `recipient` and carries `message`. */
  reaches(channel: ChannelName, recipient: Recipient, message: NotificationMessage): boolean {
    return carries(this.channelsByName.get(channel), recipient, message);
  }
}

/** Whether a channel (if any) reaches the recipient and accepts the message. */
export function carries(channel: Channel | undefined, recipient: Recipient, message: NotificationMessage): boolean {
  return channel !== undefined && channel.canReach(recipient) && (channel.accepts?.(message) ?? true);
}
