import type { MetricsConfig } from '../config/metrics-config-schema';
import { durationMs } from '../config/scalar-schemas';
import type { Point } from '../core/point';
import type { PointColumns } from '../ingest/point-columns';
import { alertFingerprint } from './alert-fingerprint';
import type { AlertFilter } from './alert-filter';
import type { Actor, Alert, AlertState, AlertTransition } from './alert-model';
import { formatDuration, seriesName } from './alert-text';
import { AlertLifecycle, type AlertSubject } from './lifecycle/alert-lifecycle';
import { builtInRuleKinds, type RuleKindRegistry } from './rules/rule-kind-registry';
import { VALUE_INPUT, type ConditionSignal } from './rules/rule-kind';
import { RuleSet, type RuleSlot } from './rules/rule-set';
import { NEEDS_POINT, NO_RULES, type KpiValueRoutes } from './rules/series-routes';
import type { SeriesEntry } from './rules/series-table';
import type { AlertChanges, AlertEngineSnapshot, RuleStateChange, StaleRuleState } from './store/alert-store';

/**
 * The alerting engine's facade: rule evaluation and the alert lifecycle, pure (every call takes
 * `now`; no I/O). The composition root feeds it points and ticks, passes the transitions it
 * returns on to consolidation, and persists `drainChanges()` in the AlertStore.
 *
 *   onPoints(points, now)   a stored point evaluates its KPI's rules at once (event-driven)
 *   onColumns(columns, now) the same for points given in columns (the ingest hot path)
 *   tick(now)               time-based conditions: nodata, period ends, no-data policies, `for`
 *                           timers, event holds, flapping (call every few seconds, or at nextDueAt())
 *   acknowledge / resolve   a person's action, with actor and comment
 *   reconfigure(metrics)    a reloaded config: unchanged rules keep their state; alerts of removed
 *                           rules resolve ("rule removed")
 *   sourceHealth(event)     a pulled source's run: an error streak raises a critical system alert
 *   restore(snapshot, now)  after a restart, before any point
 */

/** Consecutive failed runs of a source that raise a "system failure" alert. */
export const SOURCE_FAILURE_STREAK = 3;

/** The configuration file rules come from, when the caller does not say. */
export const DEFAULT_RULE_FILE = 'metrics_config.json';

/** The rule id and file of source-failure alerts (raised by the engine itself, not by a rule). */
export const SOURCE_FAILURE_RULE_ID = 'source-failure';
export const BUILT_IN_RULE_FILE = 'built-in';

/** A pulled source's run as the scheduler reports it. */
export interface SourceHealthEvent {
  /** The source's id (its name in the scheduler; KPIs name theirs in `source`). */
  readonly source: string;
  readonly ok: boolean;
  /** Consecutive failed runs, 0 after a success. */
  readonly consecutiveFailures: number;
  /** The last error's message (shown in the alert; must not contain secrets). */
  readonly error?: string;
}

export interface AlertEngineOptions {
  readonly metrics: MetricsConfig;
  /** The time the engine starts (origin of "no data since start" timers). */
  readonly now: number;
  /** Rule kinds; default the built-in ones (analytics adds anomaly and forecast). */
  readonly registry?: RuleKindRegistry;
  /** The file the rules come from, shown with every alert (default metrics_config.json). */
  readonly ruleFile?: string;
  /** Failed runs in a row that make a source failure (default SOURCE_FAILURE_STREAK). */
  readonly sourceFailureStreak?: number;
}

/** Counters for the collector's /metrics. */
export interface AlertEngineStats {
  readonly rules: number;
  readonly unsupportedRules: number;
  readonly series: number;
  /** Points evaluated by a rule since start (one point evaluated by two rules counts twice). */
  readonly evaluations: number;
  readonly alerts: Record<AlertState, number>;
}

const NO_DATA_VARIANT: Readonly<Record<string, string>> = Object.freeze({ nodata: 'true' });

export class AlertEngine {
  private rules: RuleSet;
  private readonly lifecycle = new AlertLifecycle();
  private readonly registry: RuleKindRegistry;
  private readonly ruleFile: string;
  private readonly sourceFailureStreak: number;
  private metrics: MetricsConfig;
  private staleRuleStates: StaleRuleState[] = [];
  /** Transitions of the call in progress, and its time. */
  private out: AlertTransition[] = [];
  private now = 0;
  private evaluations = 0;

  constructor(options: AlertEngineOptions) {
    this.registry = options.registry ?? builtInRuleKinds();
    this.ruleFile = options.ruleFile ?? DEFAULT_RULE_FILE;
    this.sourceFailureStreak = options.sourceFailureStreak ?? SOURCE_FAILURE_STREAK;
    this.metrics = options.metrics;
    this.now = options.now;
    this.rules = this.buildRules(options.metrics, options.now, undefined);
  }

  /** Evaluates every rule of the points' KPIs; returns the transitions they cause. */
  onPoints(points: readonly Point[], now: number): AlertTransition[] {
    const out = this.begin(now);
    for (let i = 0; i < points.length; i++) this.evaluatePoint(points[i]!, now);
    return this.end(out);
  }

  /**
   * The same as `onPoints(columns.toPoints(), now)`, reading the columns: a point whose KPI's value
   * rules all take value points by entry is evaluated without its `Point` object, and a point no
   * rule reads is skipped by its series id.
   */
  onColumns(columns: PointColumns, now: number): AlertTransition[] {
    const out = this.begin(now);
    const space = this.rules.routesOfSpace(columns.space);
    const { ids, times, values } = columns;
    let points: readonly Point[] | undefined;
    for (let i = 0; i < columns.length; i++) {
      const id = ids[i]!;
      let rules = space.rulesById[id];
      if (rules === undefined) rules = space.resolve(id);
      if (rules === NO_RULES) continue;
      if (rules !== NEEDS_POINT && rules.byEntryOnly) {
        this.evaluateValue(rules, space.rowById[id]!, times[i]!, values[i]!, undefined, now);
      } else {
        points ??= columns.toPoints();
        this.evaluatePoint(points[i]!, now);
      }
    }
    return this.end(out);
  }

  /** Runs the time-based parts; returns the transitions they cause. */
  tick(now: number): AlertTransition[] {
    const out = this.begin(now);
    for (const slot of this.rules.slots) {
      slot.evaluator.onTick?.(now, slot.emit);
      if (slot.noData !== undefined) this.checkNoData(slot, now);
    }
    this.lifecycle.tick(now, out);
    return this.end(out);
  }

  /**
   * The earliest time `tick` may have something to do, or undefined. O(series of time-based rules);
   * callers that tick on a fixed interval do not need it.
   */
  nextDueAt(): number | undefined {
    let due = this.lifecycle.nextDueAt();
    const consider = (t: number | undefined) => {
      if (t !== undefined && (due === undefined || t < due)) due = t;
    };
    for (const slot of this.rules.slots) {
      consider(slot.evaluator.nextDueAt?.());
      if (slot.noData === undefined) continue;
      for (const entry of slot.evaluator.series.entries()) {
        if (entry.silentSince === undefined) consider(entry.lastSeenAt + slot.noData.afterMs);
      }
    }
    return due;
  }

  /**
   * A person acknowledges a firing alert.
   * @throws FinmonError NOT_FOUND (unknown fingerprint), ALERT_TRANSITION_INVALID (pending or resolved).
   */
  acknowledge(fingerprint: string, actor: Actor, comment: string | undefined, now: number): AlertTransition[] {
    const out = this.begin(now);
    this.lifecycle.acknowledge(fingerprint, actor, comment, now, out);
    return this.end(out);
  }

  /**
   * A person resolves an open alert; it stays resolved until its condition clears and returns.
   * @throws FinmonError NOT_FOUND (unknown fingerprint).
   */
  resolve(fingerprint: string, actor: Actor, comment: string | undefined, now: number): AlertTransition[] {
    const out = this.begin(now);
    this.lifecycle.resolve(fingerprint, actor, comment, now, out);
    return this.end(out);
  }

  /**
   * Applies a new (validated) metrics config. All or nothing: when a rule cannot be built, the
   * error is thrown and the engine keeps the previous rules. Unchanged rules keep their evaluator
   * and state; changed rules start over (their open alerts stay and are re-judged by the next
   * point; their no-data alerts resolve); alerts of removed rules resolve with "rule removed".
   */
  reconfigure(metrics: MetricsConfig, now: number): AlertTransition[] {
    const next = this.buildRules(metrics, now, this.rules);
    const out = this.begin(now);
    const previous = this.rules;
    this.rules = next;
    this.metrics = metrics;
    for (const old of previous.slots) {
      const kept = next.slot(old.binding.key);
      if (kept === undefined) {
        this.staleRuleStates.push({ ruleKey: old.binding.key });
      } else if (kept.evaluator !== old.evaluator) {
        this.staleRuleStates.push({ ruleKey: old.binding.key, keepVersion: kept.binding.version });
        const { kpi, ruleId } = { kpi: old.binding.kpi.id, ruleId: old.binding.ruleId };
        this.lifecycle.resolveWhere((a) => a.kpi === kpi && a.ruleId === ruleId && a.labels.nodata === 'true', 'rule changed', now, out);
      }
    }
    this.lifecycle.resolveWhere((a) => a.origin !== 'source_failure' && !next.hasRule(`${a.kpi}/${a.ruleId}`), 'rule removed', now, out);
    return this.end(out);
  }

  /** A source's run finished: an error streak of `sourceFailureStreak` raises a critical alert; a success resolves it. */
  sourceHealth(event: SourceHealthEvent, now: number): AlertTransition[] {
    const out = this.begin(now);
    const id = event.source;
    const series = { source: id };
    const impact = Math.max(0, ...this.metrics.kpis.filter((k) => k.source === id).map((k) => k.impact));
    const subject: AlertSubject = {
      kpi: `source:${id}`,
      ruleId: SOURCE_FAILURE_RULE_ID,
      origin: 'source_failure',
      category: 'system',
      impact: impact === 0 ? 3 : impact,
      labels: { source: id },
      ruleFile: BUILT_IN_RULE_FILE,
    };
    const active = !event.ok && event.consecutiveFailures >= this.sourceFailureStreak;
    const error = event.error === undefined ? '' : ` (last error: ${truncate(event.error, 200)})`;
    const signal: ConditionSignal = {
      active,
      severity: 'critical',
      category: 'system',
      summary: active
        ? `System failure: source ${id} failed ${event.consecutiveFailures} times in a row${error}`
        : event.ok
          ? `Source ${id} is delivering again`
          : `Source ${id} failed ${event.consecutiveFailures} time(s) in a row${error}`,
      value: event.consecutiveFailures,
      threshold: this.sourceFailureStreak,
      details: { source: id, consecutiveFailures: event.consecutiveFailures, streakThreshold: this.sourceFailureStreak },
    };
    this.lifecycle.apply(subject, alertFingerprint(subject.kpi, subject.ruleId, series), series, signal, 0, now, out);
    return this.end(out);
  }

  /**
   * Resumes from a stored snapshot (call once, after construction, before any point): alerts with
   * their timers, and the per-series state of rules whose version is unchanged. Silence (no data)
   * is counted from `now` at the earliest, so the collector's own downtime raises nothing. Alerts
   * of rules no longer configured resolve ("rule removed").
   */
  restore(snapshot: AlertEngineSnapshot, now: number): AlertTransition[] {
    const out = this.begin(now);
    this.lifecycle.restore(snapshot.alerts);
    const stale = new Set<string>();
    for (const row of snapshot.ruleStates) {
      const slot = this.rules.slot(row.ruleKey);
      if (slot === undefined || slot.binding.version !== row.version) {
        if (!stale.has(row.ruleKey)) {
          stale.add(row.ruleKey);
          this.staleRuleStates.push(slot === undefined ? { ruleKey: row.ruleKey } : { ruleKey: row.ruleKey, keepVersion: slot.binding.version });
        }
        continue;
      }
      const entry = slot.evaluator.series.restore(row.series, row.persisted);
      entry.lastSeenAt = Math.max(entry.lastSeenAt, now);
    }
    this.lifecycle.resolveWhere((a) => a.origin !== 'source_failure' && !this.rules.hasRule(`${a.kpi}/${a.ruleId}`), 'rule removed', now, out);
    return this.end(out);
  }

  /**
   * Changes to persist since the last call (see AlertStore.apply). With `ruleStates: false` the
   * rules' per-series state stays pending for a later call: alerts must be saved at every
   * transition, while the rules' state (last seen, hysteresis, detector state) changes with nearly
   * every point and is saved on an interval instead.
   */
  drainChanges(options: { ruleStates?: boolean } = {}): AlertChanges {
    const { alerts, history } = this.lifecycle.drainChanges();
    const ruleStates: RuleStateChange[] = [];
    if (options.ruleStates !== false) this.drainRuleStates(ruleStates);
    const staleRuleStates = this.staleRuleStates;
    this.staleRuleStates = [];
    return { alerts, history, ruleStates, staleRuleStates };
  }

  private drainRuleStates(ruleStates: RuleStateChange[]): void {
    for (const slot of this.rules.slots) {
      const { key, version } = slot.binding;
      for (const change of slot.evaluator.series.drainDirty()) {
        ruleStates.push({ ruleKey: key, version, series: change.series, persisted: change.persisted });
      }
    }
  }

  /** Transitions not handed out by `drainChanges` yet (a storm of pending episodes piles them up). */
  unsavedTransitions(): number {
    return this.lifecycle.unsavedTransitions;
  }

  /** Alerts in memory: open ones and those resolved within the retention (see AlertLifecycle.list). */
  listAlerts(filter: AlertFilter = {}): Alert[] {
    return this.lifecycle.list(filter);
  }

  getAlert(fingerprint: string): Alert | undefined {
    return this.lifecycle.get(fingerprint);
  }

  /** Rules present in the config whose type has no registered kind (e.g. anomaly before analytics). */
  unsupportedRules(): { kpi: string; ruleId: string; type: string }[] {
    return this.rules.unsupported.map((b) => ({ kpi: b.kpi.id, ruleId: b.ruleId, type: b.rule.type }));
  }

  stats(): AlertEngineStats {
    let series = 0;
    for (const slot of this.rules.slots) series += slot.evaluator.series.size;
    return {
      rules: this.rules.slots.length,
      unsupportedRules: this.rules.unsupported.length,
      series,
      evaluations: this.evaluations,
      alerts: this.lifecycle.countByState(),
    };
  }

  private buildRules(metrics: MetricsConfig, now: number, previous: RuleSet | undefined): RuleSet {
    return RuleSet.build(metrics, {
      registry: this.registry,
      ruleFile: this.ruleFile,
      now,
      ...(previous === undefined ? {} : { previous }),
      sink: (slot) => {
        const emit = (entry: SeriesEntry, signal: ConditionSignal) => this.onSignal(slot(), entry, signal);
        return Object.assign(emit, { hasAlerts: () => this.lifecycle.mayHaveAlert(slot().binding.key) });
      },
    });
  }

  private begin(now: number): AlertTransition[] {
    this.now = now;
    this.out = [];
    return this.out;
  }

  private end(out: AlertTransition[]): AlertTransition[] {
    this.out = [];
    return out;
  }

  /** Evaluates the rules of one point: its KPI's value rules, or the rules fed by its measurement. */
  private evaluatePoint(point: Point, now: number): void {
    const rules = this.rules;
    const routes = rules.valueRoutesOf(point.kpi);
    if (routes !== undefined) {
      this.evaluateValue(routes, routes.rowOf(point.tags), point.time, point.value, point, now);
      return;
    }
    const kpi = point.tags.kpi;
    if (kpi === undefined) return;
    const slots = rules.measurementSlotsOf(point.kpi, kpi);
    if (slots === undefined) return;
    for (let j = 0; j < slots.length; j++) this.evaluate(slots[j]!, point, point.kpi, now);
  }

  /**
   * A KPI's own point through its value rules. Rules that take value points by entry
   * (ValuePointEvaluator) get the series' entry from its row, one lookup for all of them; the others
   * get `point`, which may be left out when `routes.byEntryOnly`.
   */
  private evaluateValue(routes: KpiValueRoutes, row: number, time: number, value: number, point: Point | undefined, now: number): void {
    const slots = routes.slots;
    const entries = routes.entries;
    const first = row * slots.length;
    for (let j = 0; j < slots.length; j++) {
      const slot = slots[j]!;
      const values = slot.evaluator.valuePoints;
      if (values === undefined) {
        this.evaluate(slot, point!, VALUE_INPUT, now);
        continue;
      }
      let entry = entries[first + j];
      if (entry === undefined || entry.detached) entries[first + j] = entry = values.entryOf(routes.keys[row]!, routes.tags[row]!, now);
      this.evaluations++;
      values.onValue(entry, time, value, now, slot.emit);
      this.seen(slot, entry, now);
    }
  }

  private evaluate(slot: RuleSlot, point: Point, input: string, now: number): void {
    this.evaluations++;
    const entry = slot.evaluator.onPoint(point, input, now, slot.emit);
    if (entry !== undefined) this.seen(slot, entry, now);
  }

  /** A point of the entry's series arrived now: it is no longer silent (no-data policies). */
  private seen(slot: RuleSlot, entry: SeriesEntry, now: number): void {
    if (entry.silentSince !== undefined) {
      entry.silentSince = undefined;
      if (slot.noData?.policy === 'alert') this.emitNoData(slot, entry, false, now);
    }
    entry.lastSeenAt = now;
    slot.evaluator.series.touch(entry);
  }

  /** Applies a slot's no-data policy to the series that fell silent. */
  private checkNoData(slot: RuleSlot, now: number): void {
    const noData = slot.noData!;
    const series = slot.evaluator.series;
    for (const entry of series.entries()) {
      if (entry.silentSince !== undefined || now - entry.lastSeenAt < noData.afterMs) continue;
      entry.silentSince = now;
      series.touch(entry);
      switch (noData.policy) {
        case 'alert':
          this.emitNoData(slot, entry, true, now);
          break;
        case 'ok':
          series.reset(entry);
          slot.emit(entry, {
            active: false,
            severity: severityOf(entry),
            summary: `${seriesName(slot.binding.kpi, entry.tags)}: no data for ${formatDuration(now - entry.lastSeenAt)}, treated as OK`,
            details: { noData: true, policy: 'ok' },
          });
          break;
        case 'ignore':
          series.reset(entry);
          break;
        case 'keep_last':
          break;
      }
    }
  }

  /** The no-data alert of a rule with policy `alert` (its own fingerprint, category system). */
  private emitNoData(slot: RuleSlot, entry: SeriesEntry, active: boolean, now: number): void {
    const kpi = slot.binding.kpi;
    const name = seriesName(kpi, entry.tags);
    const after = slot.noData!.afterMs;
    slot.emit(entry, {
      active,
      severity: severityOf(entry),
      category: 'system',
      variant: NO_DATA_VARIANT,
      forMs: 0,
      summary: active
        ? `No data from ${name} for ${formatDuration(now - entry.lastSeenAt)}: rule ${slot.binding.ruleId} cannot be checked (source ${kpi.source})`
        : `${name}: data is arriving again; rule ${slot.binding.ruleId} is checked again`,
      details: { noData: true, policy: 'alert', after: formatDuration(after), lastSeenAt: entry.lastSeenAt },
    });
  }

  /** A signal of a rule → the lifecycle of its alert. */
  private onSignal(slot: RuleSlot, entry: SeriesEntry, signal: ConditionSignal): void {
    // An inactive signal matters only to an alert of this rule that is open (or held): skip the rest.
    if (!signal.active && !this.lifecycle.mayHaveAlert(slot.binding.key)) return;
    const { kpi, ruleId } = slot.subject;
    const fingerprint =
      signal.variant === undefined
        ? (entry.fingerprint ??= alertFingerprint(kpi, ruleId, entry.tags))
        : alertFingerprint(kpi, ruleId, entry.tags, signal.variant);
    const forMs = signal.forMs ?? forMsOf(entry);
    this.lifecycle.apply(slot.subject, fingerprint, entry.tags, signal, forMs, this.now, this.out);
  }
}

function severityOf(entry: SeriesEntry): 'critical' | 'warning' | 'info' {
  return (entry.rule as { severity: 'critical' | 'warning' | 'info' }).severity;
}

const forCache = new Map<string, number>();

function forMsOf(entry: SeriesEntry): number {
  const duration = (entry.rule as { for?: string }).for;
  if (duration === undefined) return 0;
  let ms = forCache.get(duration);
  if (ms === undefined) forCache.set(duration, (ms = durationMs(duration)));
  return ms;
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
