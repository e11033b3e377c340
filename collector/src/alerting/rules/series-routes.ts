import type { SeriesSpace } from '../../ingest/point-columns';
import type { RuleSet, RuleSlot } from './rule-set';
import { tagsSeriesKey, type SeriesEntry } from './series-table';

/**
 * The value rules of one KPI and, per series of the KPI (a row), the entry each rule keeps for it:
 * a point finds every rule's entry with one lookup instead of one lookup by series key per rule.
 * The lookup is by the point's tags object, which the ingest hot path shares between all points of
 * a series (interned and frozen), else by series key; points given in columns find their row by
 * series id (SpaceRoutes). The entries of all rows sit in one flat array, so series that arrive in
 * the same order every interval walk it in order.
 *
 * Part of a RuleSet, so a reload starts afresh. An entry is taken from its rule's
 * ValuePointEvaluator at the series' first point, exactly when `onPoint` would have looked it up
 * (with that point's tags), and again, with the row's tags, when its table deleted it since
 * (`detached`). Rows are kept for every series seen, as the rules' tables keep their entries.
 */
export class KpiValueRoutes {
  /** Whether every slot takes value points by entry (ValuePointEvaluator): no slot needs the `Point`. */
  readonly byEntryOnly: boolean;
  /** `entries[row * slots.length + j]`: slot j's entry of the series of `row`; undefined before its first use. */
  readonly entries: (SeriesEntry | undefined)[] = [];
  /** Series key of each row (see pointSeriesKey). */
  readonly keys: string[] = [];
  /** Tags of each row: those of the series' first point. */
  readonly tags: Readonly<Record<string, string>>[] = [];
  private readonly byTags = new WeakMap<object, number>();
  private readonly byKey = new Map<string, number>();

  constructor(
    /** The KPI's value rules, in evaluation order. */
    readonly slots: readonly RuleSlot[],
  ) {
    this.byEntryOnly = slots.every((slot) => slot.evaluator.valuePoints !== undefined);
  }

  /** The row of the series with these tags. O(1) for interned tags, O(tags) otherwise. */
  rowOf(tags: Readonly<Record<string, string>>): number {
    let row = this.byTags.get(tags);
    if (row !== undefined) return row;
    const key = tagsSeriesKey(tags);
    row = this.byKey.get(key);
    if (row === undefined) {
      row = this.keys.length;
      this.keys.push(key);
      this.tags.push(tags);
      for (let j = 0; j < this.slots.length; j++) this.entries.push(undefined);
      this.byKey.set(key, row);
    }
    // Only a frozen tags object always stands for the same key.
    if (Object.isFrozen(tags)) this.byTags.set(tags, row);
    return row;
  }
}

/** What a series of a SeriesSpace needs: its KPI's value routes, its `Point` (other rules), or nothing. */
export type SeriesRules = KpiValueRoutes | typeof NEEDS_POINT | typeof NO_RULES;
/** The series' points go to rules that read the `Point` (a measurement's rules). */
export const NEEDS_POINT = 'point';
/** No rule reads the series' points. */
export const NO_RULES = 'none';

/** The value routes and rows of the series of one SeriesSpace by id, filled as ids are met. */
export class SpaceRoutes {
  /** By series id: what its points need (see SeriesRules); undefined before its first point. */
  readonly rulesById: (SeriesRules | undefined)[] = [];
  /** By series id: its row in `rulesById[id]` when that is a KpiValueRoutes. */
  rowById = new Int32Array(1024);

  constructor(
    readonly space: SeriesSpace,
    private readonly rules: Pick<RuleSet, 'valueRoutesOf' | 'measurementSlotsOf'>,
  ) {}

  /** Fills in series `id`: returns what its points need and, for value routes, sets its row. */
  resolve(id: number): SeriesRules {
    const series = this.space.identity(id);
    const routes = this.rules.valueRoutesOf(series.kpi);
    let rules: SeriesRules;
    if (routes !== undefined) {
      if (id >= this.rowById.length) {
        const grown = new Int32Array(Math.max(id + 1, this.rowById.length * 2));
        grown.set(this.rowById);
        this.rowById = grown;
      }
      this.rowById[id] = routes.rowOf(series.tags);
      rules = routes;
    } else {
      // As the engine dispatches a point without value rules: by its measurement and `kpi` tag.
      const about = series.tags.kpi;
      rules = about !== undefined && this.rules.measurementSlotsOf(series.kpi, about) !== undefined ? NEEDS_POINT : NO_RULES;
    }
    this.rulesById[id] = rules;
    return rules;
  }
}
