/** The notify layer: route dispatches per recipient and channel, store them, send them reliably. */
export { retryDelayMs, DEFAULT_RETRY_POLICY, type RetryPolicy } from './backoff';
export type { Channel, ChannelSendInput, DigestContent, NotificationMessage, SendOutcome } from './channel-port';
export { ChannelBreakers, CircuitBreaker, DEFAULT_BREAKER_POLICY, type BreakerPolicy, type BreakerState } from './circuit-breaker';
export { DeadLetters, type DeadLetterView } from './dead-letters';
export { DeliveryDirectory, type DeliverySettings } from './delivery-directory';
export { deliveryId } from './delivery-id';
export { InMemoryDeliveryMetrics, noDeliveryMetrics, type DeliveryMetrics, type DeliveryOutcome } from './delivery-metrics';
export { DeliveryService } from './delivery-service';
export { latestFireTime, runDueDigests, type DigestDataRequest, type DigestDataSource } from './digest-runner';
export { InMemoryOutboxStore } from './in-memory-outbox-store';
export type { DashboardLinks } from './messages';
export { Notifier, type NotifierOptions } from './notifier';
export type { DeliveryQuery, DeliveryRecord, DeliveryStatus, OutboxStore } from './outbox-store';
export { OutboxWorker, type OutboxWorkerOptions, type TickReport } from './outbox-worker';
export { quietHoursEnd } from './quiet-hours';
export { rateLimitDecision } from './rate-limit';
export { routeDispatch, type RecipientPlan, type RoutingContext } from './route-dispatch';
export { SqlOutboxStore, type OutboxTables } from './sql-outbox-store';
