import type { Kysely } from 'kysely';
import { AlertEngine, type SourceHealthEvent } from '../alerting/alert-engine';
import type { AlertFilter } from '../alerting/alert-filter';
import type { Actor, Alert, AlertTransition, Dispatch, Incident } from '../alerting/alert-model';
import { RESOLVED_RETENTION_MS } from '../alerting/lifecycle/lifecycle-timing';
import type { RuleKindRegistry } from '../alerting/rules/rule-kind-registry';
import type { AlertStore } from '../alerting/store/alert-store';
import { newsworthy } from '../alerting/pending-episode';
import { SqlAlertStore } from '../alerting/store/sql-alert-store';
import type { ConfigPair } from '../config/config-loader';
import { SqlSilenceStore } from '../consolidation/sql-silence-store';
import type { Clock } from '../core/clock';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import type { StoredPoints } from '../ingest/point-columns';
import { IncidentManager } from '../escalation/incident-manager';
import { SqlIncidentStateStore } from '../escalation/sql-incident-state-store';
import type { Channel } from '../notify/channel-port';
import type { DeliveryMetrics } from '../notify/delivery-metrics';
import type { DigestDataSource } from '../notify/digest-runner';
import type { DashboardLinks } from '../notify/messages';
import { Notifier } from '../notify/notifier';
import { SqlOutboxStore } from '../notify/sql-outbox-store';
import type { SourceHealth } from '../scheduling/source-health';
import type { Database } from '../storage/state/database';

/** Where alert transitions go besides consolidation: the dashboard feed and annotations, metrics. */
export type TransitionListener = (transitions: readonly AlertTransition[]) => Promise<void> | void;

export interface AlertingStageOptions {
  readonly db: Kysely<Database>;
  readonly config: ConfigPair;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly channels: readonly Channel[];
  /** Rule kinds (default the built-in ones; analytics adds anomaly and forecast). */
  readonly registry?: RuleKindRegistry;
  readonly deliveryMetrics?: DeliveryMetrics;
  readonly digestData?: DigestDataSource;
  readonly links?: DashboardLinks;
  /** Listeners of the transitions people hear of (not pending episodes; see pending-episode.ts). */
  readonly onTransitions?: readonly TransitionListener[];
  /** Counts rule evaluations for /metrics (called with the engine's running total). */
  readonly onEvaluations?: (total: number) => void;
  /** Real ms between timer ticks (no-data rules, group and escalation timers). Default 1000. */
  readonly tickMs?: number;
  /**
   * Real ms between saves of the rules' per-series state and of pending alerts. Default 30,000:
   * after a crash, rules resume from state at most this old (the KPI engine rebuilds from InfluxDB,
   * and a `for` timer restarts at most this late).
   */
  readonly persistMs?: number;
  /** Unsaved transitions (pending episodes) that make a save before `persistMs` is up. Default 10,000. */
  readonly maxUnsavedTransitions?: number;
  /** Outbox worker options (tests shorten the idle wait). */
  readonly notifierPollMs?: number;
  /**
   * Start paused: points are ignored and no timer runs until `resume()` (the demo resumes once its
   * history is fed, so a backfilled year neither pages anyone nor looks like missing data).
   */
  readonly paused?: boolean;
}

/**
 * The alerting half of the pipeline, spelled out in one place:
 *
 *   stored points → AlertEngine (rules, lifecycle) → AlertStore (state, audit history)
 *     → transition listeners (news feed, annotations, metrics)
 *     → IncidentManager (group, inhibit, silence, correlate, escalate) → Notifier (route, outbox) → channels
 *
 * Everything that changes alert state runs through one queue, in arrival order: points, timer ticks,
 * source health, people's actions and configuration changes. Each step saves the alerts it changed
 * before consolidating them, and the incident manager stores its dispatches in the outbox before it
 * moves on, so a restart neither forgets an alert nor loses a page.
 */
/** See AlertingStageOptions.persistMs. */
export const DEFAULT_PERSIST_MS = 30_000;
/** Unsaved transitions (pending episodes) that make a save before the interval is up. */
export const MAX_UNSAVED_TRANSITIONS = 10_000;

export class AlertingStage {
  private queue: Promise<unknown> = Promise.resolve();
  private timer: NodeJS.Timeout | undefined;
  private lastPersistAt = 0;
  /** Point batches received while the queue was busy, evaluated together by one queued step. */
  private waitingPoints: StoredPoints[] | undefined;
  private stopped = false;
  private paused = false;

  private constructor(
    private readonly options: AlertingStageOptions,
    readonly engine: AlertEngine,
    readonly alerts: AlertStore,
    readonly incidents: IncidentManager,
    readonly notifier: Notifier,
    private readonly log: Logger,
  ) {}

  static async start(options: AlertingStageOptions): Promise<AlertingStage> {
    const { db, clock, config } = options;
    const log = options.logger.child({ component: 'alerting' });
    const now = clock.now();
    const alerts = new SqlAlertStore(db, clock);
    const engine = new AlertEngine({ metrics: config.metrics, now, ...(options.registry ? { registry: options.registry } : {}) });
    const restored = engine.restore(await alerts.load({ resolvedSince: now - RESOLVED_RETENTION_MS }), now);
    for (const problem of alerts.problems) log.warn({ problem }, 'an alert row could not be read and was skipped');
    for (const rule of engine.unsupportedRules()) {
      log.warn(rule, `rule ${rule.kpi}/${rule.ruleId} of type "${rule.type}" has no evaluator yet and is not evaluated`);
    }
    const notifier = new Notifier({
      store: new SqlOutboxStore(db),
      settings: config.notifications,
      channels: options.channels,
      clock,
      logger: options.logger.child({ component: 'notify' }),
      ...(options.deliveryMetrics ? { metrics: options.deliveryMetrics } : {}),
      ...(options.digestData ? { digestData: options.digestData } : {}),
      ...(options.links ? { links: options.links } : {}),
      ...(options.notifierPollMs === undefined ? {} : { pollIntervalMs: options.notifierPollMs }),
    });
    const incidents = await IncidentManager.open(
      {
        settings: config.notifications,
        kpis: config.metrics.kpis,
        store: new SqlIncidentStateStore(db),
        silences: new SqlSilenceStore(db),
        sink: notifier.sink,
        logger: options.logger.child({ component: 'incidents' }),
      },
      now,
    );
    const stage = new AlertingStage(options, engine, alerts, incidents, notifier, log);
    notifier.start();
    await stage.run(() => restored);
    stage.paused = options.paused === true;
    if (!stage.paused) stage.startTimer();
    return stage;
  }

  /** Starts evaluating points and running the timers after a paused start. */
  resume(): void {
    if (!this.paused || this.stopped) return;
    this.paused = false;
    this.startTimer();
  }

  private startTimer(): void {
    this.timer = setInterval(() => void this.tick(), this.options.tickMs ?? 1000);
    this.timer.unref();
  }

  /**
   * The pipeline's points listener: evaluates the points' rules (queued, in order). Batches that
   * arrive while the queue is busy join one waiting step, so a burst of batches is evaluated,
   * saved and consolidated once rather than once per batch.
   */
  onPoints(points: StoredPoints): void {
    if (this.stopped || this.paused || points.length === 0) return;
    if (this.waitingPoints !== undefined) {
      this.waitingPoints.push(points);
      return;
    }
    const batches: StoredPoints[] = [points];
    this.waitingPoints = batches;
    void this.run(() => {
      this.waitingPoints = undefined;
      const now = this.options.clock.now();
      const transitions: AlertTransition[] = [];
      for (const batch of batches) {
        // Points that came in columns are read from them (the engine skips their objects).
        const columns = batch.columns;
        const rest = columns === undefined ? batch : batch.slice(columns.length);
        if (columns !== undefined) for (const t of this.engine.onColumns(columns, now)) transitions.push(t);
        if (rest.length > 0) for (const t of this.engine.onPoints(rest, now)) transitions.push(t);
      }
      return transitions;
    }).catch((err) => this.log.error({ err }, 'evaluating rules failed for a batch of points'));
  }

  /** The scheduler's run-finished listener: a source's error streak raises a system alert. */
  onSourceRun(health: SourceHealth): void {
    if (this.stopped || this.paused) return;
    const event: SourceHealthEvent = {
      source: health.name,
      ok: health.errorStreak === 0,
      consecutiveFailures: health.errorStreak,
      ...(health.lastError === null || health.errorStreak === 0 ? {} : { error: health.lastError }),
    };
    void this.run(() => this.engine.sourceHealth(event, this.options.clock.now())).catch((err) =>
      this.log.error({ err }, 'recording a source run failed'),
    );
  }

  /** Applies a new configuration to every alerting stage; throws (and changes nothing) when the rules cannot be built. */
  reconfigure(next: ConfigPair): Promise<void> {
    return this.run(() => {
      const transitions = this.engine.reconfigure(next.metrics, this.options.clock.now());
      this.incidents.reconfigure(next.notifications, next.metrics.kpis);
      this.notifier.reconfigure(next.notifications);
      return transitions;
    }).then(() => undefined);
  }

  async acknowledgeAlert(fingerprint: string, actor: Actor, comment?: string): Promise<Alert> {
    await this.run(() => this.engine.acknowledge(fingerprint, actor, comment, this.options.clock.now()));
    return this.alertOrThrow(fingerprint);
  }

  async resolveAlert(fingerprint: string, actor: Actor, comment?: string): Promise<Alert> {
    await this.run(() => this.engine.resolve(fingerprint, actor, comment, this.options.clock.now()));
    return this.alertOrThrow(fingerprint);
  }

  /**
   * Acknowledges an incident: its firing alerts are acknowledged (each with the actor and comment in
   * its history) and its escalation stops until the policy's ack timeout.
   */
  async acknowledgeIncident(id: string, actor: Actor, comment?: string): Promise<Incident> {
    const incident = await this.incidentOrThrow(id);
    await this.run(() => {
      const now = this.options.clock.now();
      return incident.alerts
        .filter((a) => a.state === 'firing')
        .flatMap((a) => this.engine.acknowledge(a.fingerprint, actor, comment, now));
    });
    const step = await this.serial(() => this.incidents.acknowledgeIncident(id, actor, this.options.clock.now(), comment));
    return step.incident;
  }

  /** Resolves an incident and its open alerts by hand; those paged so far are told at once. */
  async resolveIncident(id: string, actor: Actor, comment?: string): Promise<Incident> {
    const incident = await this.incidentOrThrow(id);
    await this.run(() => {
      const now = this.options.clock.now();
      return incident.alerts
        .filter((a) => a.state !== 'resolved')
        .flatMap((a) => this.engine.resolve(a.fingerprint, actor, comment, now));
    });
    const current = await this.incidentOrThrow(id);
    if (current.state === 'resolved') return current;
    const step = await this.serial(() => this.incidents.resolveIncident(id, actor, this.options.clock.now(), comment));
    return step.incident;
  }

  listAlerts(filter: AlertFilter = {}): Alert[] {
    return this.engine.listAlerts(filter);
  }

  /** Waits until everything queued so far (points, ticks, actions) is evaluated, saved and handed on. */
  async settle(): Promise<void> {
    await this.serial(async () => undefined);
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    await this.serial(async () => {
      await this.alerts.apply(this.engine.drainChanges());
    });
    await this.notifier.stop();
  }

  /** Runs the timers: rules that watch silence, grouping and escalation timers, periodic saves. */
  private tick(): Promise<void> {
    if (this.stopped) return Promise.resolve();
    return this.run(() => this.engine.tick(this.options.clock.now()))
      .then(async () => {
        const dispatches = await this.serial(() => this.incidents.tick(this.options.clock.now()));
        if (dispatches.length > 0) this.logDispatches(dispatches);
      })
      .catch((err) => this.log.error({ err }, 'alerting timer tick failed; trying again at the next'));
  }

  /**
   * One step of the queue: `step` changes alert state synchronously and returns the transitions;
   * they are saved, handed to the listeners and consolidated before the next step starts.
   */
  private run(step: () => AlertTransition[]): Promise<AlertTransition[]> {
    return this.serial(async () => {
      const transitions = step();
      const now = this.options.clock.now();
      this.options.onEvaluations?.(this.engine.stats().evaluations);
      // Alerts are saved before anyone hears of them. Pending episodes (nobody hears of them) and
      // the rules' per-series state, which nearly every point changes, are saved on an interval:
      // after a crash a `for` timer restarts at most that interval late.
      const news = newsworthy(transitions);
      const periodic = now - this.lastPersistAt >= (this.options.persistMs ?? DEFAULT_PERSIST_MS);
      // A storm of pending episodes saves early, so unsaved history stays bounded in memory.
      const piledUp = this.engine.unsavedTransitions() >= (this.options.maxUnsavedTransitions ?? MAX_UNSAVED_TRANSITIONS);
      if (news.length > 0 || periodic || piledUp) {
        if (periodic) this.lastPersistAt = now;
        await this.alerts.apply(this.engine.drainChanges({ ruleStates: periodic }));
      }
      if (news.length === 0) return transitions;
      for (const listener of this.options.onTransitions ?? []) {
        try {
          await listener(news);
        } catch (err) {
          this.log.error({ err }, 'an alert transition listener failed; the alerts are saved');
        }
      }
      const dispatches = await this.incidents.onTransitions(news, now);
      if (dispatches.length > 0) this.logDispatches(dispatches);
      return transitions;
    });
  }

  private serial<T>(work: () => Promise<T>): Promise<T> {
    const next = this.queue.then(work);
    this.queue = next.catch(() => undefined);
    return next;
  }

  private logDispatches(dispatches: readonly Dispatch[]): void {
    for (const d of dispatches) {
      this.log.info(
        { incident: d.incident.id, reason: d.reason, recipients: d.recipients.length, level: d.level, severity: d.incident.severity },
        `notification ${d.reason}: ${d.incident.title}`,
      );
    }
  }

  private alertOrThrow(fingerprint: string): Alert {
    const alert = this.engine.getAlert(fingerprint);
    if (alert === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no alert with fingerprint "${fingerprint}"`, 404);
    return alert;
  }

  private async incidentOrThrow(id: string): Promise<Incident> {
    const details = await this.incidents.incident(id, this.options.clock.now());
    if (details === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no incident "${id}"`, 404);
    return details.incident;
  }
}
