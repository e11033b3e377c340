/**
 * Web Push subscriptions: what a browser's `PushManager.subscribe()` returned (the push service's
 * endpoint URL and the keys to encrypt for it), stored under an id that notification_settings.yaml
 * lists for a recipient (`channels.push: [id, …]`). Also remembers which subscription already got
 * which delivery, so a retry reaches only the ones that missed it.
 */

export interface PushSubscriptionRecord {
  readonly id: string;
  readonly endpoint: string;
  /** The browser's P-256 ECDH public key, base64url. */
  readonly p256dh: string;
  /** The browser's 16-byte auth secret, base64url. */
  readonly auth: string;
  readonly label?: string;
  /** The API token name that registered it. */
  readonly createdBy?: string;
  readonly createdAt: number;
  readonly lastSuccessAt?: number;
  /** Set when the push service answered 404/410: the subscription expired or was revoked. */
  readonly goneAt?: number;
}

export interface PushSubscriptionStore {
  /** Stores or replaces a subscription (a device that subscribes again keeps its id); clears `goneAt`. */
  upsert(record: Omit<PushSubscriptionRecord, 'lastSuccessAt' | 'goneAt'>): Promise<void>;
  /** The subscriptions with these ids that exist, in the order asked. */
  getMany(ids: readonly string[]): Promise<PushSubscriptionRecord[]>;
  list(): Promise<PushSubscriptionRecord[]>;
  delete(id: string): Promise<boolean>;
  markSuccess(id: string, at: number): Promise<void>;
  markGone(id: string, at: number): Promise<void>;
  /** Ids among `subscriptionIds` that already received `deliveryId`. */
  sentTo(deliveryId: string, subscriptionIds: readonly string[]): Promise<Set<string>>;
  recordSent(deliveryId: string, subscriptionId: string, at: number): Promise<void>;
  /** Forgets delivery records older than `before`; returns how many. */
  pruneSent(before: number): Promise<number>;
}

/** Subscriptions in memory, for tests and the demo. */
export class InMemoryPushSubscriptionStore implements PushSubscriptionStore {
  private readonly records = new Map<string, PushSubscriptionRecord>();
  private readonly sent = new Map<string, number>();

  async upsert(record: Omit<PushSubscriptionRecord, 'lastSuccessAt' | 'goneAt'>): Promise<void> {
    this.forgetDeliveries(record.id);
    this.records.set(record.id, { ...record });
  }

  async getMany(ids: readonly string[]): Promise<PushSubscriptionRecord[]> {
    return ids.flatMap((id) => {
      const record = this.records.get(id);
      return record ? [record] : [];
    });
  }

  async list(): Promise<PushSubscriptionRecord[]> {
    return [...this.records.values()].sort((a, b) => a.id.localeCompare(b.id));
  }

  async delete(id: string): Promise<boolean> {
    this.forgetDeliveries(id);
    return this.records.delete(id);
  }

  private forgetDeliveries(subscriptionId: string): void {
    for (const key of [...this.sent.keys()]) if (key.endsWith(`\u0000${subscriptionId}`)) this.sent.delete(key);
  }

  async markSuccess(id: string, at: number): Promise<void> {
    const record = this.records.get(id);
    if (record) this.records.set(id, { ...record, lastSuccessAt: at });
  }

  async markGone(id: string, at: number): Promise<void> {
    const record = this.records.get(id);
    if (record) this.records.set(id, { ...record, goneAt: at });
  }

  async sentTo(deliveryId: string, subscriptionIds: readonly string[]): Promise<Set<string>> {
    return new Set(subscriptionIds.filter((id) => this.sent.has(`${deliveryId}\u0000${id}`)));
  }

  async recordSent(deliveryId: string, subscriptionId: string, at: number): Promise<void> {
    const key = `${deliveryId}\u0000${subscriptionId}`;
    if (!this.sent.has(key)) this.sent.set(key, at);
  }

  async pruneSent(before: number): Promise<number> {
    let removed = 0;
    for (const [key, at] of [...this.sent]) {
      if (at < before) {
        this.sent.delete(key);
        removed += 1;
      }
    }
    return removed;
  }
}
