import type { MetricsConfig } from '../../config/metrics-config-schema';
import type { NoDataPolicy, RuleDefinition } from '../../config/rule-schema';
import { durationMs } from '../../config/scalar-schemas';
import { ErrorCodes, FinmonError } from '../../core/errors';
import type { SeriesSpace } from '../../ingest/point-columns';
import { CompanyCalendar } from '../../kpi/company-calendar';
import type { AlertSubject } from '../lifecycle/alert-lifecycle';
import { bindRules } from './rule-bindings';
import { VALUE_INPUT, type RuleBinding, type RuleEnvironment, type RuleEvaluator, type RuleKind, type SignalSink } from './rule-kind';
import type { RuleKindRegistry } from './rule-kind-registry';
import { KpiValueRoutes, SpaceRoutes } from './series-routes';

/**
 * The configured rules, each with its evaluator, indexed for dispatch: a KPI's own points go to
 * `valueRoutesOf(kpi)` (its value rules, with each series’ entries: see KpiValueRoutes), a
 * measurement's points (rollups, forecasts, bands) to `measurementSlotsOf(measurement, tags.kpi)`.
 *
 * Built whole from a config (all or nothing); a rebuild keeps the evaluator of every rule whose
 * version is unchanged, so its per-series state survives a reload.
 */

/** A rule's no-data policy with its duration in ms. */
export interface NoDataRule {
  readonly policy: NoDataPolicy['policy'];
  readonly afterMs: number;
}

export interface RuleSlot {
  readonly binding: RuleBinding;
  readonly subject: AlertSubject;
  readonly evaluator: RuleEvaluator;
  readonly noData: NoDataRule | undefined;
  /** Reports the evaluator's signals to the engine (bound to this slot). */
  readonly emit: SignalSink;
}

/** Builds the signal sink of a slot; the engine supplies it. */
export type SlotSinkFactory = (slot: () => RuleSlot) => SignalSink;

export class RuleSet {
  /** Routes by series id of the latest space points came in columns from (the ingest's interned series). */
  private spaceRoutes: SpaceRoutes | undefined;

  private constructor(
    readonly slots: readonly RuleSlot[],
    readonly unsupported: readonly RuleBinding[],
    readonly calendar: CompanyCalendar,
    private readonly byKey: ReadonlyMap<string, RuleSlot>,
    private readonly valueRoutes: ReadonlyMap<string, KpiValueRoutes>,
    private readonly measurementSlots: ReadonlyMap<string, ReadonlyMap<string, RuleSlot[]>>,
    private readonly ruleKeys: ReadonlySet<string>,
  ) {}

  /**
   * Binds every rule of `metrics` to an evaluator of its kind. Rules whose type has no registered
   * kind are listed in `unsupported` (not evaluated).
   * @throws FinmonError CONFIG_INVALID naming the rule when an evaluator cannot be built.
   */
  static build(
    metrics: MetricsConfig,
    options: { registry: RuleKindRegistry; ruleFile: string; now: number; previous?: RuleSet; sink: SlotSinkFactory },
  ): RuleSet {
    const previousCalendar = options.previous?.calendar;
    const calendar =
      previousCalendar !== undefined &&
      previousCalendar.zone === metrics.company.timezone &&
      previousCalendar.weekStartsOn === metrics.company.weekStartsOn
        ? previousCalendar
        : new CompanyCalendar(metrics.company.timezone, metrics.company.weekStartsOn);
    const env: RuleEnvironment = { calendar, reportingCurrency: metrics.company.reportingCurrency, startedAt: options.now };
    const slots: RuleSlot[] = [];
    const unsupported: RuleBinding[] = [];
    const ruleKeys = new Set<string>();
    for (const binding of bindRules(metrics, options.ruleFile)) {
      ruleKeys.add(binding.key);
      const kind = options.registry.get(binding.rule.type) as RuleKind | undefined;
      if (kind === undefined) {
        unsupported.push(binding);
        continue;
      }
      const kept = options.previous?.byKey.get(binding.key);
      let evaluator: RuleEvaluator;
      if (kept !== undefined && kept.binding.version === binding.version) {
        evaluator = kept.evaluator;
      } else {
        try {
          evaluator = kind.create(binding as never, env);
        } catch (error) {
          throw new FinmonError(
            ErrorCodes.CONFIG_INVALID,
            `KPI "${binding.kpi.id}" rule "${binding.ruleId}" (${binding.rule.type}) cannot be evaluated: ${(error as Error).message}`,
            500,
            false,
            { cause: error },
          );
        }
      }
      let slot: RuleSlot | undefined;
      slot = {
        binding,
        subject: subjectOf(binding),
        evaluator,
        noData: noDataOf(binding.rule),
        emit: options.sink(() => slot as RuleSlot),
      };
      slots.push(slot);
    }
    const byKey = new Map(slots.map((s) => [s.binding.key, s]));
    const valueSlots = new Map<string, RuleSlot[]>();
    const measurementSlots = new Map<string, Map<string, RuleSlot[]>>();
    for (const slot of slots) {
      for (const input of slot.evaluator.inputs) {
        if (input === VALUE_INPUT) {
          push(valueSlots, slot.binding.kpi.id, slot);
        } else {
          let byKpi = measurementSlots.get(input);
          if (byKpi === undefined) measurementSlots.set(input, (byKpi = new Map()));
          push(byKpi, slot.binding.kpi.id, slot);
        }
      }
    }
    const valueRoutes = new Map([...valueSlots].map(([kpi, kpiSlots]) => [kpi, new KpiValueRoutes(kpiSlots)]));
    return new RuleSet(slots, unsupported, calendar, byKey, valueRoutes, measurementSlots, ruleKeys);
  }

  /** The slots of a KPI's own points with their per-series entries (no allocation; for the hot path). */
  valueRoutesOf(kpi: string): KpiValueRoutes | undefined {
    return this.valueRoutes.get(kpi);
  }

  /** The routes of `space`'s series by id (kept while points keep coming from that space). */
  routesOfSpace(space: SeriesSpace): SpaceRoutes {
    if (this.spaceRoutes?.space !== space) this.spaceRoutes = new SpaceRoutes(space, this);
    return this.spaceRoutes;
  }

  /** The slots of a measurement's points about `kpi`. */
  measurementSlotsOf(measurement: string, kpi: string): readonly RuleSlot[] | undefined {
    return this.measurementSlots.get(measurement)?.get(kpi);
  }

  slot(key: string): RuleSlot | undefined {
    return this.byKey.get(key);
  }

  /** Whether the config has a rule with this key (`<kpi>/<ruleId>`), evaluated or not. */
  hasRule(key: string): boolean {
    return this.ruleKeys.has(key);
  }
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

function subjectOf(binding: RuleBinding): AlertSubject {
  const { kpi, rule } = binding;
  return {
    kpi: kpi.id,
    ruleId: binding.ruleId,
    origin: rule.type,
    category: kpi.category,
    impact: kpi.impact,
    labels: { ...kpi.labels, ...rule.labels, source: kpi.source },
    ruleFile: binding.ruleFile,
  };
}

function noDataOf(rule: RuleDefinition): NoDataRule | undefined {
  const noData = (rule as { noData?: NoDataPolicy }).noData;
  return noData === undefined ? undefined : { policy: noData.policy, afterMs: durationMs(noData.after) };
}
