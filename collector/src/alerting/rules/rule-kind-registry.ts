import type { RuleType } from '../../config/rule-schema';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { covenantRuleKind } from './kinds/covenant-rule';
import { milestoneRuleKind } from './kinds/milestone-rule';
import { nodataRuleKind } from './kinds/nodata-rule';
import { staticRuleKind } from './kinds/static-rule';
import { trendRuleKind } from './kinds/trend-rule';
import { varianceRuleKind } from './kinds/variance-rule';
import type { AnyRuleKind, RuleKind } from './rule-kind';

/**
 * The rule kinds the engine knows, by `type`. The built-in kinds are registered by
 * `builtInRuleKinds()`; analytics adds `anomaly` and `forecast` with
 * `builtInRuleKinds().with(anomalyRuleKind).with(forecastRuleKind)` and hands the result to the
 * AlertEngine. A rule whose type has no kind is listed by `AlertEngine.unsupportedRules()` and
 * not evaluated. Immutable: `with` returns a new registry.
 */
export class RuleKindRegistry {
  private readonly kinds: ReadonlyMap<RuleType, AnyRuleKind>;

  constructor(kinds: Iterable<AnyRuleKind> = []) {
    const map = new Map<RuleType, AnyRuleKind>();
    for (const kind of kinds) {
      if (map.has(kind.type)) {
        throw new FinmonError(ErrorCodes.CONFIG_INVALID, `rule kind "${kind.type}" is registered twice`, 500);
      }
      map.set(kind.type, kind);
    }
    this.kinds = map;
  }

  /** A registry with `kind` added, replacing a kind of the same type. */
  with<T extends RuleType>(kind: RuleKind<T>): RuleKindRegistry {
    const map = new Map(this.kinds);
    map.set(kind.type, kind as unknown as AnyRuleKind);
    return new RuleKindRegistry(map.values());
  }

  get<T extends RuleType>(type: T): RuleKind<T> | undefined {
    return this.kinds.get(type) as RuleKind<T> | undefined;
  }

  has(type: RuleType): boolean {
    return this.kinds.has(type);
  }

  types(): RuleType[] {
    return [...this.kinds.keys()];
  }
}

/** static, variance, trend, covenant, nodata and milestone. */
export function builtInRuleKinds(): RuleKindRegistry {
  return new RuleKindRegistry([
    staticRuleKind,
    varianceRuleKind,
    trendRuleKind,
    covenantRuleKind,
    nodataRuleKind,
    milestoneRuleKind,
  ] as AnyRuleKind[]);
}
