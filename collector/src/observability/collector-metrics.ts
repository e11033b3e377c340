import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** Readings the metrics take from the stages at scrape time (each optional: a stage may be off). */
export interface CollectorReadings {
  /** Points accepted by the pipeline and points it computed (derived KPIs, rollups), since start. */
  ingest(): { acceptedPoints: number; computedPoints: number };
  /** Spool backlog and what the shipper moved to InfluxDB, since start. */
  storage(): { spoolRecords: number; spoolBytes: number; shippedPoints: number; retries: number; lagMs: number };
  /** Current alerts by state (pending, firing, acknowledged; resolved ones are not counted). */
  alertsByState?(): Readonly<Record<string, number>>;
  /** Outbox entries waiting and dead letters (read from the state database at scrape time). */
  outbox?(): Promise<{ pending: number; deadLetters: number }>;
}

/**
 * The collector's own Prometheus metrics (served at GET /metrics): ingest rate, rule evaluations,
 * alerts by state, notification latency, spool and outbox backlog, plus Node's process metrics.
 * Counters the stages already keep are read at scrape time; events (rule evaluations, deliveries)
 * are counted as they happen through the methods below.
 */
export class CollectorMetrics {
  readonly registry = new Registry();
  private readonly evaluations: Counter<'kind'>;
  private readonly transitions: Counter<'to'>;
  private readonly deliveries: Counter<'channel' | 'outcome'>;
  private readonly latency: Histogram<'channel'>;
  private readonly rejected: Counter;
  private readonly breakers: Gauge<'channel'>;

  constructor(readings: CollectorReadings) {
    const registers = [this.registry];
    collectDefaultMetrics({ register: this.registry, prefix: 'finmon_' });
    const ingested = new Counter({
      name: 'finmon_ingest_points_total',
      help: 'Points accepted by the ingest pipeline (pushed and pulled)',
      registers,
      collect() {
        this.reset();
        this.inc(readings.ingest().acceptedPoints);
      },
    });
    void ingested;
    new Counter({
      name: 'finmon_computed_points_total',
      help: 'Points the KPI engine computed: derived KPI values and rollups',
      registers,
      collect() {
        this.reset();
        this.inc(readings.ingest().computedPoints);
      },
    });
    this.rejected = new Counter({ name: 'finmon_ingest_rejected_total', help: 'Lines or items rejected at ingest', registers });
    new Gauge({
      name: 'finmon_spool_records',
      help: 'Records in the durable spool not yet shipped to InfluxDB',
      registers,
      collect() {
        this.set(readings.storage().spoolRecords);
      },
    });
    new Gauge({
      name: 'finmon_spool_bytes',
      help: 'Bytes in the durable spool not yet shipped to InfluxDB',
      registers,
      collect() {
        this.set(readings.storage().spoolBytes);
      },
    });
    new Gauge({
      name: 'finmon_shipping_lag_seconds',
      help: 'Age of the oldest spool record being shipped',
      registers,
      collect() {
        this.set(readings.storage().lagMs / 1000);
      },
    });
    new Counter({
      name: 'finmon_shipped_points_total',
      help: 'Points written to InfluxDB by the shipper',
      registers,
      collect() {
        this.reset();
        this.inc(readings.storage().shippedPoints);
      },
    });
    this.evaluations = new Counter({
      name: 'finmon_rule_evaluations_total',
      help: 'Rule evaluations, by rule kind',
      labelNames: ['kind'],
      registers,
    });
    this.transitions = new Counter({
      name: 'finmon_alert_transitions_total',
      help: 'Alert state changes, by the state entered',
      labelNames: ['to'],
      registers,
    });
    new Gauge({
      name: 'finmon_alerts',
      help: 'Current alerts by state',
      labelNames: ['state'],
      registers,
      collect() {
        this.reset();
        for (const [state, count] of Object.entries(readings.alertsByState?.() ?? {})) this.set({ state }, count);
      },
    });
    this.deliveries = new Counter({
      name: 'finmon_notifications_total',
      help: 'Notification deliveries, by channel and outcome (sent, retry, dead, fallback, deferred, held, folded, digest, filtered)',
      labelNames: ['channel', 'outcome'],
      registers,
    });
    this.latency = new Histogram({
      name: 'finmon_notification_latency_seconds',
      help: 'From the triggering event to the notification handed to its channel',
      labelNames: ['channel'],
      buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 15, 60, 300],
      registers,
    });
    const outbox = new Gauge({
      name: 'finmon_outbox',
      help: 'Notifications in the outbox: pending (not yet delivered) and dead (given up after their retries; listed by the API, retryable)',
      labelNames: ['status'],
      registers,
      async collect() {
        if (readings.outbox === undefined) return;
        const counts = await readings.outbox();
        outbox.set({ status: 'pending' }, counts.pending);
        outbox.set({ status: 'dead' }, counts.deadLetters);
      },
    });
    this.breakers = new Gauge({
      name: 'finmon_notification_breaker_state',
      help: "Each channel's circuit breaker: 0 closed, 1 half-open, 2 open",
      labelNames: ['channel'],
      registers,
    });
  }

  countRejected(count: number): void {
    if (count > 0) this.rejected.inc(count);
  }

  countEvaluations(kind: string, count = 1): void {
    if (count > 0) this.evaluations.inc({ kind }, count);
  }

  countTransition(to: string): void {
    this.transitions.inc({ to });
  }

  /** What happened to one delivery (sent, retry, dead, fallback, held…); `latencyMs` from the triggering event, for sent notifications. */
  countDelivery(channel: string, outcome: string, latencyMs?: number): void {
    this.deliveries.inc({ channel, outcome });
    if (latencyMs !== undefined) this.observeLatency(channel, latencyMs);
  }

  observeLatency(channel: string, latencyMs: number): void {
    this.latency.observe({ channel }, Math.max(0, latencyMs) / 1000);
  }

  breakerState(channel: string, state: 'closed' | 'half-open' | 'open' | string): void {
    this.breakers.set({ channel }, state === 'open' ? 2 : state === 'closed' ? 0 : 1);
  }

  /** The exposition text and its content type. */
  async render(): Promise<{ contentType: string; body: string }> {
    return { contentType: this.registry.contentType, body: await this.registry.metrics() };
  }
}
