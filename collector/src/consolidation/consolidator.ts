import type { Actor, Alert, AlertTransition, Incident } from '../alerting/alert-model';
import { ErrorCodes, FinmonError } from '../core/errors';
import type { ConsolidationConfig } from './consolidation-config';
import { firedAt, firedTogether, related } from './correlation';
import { groupKeyOf } from './group-key';
import { ackCovers, buildIncident, incidentId, isActive, withAlerts, type IncidentRecord } from './incident-record';
import type { KpiRelations } from './kpi-relations';
import { muteEndsAt, type Muter, type MuteReason } from './muter';
import { needsUpdate } from './needs-update';
import { compareIncidents } from './priority';

/** What a flush decided to tell people about an incident. */
export interface GroupNotification {
  readonly reason: 'firing' | 'update' | 'repeat' | 'resolved' | 'information';
  /** The incident as notified: without its muted alerts. */
  readonly incident: Incident;
}

export interface FlushResult {
  /** The record after the flush; hand it to `commit` once the notification is safely submitted. */
  readonly record: IncidentRecord;
  readonly notification?: GroupNotification;
  /** Active alerts muted at the flush, with why. */
  readonly muted: ReadonlyMap<string, MuteReason>;
}

/**
 * Alerts → incidents, with Alertmanager's timers (dispatch/dispatch.go):
 * - a firing alert joins the open incident of its group key (also one that resolved by itself
 *   moments ago and is still reopenable: it reopens), or an open incident it correlates with, or
 *   opens a new one;
 * - a new incident's first notification waits `groupWait` for company; updates (new alerts) go out
 *   at most once per `groupInterval` (flushes fall on firstFlush + k·groupInterval); a firing,
 *   unacknowledged incident repeats after `repeatInterval`;
 * - an acknowledged incident stays quiet while what joins it is no more severe than it was when
 *   acknowledged (`ackCovers`); a more severe alert makes it fire again (an update);
 * - an incident that a person resolved notifies at once; one whose alerts all resolved by
 *   themselves (and whose firing was told) notifies once it has stayed resolved for its confirm
 *   period (`ConsolidationConfig.confirmResolved`: firing again meanwhile, it simply goes on), and
 *   then stays reopenable for a while (`ConsolidationConfig.reopen`: firing again is an update).
 *
 * No I/O, no clock: every method takes `now`. `flush` computes without changing anything; the
 * caller submits the notification and then `commit`s the record, so a failed submission is simply
 * retried at the next tick.
 */
export class Consolidator {
  private readonly open = new Map<string, IncidentRecord>();
  /** Fingerprint → id of the open incident holding the alert. */
  private readonly owner = new Map<string, string>();
  /** Group key → id of the newest open incident with that key. */
  private readonly byGroupKey = new Map<string, string>();

  constructor(
    private config: ConsolidationConfig,
    private relations: KpiRelations,
    records: readonly IncidentRecord[] = [],
  ) {
    for (const record of records) if (!record.closed) this.commit(record);
  }

  reconfigure(config: ConsolidationConfig, relations: KpiRelations): void {
    this.config = config;
    this.relations = relations;
  }

  get(id: string): IncidentRecord | undefined {
    return this.open.get(id);
  }

  /** Open incidents, most urgent first. */
  records(): IncidentRecord[] {
    return [...this.open.values()].sort((a, b) => compareIncidents(a.incident, b.incident));
  }

  /** Every firing or acknowledged alert of the open incidents (inhibition sources). */
  activeAlerts(): Alert[] {
    return [...this.open.values()].flatMap((r) => r.incident.alerts.filter(isActive));
  }

  /** Incidents whose flush is due at `now`, most urgent first. */
  due(now: number): IncidentRecord[] {
    return [...this.open.values()]
      .filter((r) => r.nextFlushAt !== undefined && r.nextFlushAt <= now)
      .sort((a, b) => compareIncidents(a.incident, b.incident));
  }

  /** The earliest scheduled flush, if any. */
  nextFlushAt(): number | undefined {
    let next: number | undefined;
    for (const r of this.open.values()) {
      if (r.nextFlushAt !== undefined && (next === undefined || r.nextFlushAt < next)) next = r.nextFlushAt;
    }
    return next;
  }

  /**
   * Applies one lifecycle transition and returns the incident it changed (already committed), or
   * undefined when it changed none: pending alerts, and acknowledgements or resolutions of alerts
   * no open incident holds, are not the consolidator's business.
   */
  apply(transition: AlertTransition, now: number): IncidentRecord | undefined {
    const alert = transition.alert;
    if (alert.state === 'pending') return undefined;
    const ownerId = this.owner.get(alert.fingerprint);
    const owner = ownerId === undefined ? undefined : this.open.get(ownerId);
    // A person resolved the incident: the alert firing again is a new problem.
    const closing = owner !== undefined && owner.resolvedBy !== undefined;
    if (owner !== undefined && !(closing && alert.state === 'firing')) return this.commit(this.upsert(owner, alert, now));
    if (alert.state !== 'firing') return undefined;

    const key = groupKeyOf(alert, this.config.groupBy);
    const sameGroup = this.joinable(this.byGroupKey.get(key), now);
    const target = sameGroup ?? this.correlated(alert, now);
    if (target !== undefined) return this.commit(this.upsert(target, alert, now, key));

    const openedAt = firedAt(alert);
    const firstFlushAt = openedAt + this.config.timing(alert.severity).groupWaitMs;
    const id = incidentId(key, openedAt, alert.fingerprint);
    return this.commit({
      incident: buildIncident({ id, groupKey: key, alerts: [alert], openedAt, updatedAt: now }),
      groupKeys: [key],
      firstFlushAt,
      nextFlushAt: firstFlushAt,
      notifications: 0,
      closed: false,
    });
  }

  /**
   * Acknowledges a whole incident: it covers the alerts firing now and those that join later
   * without being more severe than the incident is now (see `ackCovers`; a more severe one makes
   * the incident fire again). Acknowledging again renews the acknowledgement.
   * @throws FinmonError NOT_FOUND (no open incident with this id), INCIDENT_STATE_CONFLICT (resolved)
   */
  acknowledge(id: string, by: Actor, now: number, comment?: string): IncidentRecord {
    const record = this.openOrThrow(id);
    if (record.incident.state === 'resolved') {
      throw new FinmonError(ErrorCodes.INCIDENT_STATE_CONFLICT, `incident ${id} is resolved; there is nothing to acknowledge`, 409);
    }
    const fingerprints = record.incident.alerts.filter(isActive).map((a) => a.fingerprint);
    const severity = record.incident.severity;
    const acknowledged = { by, at: now, fingerprints, severity, ...(comment === undefined ? {} : { comment }) };
    return this.commit(withAlerts({ ...record, acknowledged }, record.incident.alerts, now));
  }

  /**
   * Resolves an incident by hand: it notifies its resolution at once (also one that resolved by
   * itself and whose resolution waits for its confirm period). Resolving an incident a person
   * resolved changes nothing.
   * @throws FinmonError NOT_FOUND when no open incident has this id
   */
  resolve(id: string, by: Actor, now: number, comment?: string): IncidentRecord {
    const record = this.openOrThrow(id);
    if (record.incident.state === 'resolved') {
      // Resolved by itself: a person's resolution tells it at once if it was not told yet (in its
      // confirm period, or not flushed yet), and ends its reopening (no new message if it was).
      if (record.resolvedBy !== undefined) return record;
      return this.commit({ ...record, resolvedBy: { by, at: now, ...(comment === undefined ? {} : { comment }) }, nextFlushAt: now });
    }
    const resolvedBy = { by, at: now, ...(comment === undefined ? {} : { comment }) };
    return this.commit({ ...withAlerts({ ...record, resolvedBy }, record.incident.alerts, now), nextFlushAt: now });
  }

  /**
   * Looks at every open incident again at `now` (or its first flush, if later): after a silence was
   * expired early or the settings changed, muted alerts may be heard again. Returns the records it
   * rescheduled. The flush still keeps the group interval between two updates.
   */
  recheck(now: number): IncidentRecord[] {
    const changed: IncidentRecord[] = [];
    for (const record of this.open.values()) {
      if (record.incident.state === 'resolved') continue;
      const at = Math.max(now, record.firstFlushAt);
      if (record.nextFlushAt !== undefined && record.nextFlushAt <= at) continue;
      changed.push(this.commit({ ...record, nextFlushAt: at }));
    }
    return changed;
  }

  /** Which active alerts of the incident are muted at `now`, and why. */
  mutedAlerts(record: IncidentRecord, muter: Muter, now: number): Map<string, MuteReason> {
    const muted = new Map<string, MuteReason>();
    for (const alert of record.incident.alerts) {
      if (!isActive(alert)) continue;
      const reason = muter.mutes(alert, now);
      if (reason !== undefined) muted.set(alert.fingerprint, reason);
    }
    return muted;
  }

  /** Decides what to notify about an incident at `now` (see the class comment). Changes nothing. */
  flush(record: IncidentRecord, now: number, muter: Muter): FlushResult {
    const incident = record.incident;
    const information = incident.alertClass === 'information';
    const muted = this.mutedAlerts(record, muter, now);
    if (incident.state === 'resolved') {
      // Only people who were told it fires hear that it resolved; milestones do not resolve. Told
      // it resolved and nothing since (it reopened, then resolved again before an update went
      // out): nothing to tell, it is simply reopenable again.
      const firingTold = record.notified !== undefined && record.notified.firing.length > 0;
      const resolutionTold = record.notifications > 0 && !firingTold;
      const tell = firingTold && !information;
      if (record.resolvedBy === undefined && record.heldUntil === undefined && tell) {
        // Resolved by itself: told once it has stayed resolved for a while (flap damping).
        const until = record.confirmUntil ?? now + this.confirmResolvedMs(record);
        if (now < until) return { record: { ...record, confirmUntil: until, nextFlushAt: until }, muted };
      }
      if (record.heldUntil !== undefined && now < record.heldUntil && record.resolvedBy === undefined) {
        // Told already; still reopenable (an early look, e.g. after a reconfiguration).
        return { record: { ...record, nextFlushAt: record.heldUntil }, muted };
      }
      const { confirmUntil: _confirmed, ...told } = record;
      const closed: IncidentRecord = { ...told, closed: true };
      delete (closed as { nextFlushAt?: number }).nextFlushAt;
      delete (closed as { heldUntil?: number }).heldUntil;
      if (record.heldUntil !== undefined) return { record: closed, muted }; // nothing fired again
      const holdMs = (tell || resolutionTold) && record.resolvedBy === undefined ? this.reopenWithinMs(record) : 0;
      const after: IncidentRecord =
        holdMs > 0 ? { ...told, heldUntil: now + holdMs, nextFlushAt: now + holdMs } : closed;
      if (!tell) return { record: after, muted };
      return {
        record: {
          ...after,
          notified: { firing: [], resolved: incident.alerts.map((a) => a.fingerprint), at: now },
          notifications: record.notifications + 1,
        },
        notification: { reason: 'resolved', incident },
        muted,
      };
    }

    const timing = this.config.timing(incident.severity);
    // Alerts an acknowledgement of the incident covers are not news (see `ackCovers`).
    const firing = new Set(
      incident.alerts
        .filter((a) => a.state === 'firing' && !muted.has(a.fingerprint) && !ackCovers(record.acknowledged, a))
        .map((a) => a.fingerprint),
    );
    const repeatMs = incident.state === 'firing' && !information ? timing.repeatIntervalMs : undefined;
    let update = needsUpdate(record.notified, firing, repeatMs, now);
    const candidates: number[] = [];
    // At most one update per group interval, also when a flush came early (a mute ended off-grid).
    if (update === 'update' && record.notified !== undefined && now < record.notified.at + timing.groupIntervalMs) {
      candidates.push(record.notified.at + timing.groupIntervalMs);
      update = undefined;
    }
    let next: IncidentRecord = record;
    let notification: GroupNotification | undefined;
    if (update !== undefined) {
      const view = buildIncident({
        id: incident.id,
        groupKey: incident.groupKey,
        alerts: incident.alerts.filter((a) => !muted.has(a.fingerprint)),
        openedAt: incident.openedAt,
        updatedAt: incident.updatedAt,
        ...(record.acknowledged === undefined ? {} : { acknowledged: record.acknowledged }),
      });
      notification = { reason: information ? 'information' : update, incident: view };
      next = {
        ...record,
        notified: {
          firing: [...firing],
          resolved: incident.alerts.filter((a) => a.state === 'resolved').map((a) => a.fingerprint),
          at: now,
        },
        notifications: record.notifications + 1,
      };
    }

    // Next look: the repeat, and when muted alerts may be heard again (a silence or window ends at
    // a known time; inhibition and flapping are checked again each group interval).
    if (next.notified !== undefined && repeatMs !== undefined && firing.size > 0) {
      candidates.push(next.notified.at + repeatMs);
    }
    for (const reason of muted.values()) candidates.push(muteEndsAt(reason) ?? now + timing.groupIntervalMs);
    const scheduled: IncidentRecord = { ...next };
    delete (scheduled as { nextFlushAt?: number }).nextFlushAt;
    if (candidates.length > 0) {
      const at = this.boundaryAtOrAfter(next, Math.max(Math.min(...candidates), now + 1));
      return { record: { ...scheduled, nextFlushAt: at }, ...(notification ? { notification } : {}), muted };
    }
    return { record: scheduled, ...(notification ? { notification } : {}), muted };
  }

  /**
   * Keeps a record (open) or forgets it (closed). Returns it. A record from `flush` must be
   * committed only after its notification was submitted.
   */
  commit(record: IncidentRecord): IncidentRecord {
    const id = record.incident.id;
    const known = this.open.get(id);
    if (record.closed) {
      this.open.delete(id);
      for (const alert of (known ?? record).incident.alerts) if (this.owner.get(alert.fingerprint) === id) this.owner.delete(alert.fingerprint);
      for (const key of record.groupKeys) if (this.byGroupKey.get(key) === id) this.byGroupKey.delete(key);
      return record;
    }
    this.open.set(id, record);
    // Alerts are only ever added to an incident, at its end: register the new ones.
    const alerts = record.incident.alerts;
    for (let i = known?.incident.alerts.length ?? 0; i < alerts.length; i++) this.owner.set(alerts[i]!.fingerprint, id);
    if (record.incident.state !== 'resolved') for (const key of record.groupKeys) this.byGroupKey.set(key, id);
    else if (record.heldUntil !== undefined || record.confirmUntil !== undefined) {
      // Reopenable (also after a restart): its keys lead to it unless an open incident has them.
      for (const key of record.groupKeys) if (!this.byGroupKey.has(key)) this.byGroupKey.set(key, id);
    }
    return record;
  }

  private openOrThrow(id: string): IncidentRecord {
    const record = this.open.get(id);
    if (record === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no open incident "${id}"`, 404);
    return record;
  }

  /** The open incident of a group key, if an alert may join it: not resolved, or still reopenable. */
  private joinable(id: string | undefined, now: number): IncidentRecord | undefined {
    const record = id === undefined ? undefined : this.open.get(id);
    if (record === undefined) return undefined;
    if (record.incident.state !== 'resolved') return record;
    if (record.confirmUntil !== undefined) return record;
    return record.heldUntil !== undefined && now < record.heldUntil ? record : undefined;
  }

  /**
   * The most urgent open incident holding an active alert related to this one that fired together:
   * within the correlation window, or at any time before for an alert of a slow KPI (see
   * `ConsolidationConfig.correlation.slowCadenceMs`). An alert of a slow KPI may also reopen an
   * incident that resolved by itself and is still reopenable, when one of its alerts is related
   * (an open incident is preferred).
   */
  private correlated(alert: Alert, now: number): IncidentRecord | undefined {
    const { windowMs, relations, slowCadenceMs } = this.config.correlation;
    if (relations.length === 0 || alert.alertClass === 'information') return undefined;
    const isSlow = (a: Alert): boolean => (this.relations.cadenceMs(a.kpi) ?? 0) >= slowCadenceMs;
    const slow = isSlow(alert);
    // Either one slow: a slow alert stays active as long as its figure is bad, and what relates
    // to it meanwhile belongs to the same picture.
    const together = (other: Alert): boolean =>
      slow || isSlow(other) ? firedAt(other) <= firedAt(alert) : firedTogether(alert, other, windowMs);
    let best: IncidentRecord | undefined;
    let held: IncidentRecord | undefined;
    for (const record of this.open.values()) {
      if (record.incident.alertClass === 'information') continue;
      if (record.incident.state === 'resolved') {
        const reopenable = record.confirmUntil !== undefined || (record.heldUntil !== undefined && now < record.heldUntil);
        if (!slow || !reopenable) continue;
        const hit = record.incident.alerts.some((other) => related(alert, other, relations, this.relations));
        if (hit && (held === undefined || record.incident.updatedAt > held.incident.updatedAt)) held = record;
        continue;
      }
      const hit = record.incident.alerts.some(
        (other) => isActive(other) && together(other) && related(alert, other, relations, this.relations),
      );
      if (hit && (best === undefined || compareIncidents(record.incident, best.incident) < 0)) best = record;
    }
    return best ?? held;
  }

  /** The record with the alert added or replaced, its group keys and its next flush updated. */
  private upsert(record: IncidentRecord, alert: Alert, now: number, key?: string): IncidentRecord {
    const alerts = record.incident.alerts;
    const index = alerts.findIndex((a) => a.fingerprint === alert.fingerprint);
    const before = index >= 0 ? alerts[index] : undefined;
    const nextAlerts = index >= 0 ? alerts.map((a, i) => (i === index ? alert : a)) : [...alerts, alert];
    const groupKeys = key !== undefined && !record.groupKeys.includes(key) ? [...record.groupKeys, key] : record.groupKeys;
    const next = withAlerts({ ...record, groupKeys }, nextAlerts, now);
    if (next.incident.state === 'resolved') {
      // Resolved (again): flush at once (to close it, or to start its confirm period), at the end
      // of its confirm period if that is running, or not at all if its resolution was told (held).
      if (record.heldUntil !== undefined) return next;
      return record.confirmUntil === undefined ? { ...next, nextFlushAt: now } : { ...next, nextFlushAt: record.confirmUntil };
    }
    const reopened = record.incident.state === 'resolved';
    if (reopened) {
      if (record.heldUntil === undefined) {
        // Its resolution was not told (in its confirm period, or not flushed yet): it simply goes
        // on (an acknowledgement still holds).
        const { confirmUntil: _confirm, ...rest } = next;
        return this.scheduleUpdate(rest, now);
      }
      // Everyone was told it resolved, so its acknowledgement ended with it: firing again is news
      // (the incident is rebuilt without it, so it is firing, not acknowledged).
      const { heldUntil: _held, acknowledged: _ack, ...rest } = record;
      const reopenedAfterTold = (record.reopenedAfterTold ?? 0) + 1;
      return this.scheduleUpdate(withAlerts({ ...rest, groupKeys, reopenedAfterTold }, nextAlerts, now), now);
    }
    const newlyFiring = alert.state === 'firing' && before?.state !== 'firing';
    if (!newlyFiring) return next;
    return this.scheduleUpdate(next, now);
  }

  /**
   * Schedules the flush that tells about a change: the first flush while nothing was notified (a
   * more severe alert may bring it forward to its own group wait), else the first group-interval
   * boundary at least one interval after the last notification.
   */
  private scheduleUpdate(record: IncidentRecord, now: number): IncidentRecord {
    const timing = this.config.timing(record.incident.severity);
    let at: number;
    let firstFlushAt = record.firstFlushAt;
    if (record.notified === undefined) {
      firstFlushAt = Math.min(firstFlushAt, record.incident.openedAt + timing.groupWaitMs);
      at = Math.max(firstFlushAt, now);
    } else {
      at = this.boundaryAtOrAfter(record, Math.max(now, record.notified.at + timing.groupIntervalMs));
    }
    const nextFlushAt = record.nextFlushAt === undefined ? at : Math.min(record.nextFlushAt, at);
    return { ...record, firstFlushAt, nextFlushAt };
  }

  /**
   * How long an incident that resolved by itself waits before its resolution is told (see
   * `ConsolidationConfig.confirmResolved`): 2 × its slowest KPI's cadence, or, once it has come
   * back after a told resolution (it flaps), as long as it would stay reopenable after the telling.
   */
  private confirmResolvedMs(record: IncidentRecord): number {
    const { minMs, maxMs, cadenceFactor } = this.config.confirmResolved;
    const slowest = this.slowestCadenceMs(record);
    const prompt = Math.min(maxMs, Math.max(minMs, cadenceFactor * slowest));
    return (record.reopenedAfterTold ?? 0) > 0 ? Math.max(prompt, this.reopenWithinMs(record, slowest)) : prompt;
  }

  /** How long an incident that resolved by itself stays reopenable (see `ConsolidationConfig.reopen`). */
  private reopenWithinMs(record: IncidentRecord, slowest = this.slowestCadenceMs(record)): number {
    const { minMs, maxMs, cadenceFactor, financialMinMs } = this.config.reopen;
    const floor = record.incident.category === 'financial' ? Math.max(minMs, financialMinMs) : minMs;
    return Math.min(maxMs, Math.max(floor, cadenceFactor * slowest));
  }

  /** The cadence of the incident's slowest KPI (0 when none is known). */
  private slowestCadenceMs(record: IncidentRecord): number {
    let slowest = 0;
    for (const kpi of record.incident.kpis) slowest = Math.max(slowest, this.relations.cadenceMs(kpi) ?? 0);
    return slowest;
  }

  /** The first flush time ≥ t on the incident's grid firstFlushAt + k·groupInterval. */
  private boundaryAtOrAfter(record: IncidentRecord, t: number): number {
    const first = record.firstFlushAt;
    if (t <= first) return first;
    const interval = this.config.timing(record.incident.severity).groupIntervalMs;
    return first + Math.ceil((t - first) / interval) * interval;
  }
}
