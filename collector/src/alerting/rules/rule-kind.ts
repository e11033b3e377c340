import type { KpiDefinition } from '../../config/kpi-schema';
import type { AlertCategory } from '../../config/notification-settings-schema';
import type { EffectiveRule, RuleDefinition, RuleOfType, RuleType } from '../../config/rule-schema';
import type { Severity } from '../../config/scalar-schemas';
import type { Point } from '../../core/point';
import type { CompanyCalendar } from '../../kpi/company-calendar';
import type { SeriesEntry, SeriesTable } from './series-table';

/**
 * The one interface every rule kind implements — the built-in kinds (static, variance, trend,
 * covenant, nodata, milestone) and those the analytics work adds (anomaly, forecast) alike.
 *
 *   RuleKind.create(binding, env) → RuleEvaluator       one evaluator per configured rule
 *   evaluator.onPoint(point, input, now, emit)           event-driven: each point of its KPI
 *   evaluator.onTick(now, emit)                          time-based conditions (nodata, period end)
 *
 * An evaluator keeps its per-series state in a `SeriesTable` (small, JSON-encodable, so it survives
 * a restart) and reports conditions by calling `emit(entry, signal)`: active or not, severity,
 * value, threshold, summary and details. The engine turns signals into alerts (fingerprint,
 * labels, priority, `for`, lifecycle), applies the rule's `noData` policy, and persists the table.
 *
 * Emission contract (keeps the hot path cheap): emit while the condition is active, when it turns
 * inactive, and once for a series whose previous state is unknown (fresh or reset state) — the
 * latter only matters when `emit.hasAlerts()`, so evaluators may skip it otherwise.
 */

/** What a rule kind consumes: `value` = the KPI's own points (raw and derived), or a measurement
 * that names the KPI in its `kpi` tag (`rollup_daily`, `rollup_weekly`, `rollup_monthly`,
 * `kpi_forecast`, `kpi_band`, …). */
export type RuleInput = 'value' | string;

/** The value input: the KPI's own points. */
export const VALUE_INPUT = 'value';

/** One configured rule of one KPI. */
export interface RuleBinding<R extends RuleDefinition = RuleDefinition> {
  readonly kpi: KpiDefinition;
  readonly rule: R;
  /** `rules[i].id`, or `<type>-<i>`. */
  readonly ruleId: string;
  /** Position in the KPI's `rules`. */
  readonly index: number;
  /** `<kpi>/<ruleId>`: the rule's identity across reloads and restarts. */
  readonly key: string;
  /**
   * Hash of everything evaluation depends on (the rule, the KPI's evaluation fields, the company
   * calendar). Unchanged version = the evaluator and its state are kept on reload and restore.
   */
  readonly version: string;
  /** The configuration file the rule came from. */
  readonly ruleFile: string;
}

/** What evaluators may use besides their binding. */
export interface RuleEnvironment {
  /** Days, weeks and months in the company's time zone. */
  readonly calendar: CompanyCalendar;
  readonly reportingCurrency: string;
  /** When this evaluator was created (engine start, reload or restore): the origin of "never seen" timers. */
  readonly startedAt: number;
}

/** A condition on one series as a rule sees it. */
export interface ConditionSignal {
  readonly active: boolean;
  readonly severity: Severity;
  /** One line for people, about the current value (also when inactive: "… recovered to …"). */
  readonly summary: string;
  readonly value?: number;
  readonly threshold?: number;
  /** Kind-specific facts: window, target, variance %, headroom %, mark, probability, band… */
  readonly details?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Distinguishes several alerts of one rule on one series (e.g. `{ mark: "5000000" }`): part of
   * the fingerprint and of the labels, not of the series.
   */
  readonly variant?: Readonly<Record<string, string>>;
  /** Overrides the KPI's category (no-data alerts are `system`). */
  readonly category?: AlertCategory;
  /** An event (milestone): fires at once, ignores `for`, resolves by itself after a short hold. */
  readonly event?: boolean;
  /** How long the condition must hold before firing; default: the series' effective rule `for`. */
  readonly forMs?: number;
}

/**
 * Where evaluators report; `entry` names the series (KPI-wide conditions use a series with no tags).
 * `hasAlerts()` tells whether the rule has any alert an inactive signal could change (open, or held
 * by a manual resolve): when it is false, an evaluator may skip building the inactive signal for a
 * series of unknown state (the common case for a series seen for the first time).
 */
export type SignalSink = ((entry: SeriesEntry, signal: ConditionSignal) => void) & { readonly hasAlerts: () => boolean };

export interface RuleEvaluator {
  /** The inputs this evaluator wants (see `RuleInput`); the engine indexes them by KPI. */
  readonly inputs: readonly RuleInput[];
  /** Per-series state: effective rule, kind state, last-seen time. */
  readonly series: SeriesTable<unknown>;
  /**
   * Evaluates one point of one of its inputs. Returns the series entry the point belongs to, or
   * undefined when the evaluator ignores the point (e.g. a per-series rollup for a total-only rule):
   * the engine then records the series as seen (no-data policies).
   */
  onPoint(point: Point, input: RuleInput, now: number, emit: SignalSink): SeriesEntry | undefined;
  /**
   * Set by kinds whose every value point goes to one entry that depends only on the point's series
   * (its own, or a KPI-wide one): the engine then finds that entry once per series and keeps it,
   * instead of a lookup by series key per point (see SeriesRoutes). Must behave exactly as `onPoint`.
   */
  readonly valuePoints?: ValuePointEvaluator;
  /** Time-based conditions; called on every engine tick. */
  onTick?(now: number, emit: SignalSink): void;
  /** The earliest time `onTick` may change something, if the evaluator knows it. */
  nextDueAt?(): number | undefined;
}

/**
 * The value-input half of `onPoint` split in two, so the series lookup can be done once per series:
 * `onPoint(point, 'value', now, emit)` ≡ `onValue(entryOf(pointSeriesKey(point), point.tags, now),
 * point.time, point.value, now, emit)`, returning that entry.
 */
export interface ValuePointEvaluator {
  /** The entry value points of the series `key` (tags `tags`) go to, created as `onPoint` would create it. */
  entryOf(key: string, tags: Readonly<Record<string, string>>, now: number): SeriesEntry;
  /** Evaluates one value point whose entry is `entry` (from `entryOf`, and not detached since). */
  onValue(entry: SeriesEntry, time: number, value: number, now: number, emit: SignalSink): void;
}

/** A rule kind: builds an evaluator for one configured rule of its type. */
export interface RuleKind<T extends RuleType = RuleType> {
  readonly type: T;
  create(binding: RuleBinding<RuleOfType<T>>, env: RuleEnvironment): RuleEvaluator;
}

/** A rule kind of any type, as the registry holds them. */
export type AnyRuleKind = { [T in RuleType]: RuleKind<T> }[RuleType];

/** The effective rule of one kind (overrides merged in). */
export type EffectiveRuleOf<T extends RuleType> = EffectiveRule<RuleOfType<T>>;
