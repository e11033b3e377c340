import type { Alert, DispatchReason, Incident } from '../alerting/alert-model';
import type { ChannelName, Recipient } from '../config/notification-settings-schema';

/**
 * The port between delivery (the notify layer: routing, outbox, retries, breakers) and the channels
 * (collector/src/channels/<name>/). A channel only turns one message for one recipient into one
 * provider call and says whether a failure is worth retrying; backoff, breakers, dead letters and
 * fallback live in the notify layer, in one place.
 */

/** What a message is about: one incident (from a Dispatch) or a digest. */
export interface DigestContent {
  readonly id: string;
  readonly title: string;
  readonly periodStart: number;
  readonly periodEnd: number;
  readonly rows: readonly {
    kpi: string;
    name: string;
    value?: number;
    unit: string;
    target?: number;
    status: 'ok' | 'warning' | 'critical' | 'info';
  }[];
  readonly alerts: readonly Alert[];
}

export interface NotificationMessage {
  readonly kind: 'incident' | 'digest';
  readonly reason: DispatchReason | 'digest';
  readonly incident?: Incident;
  readonly digest?: DigestContent;
  readonly level?: number;
  readonly at: number;
  /** Deep link to the Grafana dashboard (or the preview page) for this incident/KPI. */
  readonly dashboardUrl?: string;
  /** Count of notifications folded into this one by a rate limit. */
  readonly folded?: number;
}

export interface ChannelSendInput {
  /** idempotency key: stable across retries */
  readonly deliveryId: string;
  readonly recipient: Recipient;
  readonly message: NotificationMessage;
  readonly attempt: number;
}

export type SendOutcome =
  | { readonly ok: true; readonly providerId?: string }
  | { readonly ok: false; readonly retryable: boolean; readonly error: string; readonly retryAfterMs?: number };

export interface Channel {
  readonly name: ChannelName;
  /** Whether this recipient can be reached on this channel. */
  canReach(recipient: Recipient): boolean;
  send(input: ChannelSendInput): Promise<SendOutcome>;
  /**
   * Whether this channel carries this message at all (e.g. SMS only for critical ones); absent
   * means every message. Routing and fallback skip a channel that refuses, as if it could not reach
   * the recipient, instead of sending and failing.
   */
  accepts?(message: NotificationMessage): boolean;
}
