import type { Dispatch, DispatchReason, Incident } from '../alerting/alert-model';
import type { ChannelName, EscalationPolicy, NotificationSettings } from '../config/notification-settings-schema';
import { durationMs } from '../config/scalar-schemas';
import type { GroupNotification } from '../consolidation/consolidator';
import { isActive } from '../consolidation/incident-record';
import { levelApplies } from './business-hours';
import { Directory } from './directory';
import type { EscalationRecord, EscalationTrack, PagedRecipient } from './escalation-record';
import { matchRoutes, routeKeysOfPolicy } from './routing';

/** What escalation needs to know about an incident besides its own record. */
export interface EscalationInput {
  /** The incident as people may hear it (muted alerts left out). */
  readonly incident: Incident;
  /** When the incident was acknowledged, while it is acknowledged. */
  readonly ackAt?: number;
  /** The incident has active alerts and every one is muted: timers wait. */
  readonly muted: boolean;
}

export interface EscalationStep {
  /** The same object when nothing changed. */
  readonly record: EscalationRecord;
  readonly dispatches: readonly Dispatch[];
}

/** The escalation of one incident as the API shows it. */
export interface EscalationStatus {
  /** The policy of the track shown (the first active one, else the first). */
  readonly policy?: string;
  readonly level: number;
  readonly cycle: number;
  readonly state: 'none' | 'notified' | 'active' | 'acknowledged' | 'exhausted' | 'resolved';
  /** Next level, or the ack timeout. */
  readonly nextAt?: number;
  /** Everyone told so far. */
  readonly paged: readonly string[];
  readonly tracks: readonly EscalationTrack[];
}

/** Who is on which level of which open incident now. */
export interface CurrentEscalation {
  readonly incidentId: string;
  readonly title: string;
  readonly severity: Incident['severity'];
  readonly priority: number;
  readonly incidentState: Incident['state'];
  readonly policy: string;
  readonly policyName: string;
  readonly status: EscalationTrack['status'];
  readonly cycle: number;
  readonly level: number;
  readonly levelAt: number;
  readonly nextAt?: number;
  /** The current level's targets, resolved now (on-call schedules included). */
  readonly targets: readonly string[];
  readonly channels: readonly ChannelName[];
}

/**
 * The escalation matrix of notification_settings.yaml at work (PagerDuty-style), pure: every
 * method takes a record and `now` and returns the next record with the dispatches to submit.
 *
 * - A notification of the consolidator ('firing', 'update') goes through routing: route
 *   receivers are told directly; a route with a policy starts a track at its first level that
 *   applies now (`when`: business hours in the policy's time zone).
 * - A track climbs a level each time the level's timeout passes without an acknowledgement,
 *   loops `repeat` times, then is exhausted. Timers follow the planned timeline (a late tick
 *   pages every level that came due, once each).
 * - An acknowledgement stops every track; with `ackTimeout` an incident still unresolved after it
 *   is re-alerted ('ack_timeout') from the first level.
 * - An update (new alerts the consolidator found worth telling: an acknowledged incident only
 *   when it got more severe) reaches everyone told so far, and restarts acknowledged tracks (the
 *   incident fires again). A repeat reaches everyone told so far unless a track is still climbing.
 * - A due track whose policy no route of the incident reaches any more (its critical alert
 *   resolved, say) stops instead of climbing; it starts again if a route reaches it again.
 * - One step tells each recipient once, with every channel its routes and levels asked for: routes
 *   that overlap never reach anyone twice on a channel (see `Work`).
 * - Resolution reaches everyone told so far at once; the tracks stop. While the consolidator keeps
 *   the incident reopenable the record stays open without routes: if the incident fires again
 *   unacknowledged, routing starts afresh.
 * - Information incidents reach their routes' receivers (or a policy's first level) without
 *   escalation.
 *
 * Dispatch keys are `${incident.id}:${reason}:${n}` with n counting the incident's dispatches, so
 * the same decision made again after a restart yields the same key.
 */
export class Escalator {
  private settings!: NotificationSettings;
  private directory!: Directory;
  private policies!: Map<string, EscalationPolicy>;

  constructor(settings: NotificationSettings) {
    this.reconfigure(settings);
  }

  reconfigure(settings: NotificationSettings): void {
    this.settings = settings;
    this.directory = new Directory(settings);
    this.policies = new Map(settings.escalation.policies.map((p) => [p.id, p]));
  }

  /** Handles one notification of the consolidator. */
  onNotification(record: EscalationRecord, notification: GroupNotification, input: EscalationInput, now: number): EscalationStep {
    if (record.closed) return { record, dispatches: [] };
    const work = new Work(record);
    const incident = notification.incident;
    switch (notification.reason) {
      case 'information':
        this.inform(work, incident, now);
        break;
      case 'firing':
      case 'update': {
        const told = this.route(work, notification.reason, incident, now);
        if (notification.reason === 'update') {
          if (incident.state === 'firing') {
            for (const track of work.tracks) {
              if (track.status !== 'acknowledged') continue;
              const policy = this.policies.get(track.policy);
              if (policy !== undefined) this.startTrack(work, policy, 'update', incident, now, now, track.ackAt).forEach((id) => told.add(id));
            }
          }
          this.tellPaged(work, 'update', incident, now, told);
        }
        break;
      }
      case 'repeat':
        if (!work.tracks.some((t) => t.status === 'active')) this.tellPaged(work, 'repeat', incident, now);
        break;
      case 'resolved':
        // Everyone told hears it at once. The record stays open while the consolidator keeps the
        // incident reopenable: if it fires again, routing starts afresh (the manager closes the
        // record with its incident).
        this.tellPaged(work, 'resolved', incident, now);
        work.tracks = [];
        work.routes = [];
        break;
    }
    return work.result(now);
  }

  /** Acknowledgements, ack timeouts and due levels at `now`. */
  sync(record: EscalationRecord, input: EscalationInput, now: number): EscalationStep {
    if (record.closed || record.tracks.length === 0) return { record, dispatches: [] };
    const work = new Work(record);
    const ackAt = input.ackAt;
    let routedPolicies: Set<string> | undefined;
    const routed = (): Set<string> =>
      (routedPolicies ??= new Set(
        matchRoutes(routingAlerts(input.incident), this.settings.routing).flatMap((r) => (r.escalation === undefined ? [] : [r.escalation])),
      ));
    work.tracks = work.tracks.flatMap((track): EscalationTrack[] => {
      const policy = this.policies.get(track.policy);
      if (policy === undefined) return []; // the policy was removed from the settings
      let t = track;
      if (ackAt !== undefined && (t.ackAt === undefined || t.ackAt < ackAt)) t = acknowledged(t, policy, ackAt);
      if (t.nextAt === undefined || t.nextAt > now || input.incident.state === 'resolved') return [t];
      if (!routed().has(policy.id)) {
        // No route sends the incident to this policy any more (its critical alert resolved, say):
        // the track stops, and starts afresh if a route sends it there again.
        const keys = routeKeysOfPolicy(this.settings.routing, policy.id);
        work.routes = work.routes.filter((key) => !keys.includes(key));
        return [];
      }
      if (input.muted) return [t.paused ? t : { ...t, paused: true }];
      if (t.status === 'acknowledged') t = this.reAlert(work, policy, t, input.incident, now);
      return [this.climb(work, policy, t, input.incident, now)];
    });
    return work.result(now);
  }

  /** The record's state for the API (`incidentResolved`: its incident resolved and is only kept reopenable). */
  status(record: EscalationRecord | undefined, incidentResolved = false): EscalationStatus {
    if (record === undefined) return { level: 0, cycle: 0, state: 'none', paged: [], tracks: [] };
    const primary = record.tracks.find((t) => t.status === 'active') ?? record.tracks[0];
    const paged = record.paged.map((p) => p.id);
    const state: EscalationStatus['state'] = record.closed || incidentResolved
      ? 'resolved'
      : primary !== undefined
        ? primary.status
        : paged.length > 0
          ? 'notified'
          : 'none';
    return {
      ...(primary === undefined ? {} : { policy: primary.policy }),
      level: primary?.level ?? 0,
      cycle: primary?.cycle ?? 0,
      state,
      ...(primary?.nextAt === undefined ? {} : { nextAt: primary.nextAt }),
      paged,
      tracks: record.tracks,
    };
  }

  /** The tracks of an open incident with the current level's targets resolved at `now`. */
  currentLevels(record: EscalationRecord, incident: Incident, now: number): CurrentEscalation[] {
    if (record.closed) return [];
    return record.tracks.flatMap((t) => {
      const policy = this.policies.get(t.policy);
      const level = policy?.levels[Math.min(t.level, policy.levels.length - 1)];
      if (policy === undefined || level === undefined) return [];
      return [
        {
          incidentId: incident.id,
          title: incident.title,
          severity: incident.severity,
          priority: incident.priority,
          incidentState: incident.state,
          policy: policy.id,
          policyName: policy.name,
          status: t.status,
          cycle: t.cycle,
          level: t.level,
          levelAt: t.levelAt,
          ...(t.nextAt === undefined ? {} : { nextAt: t.nextAt }),
          targets: this.directory.resolve(level.targets, now),
          channels: level.channels,
        },
      ];
    });
  }

  /** Routes not told yet: receivers get the notification, policies start. Returns who was told. */
  private route(work: Work, reason: 'firing' | 'update', incident: Incident, now: number): Set<string> {
    const told = new Set<string>();
    for (const route of matchRoutes(routingAlerts(incident), this.settings.routing)) {
      if (work.routes.includes(route.key)) continue;
      work.routes.push(route.key);
      if (route.receivers !== undefined) {
        work.send(reason, incident, this.directory.resolve(route.receivers, now), route.channels, now).forEach((id) => told.add(id));
      }
      const policy = route.escalation === undefined ? undefined : this.policies.get(route.escalation);
      if (policy !== undefined && !work.tracks.some((t) => t.policy === policy.id)) {
        // A new track honours no acknowledgement yet: one already given stops it at the next sync.
        this.startTrack(work, policy, reason, incident, now, now, undefined).forEach((id) => told.add(id));
      }
    }
    return told;
  }

  private inform(work: Work, incident: Incident, now: number): void {
    const told = new Set<string>();
    for (const route of matchRoutes(routingAlerts(incident), this.settings.routing)) {
      if (!work.routes.includes(route.key)) work.routes.push(route.key);
      let recipients: string[] = [];
      let channels: readonly ChannelName[] | undefined = route.channels;
      let level: number | undefined;
      const policy = route.escalation === undefined ? undefined : this.policies.get(route.escalation);
      if (route.receivers !== undefined) {
        recipients = this.directory.resolve(route.receivers, now);
      } else if (policy !== undefined) {
        const first = firstApplicable(policy, 0, 0, now);
        const l = first === undefined ? undefined : policy.levels[first.level];
        if (first !== undefined && l !== undefined) {
          recipients = this.directory.resolve(l.targets, now);
          channels = l.channels;
          level = first.level;
        }
      }
      const fresh = recipients.filter((id) => !told.has(id));
      const policyId = level === undefined ? undefined : policy?.id;
      work.send('information', incident, fresh, channels, now, level, policyId).forEach((id) => told.add(id));
    }
  }

  /**
   * Pages the first level of `policy` that applies at `at` and (re)places the policy's track.
   * Returns who was paged.
   */
  private startTrack(
    work: Work,
    policy: EscalationPolicy,
    reason: DispatchReason,
    incident: Incident,
    at: number,
    now: number,
    ackAt: number | undefined,
  ): string[] {
    const pos = firstApplicable(policy, 0, 0, at);
    let track: EscalationTrack;
    let paged: string[] = [];
    if (pos === undefined) {
      track = { policy: policy.id, status: 'exhausted', cycle: 0, level: 0, levelAt: at };
    } else {
      const level = policy.levels[pos.level]!;
      paged = work.send(reason, incident, this.directory.resolve(level.targets, now), level.channels, now, pos.level, policy.id);
      track = levelTrack(policy, pos, at);
    }
    if (ackAt !== undefined) track = { ...track, ackAt };
    const index = work.tracks.findIndex((t) => t.policy === policy.id);
    if (index >= 0) work.tracks[index] = track;
    else work.tracks.push(track);
    return paged;
  }

  /** An acknowledgement timed out on a still-unresolved incident: page again from the first level. */
  private reAlert(work: Work, policy: EscalationPolicy, track: EscalationTrack, incident: Incident, now: number): EscalationTrack {
    const at = track.paused ? now : track.nextAt!;
    const pos = firstApplicable(policy, 0, 0, at);
    const ack = track.ackAt === undefined ? {} : { ackAt: track.ackAt };
    if (pos === undefined) return { policy: policy.id, status: 'exhausted', cycle: 0, level: 0, levelAt: at, ...ack };
    const level = policy.levels[pos.level]!;
    work.send('ack_timeout', incident, this.directory.resolve(level.targets, now), level.channels, now, pos.level, policy.id);
    return { ...levelTrack(policy, pos, at), ...ack };
  }

  /** Pages every level that came due by `now`, once each, following the planned timeline. */
  private climb(work: Work, policy: EscalationPolicy, track: EscalationTrack, incident: Incident, now: number): EscalationTrack {
    let t = track;
    for (let guard = policy.levels.length * (policy.repeat + 1) + 1; guard > 0; guard--) {
      if (t.status !== 'active' || t.nextAt === undefined || t.nextAt > now) break;
      const at = t.paused ? now : t.nextAt;
      const pos = firstApplicable(policy, t.level + 1, t.cycle, at);
      const ack = t.ackAt === undefined ? {} : { ackAt: t.ackAt };
      if (pos === undefined) return { policy: policy.id, status: 'exhausted', cycle: t.cycle, level: t.level, levelAt: t.levelAt, ...ack };
      const level = policy.levels[pos.level]!;
      work.send('escalation', incident, this.directory.resolve(level.targets, now), level.channels, now, pos.level, policy.id);
      t = { ...levelTrack(policy, pos, at), ...ack };
    }
    return t;
  }

  /** Tells everyone paged so far, one dispatch per set of channels they were reached on. */
  private tellPaged(work: Work, reason: DispatchReason, incident: Incident, now: number, except: ReadonlySet<string> = new Set()): void {
    const groups = new Map<string, { channels: readonly ChannelName[] | null; ids: string[] }>();
    for (const p of work.paged) {
      if (except.has(p.id)) continue;
      const key = p.channels === null ? '*' : [...p.channels].sort().join(',');
      const group = groups.get(key) ?? { channels: p.channels, ids: [] };
      group.ids.push(p.id);
      groups.set(key, group);
    }
    for (const { channels, ids } of groups.values()) work.send(reason, incident, ids, channels ?? undefined, now);
  }
}

/** The alerts routes are matched against: the active ones (all, once resolved). */
function routingAlerts(incident: Incident) {
  const active = incident.alerts.filter(isActive);
  return active.length > 0 ? active : incident.alerts;
}

/**
 * The first level at or after (cycle, level) that applies at `at`, wrapping into further cycles
 * while the policy's `repeat` allows; undefined when none applies.
 */
export function firstApplicable(
  policy: EscalationPolicy,
  fromLevel: number,
  fromCycle: number,
  at: number,
): { cycle: number; level: number } | undefined {
  for (let cycle = fromCycle; cycle <= policy.repeat; cycle++) {
    const from = cycle === fromCycle ? fromLevel : 0;
    for (let level = from; level < policy.levels.length; level++) {
      if (levelApplies(policy.levels[level]!.when, policy.businessHours, at)) return { cycle, level };
    }
    if (from === 0) break; // a whole pass found nothing at this instant; another would not either
  }
  return undefined;
}

function levelTrack(policy: EscalationPolicy, pos: { cycle: number; level: number }, at: number): EscalationTrack {
  const timeout = policy.levels[pos.level]?.timeout;
  const base = { policy: policy.id, cycle: pos.cycle, level: pos.level, levelAt: at };
  return timeout === undefined ? { ...base, status: 'exhausted' } : { ...base, status: 'active', nextAt: at + durationMs(timeout) };
}

function acknowledged(track: EscalationTrack, policy: EscalationPolicy, ackAt: number): EscalationTrack {
  const { nextAt: _next, paused: _paused, ...rest } = track;
  const base: EscalationTrack = { ...rest, status: 'acknowledged', ackAt };
  return policy.ackTimeout === undefined ? base : { ...base, nextAt: ackAt + durationMs(policy.ackTimeout) };
}

/** One decision to tell some recipients on some channels (null: their own channels). */
interface Telling {
  readonly reason: DispatchReason;
  readonly incident: Incident;
  readonly recipients: readonly string[];
  readonly channels: readonly ChannelName[] | null;
  readonly level?: number;
  readonly policy?: string;
}

/**
 * A record being changed: what to tell whom, and the ledger of who was told. What one step tells
 * goes out as few dispatches as it can (`result`): per reason, each recipient once with every
 * channel any route or level asked for, recipients asking for the same channels in one dispatch.
 * Routes that overlap (a covenant route and the finance policy both reaching the treasurer) then
 * never reach anyone twice on one channel.
 */
class Work {
  routes: string[];
  tracks: EscalationTrack[];
  paged: PagedRecipient[];
  closed: boolean;
  private readonly tellings: Telling[] = [];

  constructor(private readonly original: EscalationRecord) {
    this.routes = [...original.routes];
    this.tracks = [...original.tracks];
    this.paged = [...original.paged];
    this.closed = original.closed;
  }

  /** Tells recipients (nobody: nothing) and notes who was told on which channels. Returns them. */
  send(
    reason: DispatchReason,
    incident: Incident,
    recipients: readonly string[],
    channels: readonly ChannelName[] | undefined,
    now: number,
    level?: number,
    policy?: string,
  ): string[] {
    if (recipients.length === 0) return [];
    this.tellings.push({
      reason,
      incident,
      recipients: [...recipients],
      channels: channels === undefined ? null : [...channels],
      ...(level === undefined ? {} : { level }),
      ...(policy === undefined ? {} : { policy }),
    });
    for (const id of recipients) {
      const index = this.paged.findIndex((p) => p.id === id);
      const before = index >= 0 ? this.paged[index]! : undefined;
      const merged: PagedRecipient = {
        id,
        channels:
          channels === undefined || before?.channels === null
            ? null
            : [...new Set([...(before?.channels ?? []), ...channels])],
        at: before?.at ?? now,
      };
      if (index >= 0) this.paged[index] = merged;
      else this.paged.push(merged);
    }
    return [...recipients];
  }

  result(now: number): EscalationStep {
    const o = this.original;
    const dispatches = this.dispatches(now);
    const same =
      dispatches.length === 0 &&
      this.closed === o.closed &&
      JSON.stringify(this.routes) === JSON.stringify(o.routes) &&
      JSON.stringify(this.tracks) === JSON.stringify(o.tracks) &&
      JSON.stringify(this.paged) === JSON.stringify(o.paged);
    if (same) return { record: o, dispatches: [] };
    return {
      record: {
        incidentId: o.incidentId,
        routes: this.routes,
        tracks: this.tracks,
        paged: this.paged,
        sequence: o.sequence + dispatches.length,
        closed: this.closed,
        updatedAt: now,
      },
      dispatches,
    };
  }

  /**
   * The step's tellings as dispatches, in order of first telling: per reason, each recipient with
   * the union of the channels asked for (their own channels if any telling said so), grouped by
   * channel set and the escalation level that reached them first (if any did; a dispatch carries
   * that level and policy).
   */
  private dispatches(now: number): Dispatch[] {
    const out: Dispatch[] = [];
    let sequence = this.original.sequence;
    const reasons = [...new Set(this.tellings.map((t) => t.reason))];
    for (const reason of reasons) {
      const tellings = this.tellings.filter((t) => t.reason === reason);
      const wanted = new Map<string, { channels: Set<ChannelName> | null; leveled?: Telling }>();
      for (const t of tellings) {
        for (const id of t.recipients) {
          let entry = wanted.get(id);
          if (entry === undefined) {
            entry = { channels: t.channels === null ? null : new Set(t.channels) };
            wanted.set(id, entry);
          } else if (t.channels === null) entry.channels = null;
          else if (entry.channels !== null) for (const c of t.channels) entry.channels.add(c);
          if (entry.leveled === undefined && t.level !== undefined) entry.leveled = t;
        }
      }
      const groups = new Map<string, { channels: ChannelName[] | null; ids: string[]; level?: number; policy?: string }>();
      for (const [id, { channels, leveled }] of wanted) {
        const list = channels === null ? null : [...channels];
        // Recipients reached by different escalation levels stay apart (a late tick paging two).
        const levelKey = leveled === undefined ? '' : `${leveled.policy ?? ''}#${leveled.level}`;
        const key = `${levelKey} ${list === null ? '*' : [...list].sort().join(',')}`;
        let group = groups.get(key);
        if (group === undefined) {
          group = { channels: list, ids: [] };
          groups.set(key, group);
        }
        group.ids.push(id);
        if (leveled?.level !== undefined) {
          group.level = leveled.level;
          if (leveled.policy !== undefined) group.policy = leveled.policy;
        }
      }
      const incident = tellings[tellings.length - 1]!.incident;
      for (const group of groups.values()) {
        sequence += 1;
        out.push({
          key: `${incident.id}:${reason}:${sequence}`,
          reason,
          incident,
          recipients: group.ids,
          ...(group.channels === null ? {} : { channels: group.channels }),
          ...(group.level === undefined ? {} : { level: group.level }),
          ...(group.policy === undefined ? {} : { policy: group.policy }),
          at: now,
        });
      }
    }
    return out;
  }
}
