import { randomUUID } from 'node:crypto';
import type { Actor, AlertTransition, Dispatch, DispatchSink, Incident } from '../alerting/alert-model';
import type { KpiDefinition } from '../config/kpi-schema';
import type { NotificationSettings } from '../config/notification-settings-schema';
import { compileConsolidation, type ConsolidationConfig } from '../consolidation/consolidation-config';
import { Consolidator } from '../consolidation/consolidator';
import { Inhibitor } from '../consolidation/inhibition';
import { isActive, type IncidentRecord } from '../consolidation/incident-record';
import { kpiRelationsFromCatalog, NO_KPI_RELATIONS, type KpiRelations } from '../consolidation/kpi-relations';
import { MaintenanceMuter } from '../consolidation/maintenance-windows';
import { composeMuters, describeMute, flappingMuter, type Muter, type MuteReason } from '../consolidation/muter';
import { compareIncidents } from '../consolidation/priority';
import type { SilenceStore } from '../consolidation/silence-store';
import { SilenceMuter, silenceStatus, validateNewSilence, type Silence, type SilenceStatus } from '../consolidation/silences';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { Logger } from '../core/logger';
import { newEscalationRecord, nextTimerAt, type EscalationRecord } from './escalation-record';
import { Escalator, type CurrentEscalation, type EscalationInput, type EscalationStatus } from './escalator';
import type { IncidentStateStore } from './incident-state-store';

export interface IncidentManagerOptions {
  /** Validated notification settings (routing, escalation, schedules, `consolidation`). */
  readonly settings: NotificationSettings;
  /** The KPI catalog (metrics_config.json `kpis`): data dependencies for inhibition and correlation. */
  readonly kpis?: readonly KpiDefinition[];
  readonly store: IncidentStateStore;
  readonly silences: SilenceStore;
  /** Delivery: each dispatch is submitted (and durably stored there) before the state moves on. */
  readonly sink: DispatchSink;
  readonly logger?: Logger;
  /** Ids of new silences (default random UUIDs). */
  readonly newId?: () => string;
}

export type SilenceView = Silence & { readonly status: SilenceStatus };

export interface IncidentDetails {
  readonly incident: Incident;
  readonly escalation: EscalationStatus;
  /** Active alerts muted now, and why. */
  readonly muted: readonly { fingerprint: string; reason: MuteReason; text: string }[];
}

/** What a step did: the incident after it, and the dispatches it submitted. */
export interface IncidentStep {
  readonly incident: Incident;
  readonly dispatches: readonly Dispatch[];
}

const PRUNE_EVERY_MS = 3_600_000;

/**
 * The consolidation and escalation stage behind one facade: alert transitions in, dispatches out.
 *
 *   onTransitions → Consolidator (group, correlate) → flush when due (group wait / interval /
 *   repeat / resolved: at once by a person, after its confirm period by itself), muted alerts left out (silences, maintenance, inhibition,
 *   flapping) → Escalator (routes, levels, acks) → DispatchSink
 *
 * Call `tick(now)` on a timer (`nextWakeAt()` says when something is due). Every change is saved
 * to the state store after its dispatches were submitted, so a restart (`IncidentManager.open`)
 * resumes each timer where it stood: a dispatch the sink took before a crash is made again with
 * the same idempotency key, and nothing due is skipped. A dispatch the sink refuses leaves its
 * incident as it was; the next tick tries again. Calls are serialised.
 */
export class IncidentManager {
  private readonly consolidator: Consolidator;
  private readonly escalator: Escalator;
  private readonly escalations = new Map<string, EscalationRecord>();
  /** Incidents changed since the last save, with the alerts that changed. */
  private readonly dirtyIncidents = new Map<string, { record: IncidentRecord; alerts: Set<string> }>();
  private readonly dirtyEscalations = new Map<string, EscalationRecord>();
  private activeSilences: Silence[];
  private config: ConsolidationConfig;
  private relations: KpiRelations;
  private maintenance: MaintenanceMuter;
  private queue: Promise<unknown> = Promise.resolve();
  private lastPruneAt = Number.NEGATIVE_INFINITY;

  private constructor(
    private readonly options: IncidentManagerOptions,
    incidents: readonly IncidentRecord[],
    escalations: readonly EscalationRecord[],
    silences: readonly Silence[],
  ) {
    this.config = compileConsolidation(options.settings.consolidation);
    this.relations = options.kpis === undefined ? NO_KPI_RELATIONS : kpiRelationsFromCatalog(options.kpis);
    this.maintenance = new MaintenanceMuter(this.config.maintenance);
    this.consolidator = new Consolidator(this.config, this.relations, incidents);
    this.escalator = new Escalator(options.settings);
    for (const e of escalations) if (!e.closed && this.consolidator.get(e.incidentId) !== undefined) this.escalations.set(e.incidentId, e);
    this.activeSilences = [...silences];
  }

  /** Loads the open incidents, their escalations and the silences not yet ended, and starts. */
  static async open(options: IncidentManagerOptions, now: number): Promise<IncidentManager> {
    const { incidents, escalations } = await options.store.loadOpen();
    const silences = await options.silences.list({ endsAfter: now });
    return new IncidentManager(options, incidents, escalations, silences);
  }

  /** Applies alert transitions (from the lifecycle) and submits what is due now. */
  onTransitions(transitions: readonly AlertTransition[], now: number): Promise<Dispatch[]> {
    return this.exclusive(async () => {
      const touched = new Set<string>();
      for (const transition of transitions) {
        const record = this.consolidator.apply(transition, now);
        if (record === undefined) continue;
        touched.add(record.incident.id);
        this.markIncident(record, transition.fingerprint);
      }
      return this.work(now, touched);
    });
  }

  /** Flushes due incidents and fires due escalation timers; prunes old history now and then. */
  tick(now: number): Promise<Dispatch[]> {
    return this.exclusive(async () => {
      const dispatches = await this.work(now, new Set());
      if (now - this.lastPruneAt >= PRUNE_EVERY_MS) {
        this.lastPruneAt = now;
        await this.prune(now);
      }
      return dispatches;
    });
  }

  /** When the next flush or escalation timer is due (undefined: nothing scheduled). */
  nextWakeAt(): number | undefined {
    let next = this.consolidator.nextFlushAt();
    for (const e of this.escalations.values()) {
      const t = nextTimerAt(e);
      if (t !== undefined && (next === undefined || t < next)) next = t;
    }
    return next;
  }

  /**
   * Acknowledges an incident: escalation stops (the policy's ackTimeout re-alerts it if it is still
   * unresolved then). Acknowledging again renews it.
   * @throws FinmonError NOT_FOUND, or INCIDENT_STATE_CONFLICT when it is resolved
   */
  acknowledgeIncident(id: string, actor: Actor, now: number, comment?: string): Promise<IncidentStep> {
    return this.exclusive(async () => {
      await this.requireOpen(id, 'acknowledge');
      const record = this.consolidator.acknowledge(id, actor, now, comment);
      this.markIncident(record);
      const dispatches = await this.work(now, new Set([id]));
      return { incident: this.currentIncident(id) ?? record.incident, dispatches };
    });
  }

  /**
   * Resolves an incident by hand: everyone told about it so far hears it at once. Resolving a
   * resolved incident changes nothing.
   * @throws FinmonError NOT_FOUND
   */
  resolveIncident(id: string, actor: Actor, now: number, comment?: string): Promise<IncidentStep> {
    return this.exclusive(async () => {
      if (this.consolidator.get(id) === undefined) {
        const stored = await this.options.store.getIncident(id);
        if (stored === undefined) throw notFound(id);
        return { incident: stored.incident, dispatches: [] };
      }
      const record = this.consolidator.resolve(id, actor, now, comment);
      this.markIncident(record);
      const dispatches = await this.work(now, new Set([id]));
      return { incident: this.currentIncident(id) ?? record.incident, dispatches };
    });
  }

  /** Applies new settings (and KPI catalog). Everything is compiled first: a failure changes nothing. */
  reconfigure(settings: NotificationSettings, kpis?: readonly KpiDefinition[]): void {
    const config = compileConsolidation(settings.consolidation);
    const relations = kpis === undefined ? this.relations : kpiRelationsFromCatalog(kpis);
    const maintenance = new MaintenanceMuter(config.maintenance);
    this.config = config;
    this.relations = relations;
    this.maintenance = maintenance;
    this.consolidator.reconfigure(config, relations);
    this.escalator.reconfigure(settings);
    // Windows or rules may have changed: every open incident is looked at again at the next tick.
    for (const record of this.consolidator.recheck(Number.NEGATIVE_INFINITY)) this.markIncident(record);
  }

  // ---- silences -------------------------------------------------------------------------------

  /**
   * Creates a silence (`{ matchers, startsAt?, endsAt, createdBy, comment }`, times in epoch ms).
   * @throws FinmonError SILENCE_INVALID naming what is wrong
   */
  createSilence(input: unknown, now: number): Promise<SilenceView> {
    return this.exclusive(async () => {
      const valid = validateNewSilence(input, now);
      const silence: Silence = {
        id: (this.options.newId ?? randomUUID)(),
        matchers: valid.matchers,
        startsAt: valid.startsAt,
        endsAt: valid.endsAt,
        createdBy: valid.createdBy,
        comment: valid.comment,
        createdAt: now,
        updatedAt: now,
      };
      await this.options.silences.insert(silence);
      this.activeSilences.push(silence);
      return view(silence, now);
    });
  }

  /** Silences, newest first; ended ones only with `includeExpired`. */
  async listSilences(now: number, options: { includeExpired?: boolean } = {}): Promise<SilenceView[]> {
    const all = await this.options.silences.list(options.includeExpired ? {} : { endsAfter: now });
    return all.map((s) => view(s, now));
  }

  async getSilence(id: string, now: number): Promise<SilenceView | undefined> {
    const silence = await this.options.silences.get(id);
    return silence === undefined ? undefined : view(silence, now);
  }

  /**
   * Ends a silence now (a pending one never starts). Alerts it muted are heard again at their
   * incident's next flush. Expiring an ended silence changes nothing.
   * @throws FinmonError NOT_FOUND
   */
  expireSilence(id: string, now: number): Promise<SilenceView> {
    return this.exclusive(async () => {
      const silence = await this.options.silences.get(id);
      if (silence === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no silence "${id}"`, 404);
      if (silenceStatus(silence, now) === 'expired') return view(silence, now);
      const expired: Silence = { ...silence, startsAt: Math.min(silence.startsAt, now), endsAt: now, updatedAt: now };
      await this.options.silences.update(expired);
      this.activeSilences = this.activeSilences.filter((s) => s.id !== id);
      for (const record of this.consolidator.recheck(now)) this.markIncident(record);
      await this.work(now, new Set());
      return view(expired, now);
    });
  }

  // ---- queries --------------------------------------------------------------------------------

  /**
   * Incidents: open ones most urgent first, then resolved ones newest first (from the store, at
   * most `limit`, default 100).
   */
  async incidents(filter: { state?: Incident['state']; limit?: number } = {}): Promise<Incident[]> {
    const limit = filter.limit ?? 100;
    const open = this.consolidator
      .records()
      .map((r) => r.incident)
      .filter((i) => filter.state === undefined || i.state === filter.state);
    if (filter.state !== undefined && filter.state !== 'resolved') return open.slice(0, limit);
    const seen = new Set(open.map((i) => i.id));
    const stored = await this.options.store.listIncidents({ state: 'resolved', limit });
    const resolved = stored.map((r) => r.incident).filter((i) => !seen.has(i.id));
    return [...open, ...resolved].slice(0, limit);
  }

  /** One incident with its escalation status and its muted alerts; undefined when unknown. */
  async incident(id: string, now: number): Promise<IncidentDetails | undefined> {
    const open = this.consolidator.get(id);
    if (open !== undefined) {
      const muted = [...this.consolidator.mutedAlerts(open, this.muter(now), now)].map(([fingerprint, reason]) => ({
        fingerprint,
        reason,
        text: describeMute(reason),
      }));
      const escalation = this.escalator.status(this.escalations.get(id), open.incident.state === 'resolved');
      return { incident: open.incident, escalation, muted };
    }
    const stored = await this.options.store.getIncident(id);
    if (stored === undefined) return undefined;
    const escalation = this.dirtyEscalations.get(id) ?? (await this.options.store.getEscalation(id));
    return { incident: stored.incident, escalation: this.escalator.status(escalation), muted: [] };
  }

  /** Who is on which level of which open incident now, most urgent incident first. */
  escalationsNow(now: number): CurrentEscalation[] {
    return this.consolidator.records().flatMap((r) => {
      const e = this.escalations.get(r.incident.id);
      return e === undefined ? [] : this.escalator.currentLevels(e, r.incident, now);
    });
  }

  /** Maintenance windows open now. */
  openMaintenanceWindows(now: number): { name: string; until: number; comment?: string }[] {
    return this.maintenance.openWindows(now);
  }

  // ---- the work -------------------------------------------------------------------------------

  private async work(now: number, touched: ReadonlySet<string>): Promise<Dispatch[]> {
    const ids = new Set(touched);
    for (const r of this.consolidator.due(now)) ids.add(r.incident.id);
    for (const [id, e] of this.escalations) {
      const t = nextTimerAt(e);
      if (t !== undefined && t <= now) ids.add(id);
    }
    const records = [...ids]
      .map((id) => this.consolidator.get(id))
      .filter((r): r is IncidentRecord => r !== undefined)
      .sort((a, b) => compareIncidents(a.incident, b.incident));
    const submitted: Dispatch[] = [];
    if (records.length > 0) {
      const muter = this.muter(now);
      for (const record of records) submitted.push(...(await this.step(record, now, muter)));
    }
    await this.persist();
    return submitted;
  }

  /** One incident: flush if due, escalate, submit, then keep the new state. */
  private async step(record: IncidentRecord, now: number, muter: Muter): Promise<Dispatch[]> {
    const id = record.incident.id;
    const due = record.nextFlushAt !== undefined && record.nextFlushAt <= now;
    const flush = due ? this.consolidator.flush(record, now, muter) : undefined;
    const next = flush?.record ?? record;
    const before = this.escalations.get(id);
    // Muting matters to escalation only when one of its timers is due.
    const timerDue = before !== undefined && (nextTimerAt(before) ?? Number.POSITIVE_INFINITY) <= now;
    const muted = flush?.muted ?? (timerDue ? this.consolidator.mutedAlerts(record, muter, now) : new Map<string, MuteReason>());
    let escalation = before ?? newEscalationRecord(id, now);
    const start = escalation;
    const input = escalationInput(next, muted);
    const dispatches: Dispatch[] = [];
    if (flush?.notification !== undefined) {
      const s = this.escalator.onNotification(escalation, flush.notification, input, now);
      escalation = s.record;
      dispatches.push(...s.dispatches);
    }
    const s = this.escalator.sync(escalation, input, now);
    escalation = s.record;
    dispatches.push(...s.dispatches);
    if (next.closed && !escalation.closed && before !== undefined) {
      escalation = { ...escalation, tracks: [], closed: true, updatedAt: now };
    }

    const sent: Dispatch[] = [];
    try {
      for (const d of dispatches) {
        await this.options.sink.submit(d);
        sent.push(d);
      }
    } catch (error) {
      // Nothing of this step is kept: the next tick makes the same dispatches with the same keys.
      this.options.logger?.error(
        { err: error, incident: id, submitted: sent.length, pending: dispatches.length - sent.length },
        'dispatch not accepted by delivery; the incident is retried at the next tick',
      );
      return sent;
    }

    if (flush !== undefined) {
      this.consolidator.commit(next);
      this.markIncident(next);
    }
    if (escalation !== start) {
      if (escalation.closed) this.escalations.delete(id);
      else this.escalations.set(id, escalation);
      this.dirtyEscalations.set(id, escalation);
    }
    return sent;
  }

  /** Notes an incident to save, with the alert that changed (if one did). */
  private markIncident(record: IncidentRecord, changedAlert?: string): void {
    const id = record.incident.id;
    const entry = this.dirtyIncidents.get(id);
    const alerts = entry?.alerts ?? new Set<string>();
    if (changedAlert !== undefined) alerts.add(changedAlert);
    this.dirtyIncidents.set(id, { record, alerts });
  }

  private async persist(): Promise<void> {
    if (this.dirtyIncidents.size === 0 && this.dirtyEscalations.size === 0) return;
    const dirty = [...this.dirtyIncidents.values()];
    const incidents = dirty.map((d) => ({ record: d.record, alerts: [...d.alerts] }));
    const escalations = [...this.dirtyEscalations.values()];
    try {
      await this.options.store.commit({ incidents, escalations });
      for (const d of dirty) if (this.dirtyIncidents.get(d.record.incident.id) === d) this.dirtyIncidents.delete(d.record.incident.id);
      for (const e of escalations) if (this.dirtyEscalations.get(e.incidentId) === e) this.dirtyEscalations.delete(e.incidentId);
    } catch (error) {
      // Kept in memory and written with the next change; dispatches made again after a crash carry
      // the same keys, which delivery deduplicates.
      this.options.logger?.error({ err: error, incidents: incidents.length, escalations: escalations.length }, 'incident state not saved; retrying with the next change');
    }
  }

  private async prune(now: number): Promise<void> {
    const before = now - this.config.keepResolvedMs;
    this.activeSilences = this.activeSilences.filter((s) => s.endsAt > now);
    try {
      await this.options.store.pruneClosed(before);
      await this.options.silences.deleteEndedBefore(before);
    } catch (error) {
      this.options.logger?.warn({ err: error }, 'pruning old incidents and silences failed; trying again later');
    }
  }

  /**
   * Silences, maintenance windows, inhibition (over the alerts active now) and flapping. The
   * inhibitor is built on first use: most steps need no muting at all.
   */
  private muter(now: number): Muter {
    let inhibitor: Inhibitor | undefined;
    const inhibition: Muter = {
      mutes: (alert) => (inhibitor ??= new Inhibitor(this.config.inhibit, this.consolidator.activeAlerts(), this.relations)).mutes(alert),
    };
    const silences = new SilenceMuter(this.activeSilences.filter((s) => s.endsAt > now));
    return composeMuters([silences, this.maintenance, inhibition, flappingMuter]);
  }

  private currentIncident(id: string): Incident | undefined {
    return this.consolidator.get(id)?.incident ?? this.dirtyIncidents.get(id)?.record.incident;
  }

  private async requireOpen(id: string, what: string): Promise<void> {
    if (this.consolidator.get(id) !== undefined) return;
    const stored = await this.options.store.getIncident(id);
    if (stored === undefined) throw notFound(id);
    throw new FinmonError(ErrorCodes.INCIDENT_STATE_CONFLICT, `incident ${id} is resolved; cannot ${what} it`, 409);
  }

  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

/** What escalation sees of an incident: the audible view, its acknowledgement time, whether all is muted. */
function escalationInput(record: IncidentRecord, muted: ReadonlyMap<string, MuteReason>): EscalationInput {
  const incident = record.incident;
  const active = incident.alerts.filter(isActive);
  const allMuted = active.length > 0 && active.every((a) => muted.has(a.fingerprint));
  const audible =
    muted.size === 0 || allMuted ? incident : { ...incident, alerts: incident.alerts.filter((a) => !muted.has(a.fingerprint)) };
  let ackAt: number | undefined;
  if (incident.state === 'acknowledged') {
    ackAt = record.acknowledged?.at;
    for (const a of active) if (a.acknowledgedAt !== undefined && (ackAt === undefined || a.acknowledgedAt > ackAt)) ackAt = a.acknowledgedAt;
    ackAt ??= incident.updatedAt;
  }
  return { incident: audible, muted: allMuted, ...(ackAt === undefined ? {} : { ackAt }) };
}

function view(silence: Silence, now: number): SilenceView {
  return { ...silence, status: silenceStatus(silence, now) };
}

function notFound(id: string): FinmonError {
  return new FinmonError(ErrorCodes.NOT_FOUND, `no incident "${id}"`, 404);
}
