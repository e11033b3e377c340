import { ErrorCodes, FinmonError } from '../../core/errors';
import { alertMatches, compareAlerts, type AlertFilter } from '../alert-filter';
import type { Actor, Alert, AlertCategory, AlertOrigin, AlertState, AlertTransition, Severity } from '../alert-model';
import { SEVERITY_RANK } from '../alert-model';
import { alertClass, alertPriority } from '../alert-priority';
import { formatDuration } from '../alert-text';
import type { ConditionSignal } from '../rules/rule-kind';
import { EVENT_HOLD_MS, FLAP_SETTLE_MS, FLAP_START_CHANGES, FLAP_WINDOW_MS, RESOLVED_RETENTION_MS } from './lifecycle-timing';

/**
 * The alert lifecycle, pure (time is the `now` passed in):
 *
 *   (none | resolved) ─active─▶ pending ─held for `for`─▶ firing ─ack─▶ acknowledged
 *                      └─active, no `for`──────────────▶ firing
 *   pending | firing | acknowledged ─condition cleared / manual resolve / rule removed─▶ resolved
 *
 * - A resolved alert whose condition returns starts a new cycle under the same fingerprint.
 * - After a manual resolve the condition still holds; the alert stays resolved until the condition
 *   has cleared once (otherwise the next point would re-open it at once).
 * - Severity changes of an open alert are update transitions (from = to); a severity raised on an
 *   acknowledged alert returns it to firing (the acknowledgement was for a lesser problem).
 * - Events (milestones) fire at once and resolve after EVENT_HOLD_MS.
 * - Flapping: see lifecycle-timing.ts.
 *
 * Every transition is returned (for consolidation) and queued for the audit history with a
 * per-fingerprint sequence number; changed alerts are queued for the store (`drainChanges`).
 */

/** The engine as actor of automatic transitions. */
export const SYSTEM_ACTOR: Actor = Object.freeze({ kind: 'system', name: 'finmon' });

/** What an alert is about, besides its series: the rule (or source) and its KPI. */
export interface AlertSubject {
  readonly kpi: string;
  readonly ruleId: string;
  readonly origin: AlertOrigin;
  readonly category: AlertCategory;
  /** The KPI's business impact 1–5. */
  readonly impact: number;
  /** The KPI's labels, the rule's labels and `source`. */
  readonly labels: Readonly<Record<string, string>>;
  readonly ruleFile: string;
}

/** Lifecycle bookkeeping of one alert that is not part of the Alert itself; stored with it. */
export interface AlertRecordState {
  readonly forMs: number;
  readonly event: boolean;
  /** Manually resolved while the condition still held. */
  readonly manuallyResolved: boolean;
  /** Times of recent state changes (flapping). */
  readonly changes: readonly number[];
  /** Transitions so far (the audit history's sequence). */
  readonly seq: number;
}

/** An alert with its lifecycle bookkeeping, as the store keeps it. */
export interface StoredAlert {
  readonly alert: Alert;
  readonly lifecycle: AlertRecordState;
}

/** One audit-history entry: the transition and its sequence number within its fingerprint. */
export interface StoredTransition {
  readonly seq: number;
  readonly transition: AlertTransition;
}

interface AlertRecord {
  alert: Alert;
  /** Counted in `held` (open, or held by a manual resolve). */
  held: boolean;
  forMs: number;
  event: boolean;
  manuallyResolved: boolean;
  changes: number[];
  seq: number;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export class AlertLifecycle {
  private readonly records = new Map<string, AlertRecord>();
  /** Fingerprints with a timer: pending, open events, flapping. */
  private readonly timed = new Set<string>();
  private readonly dirty = new Set<string>();
  private history: StoredTransition[] = [];
  /** Per `<kpi>/<ruleId>`: alerts that are open or held by a manual resolve (see `mayHaveAlert`). */
  private readonly heldByRule = new Map<string, number>();

  /**
   * Whether the rule `<kpi>/<ruleId>` has an alert an inactive signal could change (open, or held
   * by a manual resolve). The engine skips inactive signals of rules without one — they would
   * change nothing — without computing their fingerprints.
   */
  mayHaveAlert(ruleKey: string): boolean {
    return (this.heldByRule.get(ruleKey) ?? 0) > 0;
  }

  /** Applies one condition signal for the alert `fingerprint`. */
  apply(
    subject: AlertSubject,
    fingerprint: string,
    series: Readonly<Record<string, string>>,
    signal: ConditionSignal,
    forMs: number,
    now: number,
    out: AlertTransition[],
  ): void {
    const rec = this.records.get(fingerprint);
    if (rec !== undefined && rec.event && rec.alert.state !== 'resolved' && now >= (rec.alert.firingAt ?? rec.alert.startsAt) + EVENT_HOLD_MS) {
      // The previous event's hold is over (no tick ran since): it resolves before anything new.
      this.transition(rec, 'resolved', now, SYSTEM_ACTOR, `announced: ${rec.alert.summary}`, out, {});
    }
    if (signal.active) {
      if (rec === undefined || rec.alert.state === 'resolved') {
        if (rec?.manuallyResolved) return;
        this.open(rec, subject, fingerprint, series, signal, forMs, now, out);
      } else {
        if (!rec.event) rec.forMs = forMs; // a reloaded rule's new `for` applies to its pending alert
        this.update(rec, subject, signal, now, out);
      }
      return;
    }
    if (rec === undefined) return;
    if (rec.alert.state === 'resolved') {
      if (rec.manuallyResolved) {
        rec.manuallyResolved = false;
        this.dirty.add(fingerprint);
        this.retime(rec);
      }
      return;
    }
    const reason =
      rec.alert.state === 'pending' ? `condition cleared within ${formatDuration(rec.forMs)}: ${signal.summary}` : `condition cleared: ${signal.summary}`;
    this.transition(rec, 'resolved', now, SYSTEM_ACTOR, reason, out, {
      summary: signal.summary,
      ...(signal.value === undefined ? {} : { value: signal.value }),
      details: signal.details ?? rec.alert.details,
    });
  }

  /** Advances timers: `for` durations, event holds, flapping that settled; forgets old resolved alerts. */
  tick(now: number, out: AlertTransition[]): void {
    for (const fp of [...this.timed]) {
      const rec = this.records.get(fp);
      if (rec === undefined) {
        this.timed.delete(fp);
        continue;
      }
      const a = rec.alert;
      if (a.state === 'pending' && now - a.startsAt >= rec.forMs) {
        this.transition(rec, 'firing', now, SYSTEM_ACTOR, `condition held for ${formatDuration(rec.forMs)}: ${a.summary}`, out, { firingAt: now });
      }
      if (rec.event && (rec.alert.state === 'firing' || rec.alert.state === 'acknowledged') && now >= (rec.alert.firingAt ?? rec.alert.startsAt) + EVENT_HOLD_MS) {
        this.transition(rec, 'resolved', now, SYSTEM_ACTOR, `announced: ${rec.alert.summary}`, out, {});
      }
      if (rec.alert.flapping && now - (rec.changes[rec.changes.length - 1] ?? 0) >= FLAP_SETTLE_MS) {
        this.update(rec, undefined, undefined, now, out, { flapping: false }, `stopped flapping; ${rec.alert.state}`);
      }
      this.retime(rec);
    }
    for (const [fp, rec] of this.records) {
      const a = rec.alert;
      if (a.state === 'resolved' && !rec.manuallyResolved && !a.flapping && now - (a.resolvedAt ?? a.updatedAt) >= RESOLVED_RETENTION_MS) {
        this.records.delete(fp);
        this.timed.delete(fp);
      }
    }
  }

  /** The earliest time `tick` has work to do (a `for` ending, an event hold, flapping settling). */
  nextDueAt(): number | undefined {
    let due: number | undefined;
    const consider = (t: number) => {
      if (due === undefined || t < due) due = t;
    };
    for (const fp of this.timed) {
      const rec = this.records.get(fp);
      if (rec === undefined) continue;
      const a = rec.alert;
      if (a.state === 'pending') consider(a.startsAt + rec.forMs);
      if (rec.event && (a.state === 'firing' || a.state === 'acknowledged')) consider((a.firingAt ?? a.startsAt) + EVENT_HOLD_MS);
      if (a.flapping) consider((rec.changes[rec.changes.length - 1] ?? 0) + FLAP_SETTLE_MS);
    }
    return due;
  }

  /**
   * A person acknowledges a firing alert: escalation stops. Acknowledging an acknowledged alert
   * changes nothing.
   * @throws FinmonError NOT_FOUND for an unknown fingerprint; ALERT_TRANSITION_INVALID (409) for a
   *   pending or resolved alert.
   */
  acknowledge(fingerprint: string, actor: Actor, comment: string | undefined, now: number, out: AlertTransition[]): void {
    const rec = this.require(fingerprint);
    const state = rec.alert.state;
    if (state === 'acknowledged') return;
    if (state !== 'firing') {
      throw new FinmonError(
        ErrorCodes.ALERT_TRANSITION_INVALID,
        `alert ${fingerprint} is ${state}; only a firing alert can be acknowledged`,
        409,
      );
    }
    this.transition(rec, 'acknowledged', now, actor, withComment(`acknowledged by ${actor.name}`, comment), out, {
      acknowledgedAt: now,
      acknowledgedBy: actor.name,
    });
  }

  /**
   * A person resolves an open alert. The alert stays resolved while its condition still holds and
   * starts a new cycle once the condition has cleared and returned. Resolving a resolved alert
   * changes nothing.
   * @throws FinmonError NOT_FOUND for an unknown fingerprint.
   */
  resolve(fingerprint: string, actor: Actor, comment: string | undefined, now: number, out: AlertTransition[]): void {
    const rec = this.require(fingerprint);
    if (rec.alert.state === 'resolved') return;
    this.transition(rec, 'resolved', now, actor, withComment(`resolved by ${actor.name}`, comment), out, {});
    rec.manuallyResolved = !rec.event;
    this.retime(rec);
  }

  /** Resolves every open alert `select` picks, with `reason` (e.g. its rule was removed). */
  resolveWhere(select: (alert: Alert) => boolean, reason: string, now: number, out: AlertTransition[]): void {
    for (const rec of this.records.values()) {
      if (rec.alert.state === 'resolved' || !select(rec.alert)) continue;
      this.transition(rec, 'resolved', now, SYSTEM_ACTOR, reason, out, {});
    }
  }

  get(fingerprint: string): Alert | undefined {
    return this.records.get(fingerprint)?.alert;
  }

  /** Alerts in memory (open ones and those resolved within RESOLVED_RETENTION_MS), filtered and ordered. */
  list(filter: AlertFilter = {}): Alert[] {
    const out: Alert[] = [];
    for (const rec of this.records.values()) if (alertMatches(rec.alert, filter)) out.push(rec.alert);
    return out.sort(compareAlerts);
  }

  /** Counts by state, for metrics. */
  countByState(): Record<AlertState, number> {
    const counts: Record<AlertState, number> = { pending: 0, firing: 0, acknowledged: 0, resolved: 0 };
    for (const rec of this.records.values()) counts[rec.alert.state]++;
    return counts;
  }

  /** Alerts and history entries changed since the last call (for the store). */
  /** Transitions recorded since the last drain (what the next save writes to the history). */
  get unsavedTransitions(): number {
    return this.history.length;
  }

  drainChanges(): { alerts: StoredAlert[]; history: StoredTransition[] } {
    const alerts: StoredAlert[] = [];
    for (const fp of this.dirty) {
      const rec = this.records.get(fp);
      if (rec !== undefined) alerts.push(stored(rec));
    }
    this.dirty.clear();
    const history = this.history;
    this.history = [];
    return { alerts, history };
  }

  /** Every alert in memory in its stored form. */
  snapshot(): StoredAlert[] {
    return [...this.records.values()].map(stored);
  }

  /** Loads stored alerts (replacing any with the same fingerprint); timers resume from their times. */
  restore(alerts: readonly StoredAlert[]): void {
    for (const { alert, lifecycle } of alerts) {
      const previous = this.records.get(alert.fingerprint);
      if (previous !== undefined) {
        previous.alert = { ...previous.alert, state: 'resolved' };
        previous.manuallyResolved = false;
        this.retime(previous);
      }
      const rec: AlertRecord = {
        alert,
        held: false,
        forMs: lifecycle.forMs,
        event: lifecycle.event,
        manuallyResolved: lifecycle.manuallyResolved,
        changes: [...lifecycle.changes],
        seq: lifecycle.seq,
      };
      this.records.set(alert.fingerprint, rec);
      this.retime(rec);
    }
  }

  private require(fingerprint: string): AlertRecord {
    const rec = this.records.get(fingerprint);
    if (rec === undefined) throw new FinmonError(ErrorCodes.NOT_FOUND, `no alert with fingerprint ${fingerprint}`, 404);
    return rec;
  }

  /** Starts a cycle: a new alert, pending or firing. */
  private open(
    previous: AlertRecord | undefined,
    subject: AlertSubject,
    fingerprint: string,
    series: Readonly<Record<string, string>>,
    signal: ConditionSignal,
    forMs: number,
    now: number,
    out: AlertTransition[],
  ): void {
    const event = signal.event === true;
    const state: AlertState = forMs > 0 && !event ? 'pending' : 'firing';
    const rec: AlertRecord = previous ?? { alert: undefined as unknown as Alert, held: false, forMs, event, manuallyResolved: false, changes: [], seq: 0 };
    rec.forMs = forMs;
    rec.event = event;
    rec.manuallyResolved = false;
    const from = previous?.alert.state ?? null;
    const flapping = state === 'firing' ? this.noteChange(rec, now) : (previous?.alert.flapping ?? false);
    rec.alert = buildAlert(subject, fingerprint, series, signal, state, now, flapping);
    this.records.set(fingerprint, rec);
    const reason = state === 'pending' ? `condition met, fires after ${formatDuration(forMs)}: ${signal.summary}` : signal.summary;
    this.record(rec, from, SYSTEM_ACTOR, reason, now, out);
  }

  /**
   * Updates an open alert with a new signal (value, summary, severity) or a patch; emits the
   * transitions this causes (severity change, pending → firing after `for`, flapping settled).
   */
  private update(
    rec: AlertRecord,
    subject: AlertSubject | undefined,
    signal: ConditionSignal | undefined,
    now: number,
    out: AlertTransition[],
    patch: Partial<Alert> = {},
    reason?: string,
  ): void {
    const before = rec.alert;
    const next: Mutable<Alert> = { ...before, ...patch, updatedAt: now };
    if (signal !== undefined && subject !== undefined) {
      const category = signal.category ?? subject.category;
      next.summary = signal.summary;
      next.details = signal.details ?? {};
      if (signal.value === undefined) delete next.value;
      else next.value = signal.value;
      if (signal.threshold === undefined) delete next.threshold;
      else next.threshold = signal.threshold;
      next.severity = signal.severity;
      next.category = category;
      next.alertClass = alertClass(subject.origin, signal.severity);
      next.priority = alertPriority(signal.severity, subject.impact);
      next.labels = alertLabels(subject, before.series, signal, category);
    }
    rec.alert = next;
    this.dirty.add(before.fingerprint);
    const severityChanged = next.severity !== before.severity;
    if (severityChanged && before.state !== 'pending') {
      const raised = SEVERITY_RANK[next.severity] > SEVERITY_RANK[before.severity];
      const words = `severity ${raised ? 'raised' : 'lowered'} from ${before.severity} to ${next.severity}: ${next.summary}`;
      if (raised && before.state === 'acknowledged') {
        const { acknowledgedAt: _at, acknowledgedBy: _by, ...rest } = next;
        rec.alert = rest;
        this.record(rec, before.state, SYSTEM_ACTOR, `${words} (acknowledgement cleared)`, now, out, 'firing');
      } else {
        this.record(rec, before.state, SYSTEM_ACTOR, words, now, out);
      }
    } else if (reason !== undefined) {
      this.record(rec, before.state, SYSTEM_ACTOR, reason, now, out);
    }
    if (rec.alert.state === 'pending' && now - rec.alert.startsAt >= rec.forMs) {
      this.transition(rec, 'firing', now, SYSTEM_ACTOR, `condition held for ${formatDuration(rec.forMs)}: ${rec.alert.summary}`, out, { firingAt: now });
    }
  }

  /** Moves an alert to `to`, applying `patch`, and records the transition. */
  private transition(
    rec: AlertRecord,
    to: AlertState,
    now: number,
    actor: Actor,
    reason: string,
    out: AlertTransition[],
    patch: Partial<Alert>,
  ): void {
    const from = rec.alert.state;
    const flapping = (to === 'firing' || to === 'resolved') && to !== from ? this.noteChange(rec, now) : rec.alert.flapping;
    rec.alert = { ...rec.alert, ...patch, state: to, updatedAt: now, flapping, ...(to === 'resolved' ? { resolvedAt: now } : {}) };
    this.record(rec, from, actor, reason, now, out);
  }

  /** Queues the transition `from` → the record's state (or `to`) with the alert as it is now. */
  private record(rec: AlertRecord, from: AlertState | null, actor: Actor, reason: string, now: number, out: AlertTransition[], to?: AlertState): void {
    if (to !== undefined) rec.alert = { ...rec.alert, state: to };
    const transition: AlertTransition = { fingerprint: rec.alert.fingerprint, from, to: rec.alert.state, at: now, actor, reason, alert: rec.alert };
    rec.seq += 1;
    this.history.push({ seq: rec.seq, transition });
    this.dirty.add(rec.alert.fingerprint);
    out.push(transition);
    this.retime(rec);
  }

  /** Notes a state change; returns whether the alert is flapping now. */
  private noteChange(rec: AlertRecord, now: number): boolean {
    const changes = rec.changes.filter((t) => now - t < FLAP_WINDOW_MS);
    changes.push(now);
    if (changes.length > 2 * FLAP_START_CHANGES) changes.splice(0, changes.length - 2 * FLAP_START_CHANGES);
    rec.changes = changes;
    return (rec.alert?.flapping ?? false) || changes.length >= FLAP_START_CHANGES;
  }

  private retime(rec: AlertRecord): void {
    const a = rec.alert;
    const held = a.state !== 'resolved' || rec.manuallyResolved;
    if (held !== rec.held) {
      const key = `${a.kpi}/${a.ruleId}`;
      this.heldByRule.set(key, (this.heldByRule.get(key) ?? 0) + (held ? 1 : -1));
      rec.held = held;
    }
    const open = a.state !== 'resolved';
    if (a.state === 'pending' || (rec.event && open) || a.flapping) this.timed.add(a.fingerprint);
    else this.timed.delete(a.fingerprint);
  }
}

function withComment(text: string, comment: string | undefined): string {
  const trimmed = comment?.trim();
  return trimmed ? `${text}: ${trimmed}` : text;
}

function stored(rec: AlertRecord): StoredAlert {
  return {
    alert: rec.alert,
    lifecycle: { forMs: rec.forMs, event: rec.event, manuallyResolved: rec.manuallyResolved, changes: [...rec.changes], seq: rec.seq },
  };
}

/**
 * An alert's labels: the KPI's and rule's labels (with `source`), the series' tags, the signal's
 * variant, then `kpi`, `rule`, `severity`, `category`, `class` (these win on a name clash).
 */
export function alertLabels(
  subject: AlertSubject,
  series: Readonly<Record<string, string>>,
  signal: Pick<ConditionSignal, 'severity' | 'variant'>,
  category: AlertCategory,
): Record<string, string> {
  return {
    ...subject.labels,
    ...series,
    ...signal.variant,
    kpi: subject.kpi,
    rule: subject.ruleId,
    severity: signal.severity,
    category,
    class: alertClass(subject.origin, signal.severity),
  };
}

function buildAlert(
  subject: AlertSubject,
  fingerprint: string,
  series: Readonly<Record<string, string>>,
  signal: ConditionSignal,
  state: AlertState,
  now: number,
  flapping: boolean,
): Alert {
  const severity: Severity = signal.severity;
  const category = signal.category ?? subject.category;
  return {
    fingerprint,
    kpi: subject.kpi,
    ruleId: subject.ruleId,
    origin: subject.origin,
    series,
    labels: alertLabels(subject, series, signal, category),
    severity,
    category,
    alertClass: alertClass(subject.origin, severity),
    state,
    summary: signal.summary,
    ...(signal.value === undefined ? {} : { value: signal.value }),
    ...(signal.threshold === undefined ? {} : { threshold: signal.threshold }),
    details: signal.details ?? {},
    priority: alertPriority(severity, subject.impact),
    startsAt: now,
    ...(state === 'firing' ? { firingAt: now } : {}),
    updatedAt: now,
    flapping,
    ruleFile: subject.ruleFile,
  };
}
