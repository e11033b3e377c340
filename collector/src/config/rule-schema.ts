import { z } from 'zod';
import {
  dimensionNameSchema,
  durationMs,
  durationSchema,
  tryDurationMs,
  referenceIdSchema,
  severitySchema,
  type Severity,
} from './scalar-schemas';

/**
 * Alert rules attached to a KPI (`rules` in a KPI definition), one zod schema per kind joined in a
 * discriminated union on `type`:
 *
 *   static     value above/below a threshold, with a separate recovery threshold (hysteresis)
 *   variance   actual vs target or budget over a day, week or month to date, optionally projected
 *   trend      rate of change: the last window vs the window before it
 *   covenant   a lender's limit (<= or >=) with a headroom warning before the breach
 *   nodata     no point for too long: a system failure, critical by default
 *   milestone  crossing marks (per month/quarter/year for flows)
 *   anomaly    outside a prediction band learnt from history, or (method novelty) a high novelty score
 *   forecast   the forecast crosses a threshold within a horizon with some probability
 *
 * Every rule has an optional `id`, a `severity`, an optional `for` (how long the condition must
 * hold), optional `labels` and `overrides`: per-entity parameters, `{ match: { account: "ops-usd" },
 * below: 100000 }`, applied to the series whose tags contain every `match` pair (later overrides
 * win). Cross-field rules are checked on the rule and again on each override merged into it.
 *
 * Checks that need the KPI (override dimensions, target present, window vs cadence) live in
 * `metrics-config-checks.ts`.
 */

export const noDataPolicySchema = z
  .object({
    policy: z
      .enum(['alert', 'keep_last', 'ok', 'ignore'])
      .describe('When the KPI has had no data for `after`: alert (fire a no-data alert), keep_last (keep the last state), ok (resolve), ignore (stop evaluating until data returns)'),
    after: durationSchema.describe('How long without data before the policy applies'),
  })
  .strict();
export type NoDataPolicy = z.infer<typeof noDataPolicySchema>;

export const labelsSchema = z
  .record(
    z.string().regex(/^[a-z_][a-z0-9_]{0,63}$/, 'a label name: lower-case letters, digits and "_"'),
    z.string().min(1),
  )
  .describe('Labels added to the alerts of this rule, e.g. { "team": "treasury" }');

const matchSchema = z
  .record(dimensionNameSchema, z.string().min(1))
  .refine((m) => Object.keys(m).length > 0, { message: 'name at least one dimension value, e.g. { "account": "ops-usd" }' })
  .describe('The series this override applies to: every dimension named here must have this value');

/** Fields every rule has, with the severity default of its kind. */
function commonFields(defaultSeverity: Severity) {
  return {
    id: referenceIdSchema.optional().describe('Stable id of the rule, unique within its KPI; alert identity uses it'),
    severity: severitySchema.default(defaultSeverity),
    for: durationSchema.optional().describe('How long the condition must hold before the alert fires'),
    labels: labelsSchema.optional(),
  };
}

/** Fields an override may change besides the kind's parameters. */
const overridableCommon = {
  severity: severitySchema.optional(),
  for: durationSchema.optional(),
};

const directionAboveBelow = {
  above: z.number().finite().optional().describe('Fires while the value is above this'),
  below: z.number().finite().optional().describe('Fires while the value is below this'),
};

const staticParams = {
  ...directionAboveBelow,
  recoverAt: z
    .number()
    .finite()
    .optional()
    .describe('Recovery threshold (hysteresis): an above rule resolves once the value is at or below recoverAt, a below rule once it is at or above'),
};

const varianceParams = {
  against: z.enum(['target', 'budget']).describe("Compare with the KPI's target or budget"),
  window: z
    .enum(['day', 'week', 'month_to_date'])
    .describe('day and week use the daily/weekly target; month_to_date compares the month so far with the monthly target pro rata'),
  absolute: z.number().finite().positive().optional().describe("Deviation in the KPI's unit that fires"),
  pct: z.number().finite().positive().optional().describe('Deviation in percent of the target/budget that fires'),
  direction: z
    .enum(['under', 'over', 'either'])
    .optional()
    .describe('under: actual below target (revenue); over: actual above (expenses vs budget); either (default)'),
  projected: z
    .boolean()
    .optional()
    .describe('Compare the end-of-period projection instead of the period so far (default false)'),
};

const trendParams = {
  window: durationSchema.describe('Compare the last window with the window before it, e.g. "1w" = week over week'),
  changePct: z.number().finite().positive().describe('Change in percent that fires, e.g. 30'),
  direction: z.enum(['up', 'down']).describe('up: fires on an increase of changePct or more; down: on a decrease'),
  minBase: z
    .number()
    .finite()
    .nonnegative()
    .optional()
    .describe("Skip the comparison while the previous window's absolute value is below this (avoids huge percentages on tiny bases)"),
};

const covenantParams = {
  limit: z.number().finite().describe('The covenant limit'),
  comparison: z.enum(['<=', '>=']).describe('The covenant holds while value <= limit (leverage) or value >= limit (coverage)'),
  headroomPct: z
    .number()
    .finite()
    .gt(0)
    .lt(100)
    .optional()
    .describe('A warning fires when the value is within this percentage of the limit, before the breach'),
  agreement: z.string().min(1).optional().describe('The agreement the covenant comes from, shown in alerts'),
};

const nodataParams = {
  expectedEvery: durationSchema.describe('How often a point is expected (usually the KPI cadence)'),
  after: durationSchema.describe('Fire after this long without a point, e.g. 45m for a 15m cadence'),
  scope: z
    .enum(['series', 'kpi'])
    .optional()
    .describe('series (default): each series separately, e.g. each bank account; kpi: any point of the KPI counts'),
};

const milestoneParams = {
  marks: z.array(z.number().finite()).min(1).describe('Values whose crossing is announced, ascending'),
  period: z
    .enum(['month', 'quarter', 'year'])
    .optional()
    .describe('Flow KPIs: the period-to-date total is compared with the marks (required for flows, not allowed otherwise)'),
  crossing: z.enum(['up', 'down', 'both']).optional().describe('Which crossings are announced (default up)'),
};

/** Default novelty score threshold of an anomaly rule with method novelty: NAB's optimum for its standard profile. */
export const DEFAULT_NOVELTY_THRESHOLD = 0.54;

const anomalyParams = {
  bandPct: z
    .number()
    .finite()
    .gt(50)
    .lt(100)
    .describe('Two-sided prediction band in percent: fires outside it, e.g. 99 (a warning rule) or 99.9 (a critical rule)'),
  minHistory: durationSchema.optional().describe('History needed before the rule evaluates (default 28d)'),
  seasonality: z.enum(['none', 'daily', 'weekly']).optional().describe('Seasonal pattern the band follows (default none)'),
  direction: z.enum(['up', 'down', 'both']).optional().describe('Which side of the band fires (default both)'),
  method: z
    .enum(['band', 'novelty'])
    .describe('band (default): fires outside the bandPct band; novelty: fires when the NAB-tuned novelty score (range, context, daily and weekly pattern) reaches threshold, the band still giving the expected value')
    .optional(),
  threshold: z
    .number()
    .finite()
    .gt(0)
    .lte(1)
    .describe(`method novelty: the novelty score in (0, 1] at or above which the rule fires (default ${DEFAULT_NOVELTY_THRESHOLD}, where the NAB optimizer put it for the standard profile)`)
    .optional(),
};

const forecastParams = {
  ...directionAboveBelow,
  horizon: durationSchema.describe('How far ahead the forecast looks, e.g. "13w"'),
  probability: z
    .number()
    .finite()
    .gt(0)
    .lte(1)
    .describe('Fires when the forecast puts the chance of crossing the threshold within the horizon at or above this (0–1)'),
};

type Shape = z.ZodRawShape;
/** An override's parameters: every field optional, without the defaults of the rule itself. */
function overrideSchema<P extends Shape>(params: P) {
  const optional = Object.fromEntries(
    Object.entries(params).map(([key, schema]) => [key, (schema as z.ZodType).optional()]),
  ) as unknown as { [K in keyof P]: z.ZodOptional<P[K]> };
  return z.object({ match: matchSchema, ...overridableCommon, ...optional }).strict();
}

/** Records a problem at `path` (relative to the rule or override being checked). */
type Report = (path: (string | number)[], message: string) => void;

/**
 * Builds one rule kind: the common fields, its parameters (with defaults), optional `noData`,
 * `overrides`, and the cross-field check run on the rule and on every override merged into it.
 */
function ruleKind<T extends string, P extends Shape, D extends Shape, N extends boolean, R extends Record<string, unknown>>(spec: {
  type: T;
  severity: Severity;
  params: P;
  /** The rule's own versions of parameters that have a default. */
  defaults: D;
  /** Whether the kind takes a `noData` policy (not for nodata itself, nor milestones). */
  noData: N;
  check: (rule: R, report: Report) => void;
}) {
  const override = overrideSchema(spec.params);
  const schema = z
    .object({
      type: z.literal(spec.type),
      ...commonFields(spec.severity),
      ...spec.params,
      ...spec.defaults,
      ...(spec.noData ? { noData: noDataPolicySchema.optional() } : {}),
      overrides: z.array(override).optional().describe('Per-entity parameters: { "match": { dimension: value }, …parameters }'),
    } as { type: z.ZodLiteral<T> } & ReturnType<typeof commonFields> & Omit<P, keyof D> & D & (N extends true
      ? { noData: z.ZodOptional<typeof noDataPolicySchema> }
      : unknown) & { overrides: z.ZodOptional<z.ZodArray<typeof override>> })
    .strict()
    .superRefine((rule, ctx) => {
      // An override is checked merged into the rule; problems the rule itself has are reported once.
      const ruleProblems = new Set<string>();
      spec.check(rule as unknown as R, (path, message) => {
        ruleProblems.add(message);
        ctx.addIssue({ code: 'custom', path, message });
      });
      const overrides = (rule as { overrides?: Record<string, unknown>[] }).overrides ?? [];
      overrides.forEach((o, i) => {
        const { match: _match, ...params } = o;
        spec.check({ ...(rule as object), ...params } as R, (path, message) => {
          if (!ruleProblems.has(message)) ctx.addIssue({ code: 'custom', path: ['overrides', i, ...path], message });
        });
      });
    });
  return schema;
}

/** Exactly one of above/below: the direction a static or forecast rule watches. */
function checkOneDirection(rule: { above?: number; below?: number }, report: Report, kind: string): void {
  if (rule.above === undefined && rule.below === undefined) {
    report(['above'], `a ${kind} rule needs "above" or "below" (the threshold it watches)`);
  } else if (rule.above !== undefined && rule.below !== undefined) {
    report(['below'], `give either "above" or "below", not both (use two ${kind} rules to watch a band)`);
  }
}

export const staticRuleSchema = ruleKind({
  type: 'static',
  severity: 'warning',
  params: staticParams,
  defaults: {},
  noData: true,
  check: (rule: { above?: number; below?: number; recoverAt?: number }, report) => {
    checkOneDirection(rule, report, 'static');
    const { above, below, recoverAt } = rule;
    if (recoverAt === undefined) return;
    if (above !== undefined && below === undefined && recoverAt > above) {
      report(['recoverAt'], `recoverAt (${recoverAt}) must be at or below "above" (${above}): an above rule recovers once the value falls back to recoverAt`);
    }
    if (below !== undefined && above === undefined && recoverAt < below) {
      report(['recoverAt'], `recoverAt (${recoverAt}) must be at or above "below" (${below}): a below rule recovers once the value climbs back to recoverAt`);
    }
  },
});

export const varianceRuleSchema = ruleKind({
  type: 'variance',
  severity: 'warning',
  params: varianceParams,
  defaults: {
    direction: varianceParams.direction.unwrap().default('either'),
    projected: varianceParams.projected.unwrap().default(false),
  },
  noData: true,
  check: (rule: { absolute?: number; pct?: number }, report) => {
    if (rule.absolute === undefined && rule.pct === undefined) {
      report(['pct'], 'a variance rule needs "pct", "absolute" or both (when both are given, both must be exceeded)');
    }
  },
});

export const trendRuleSchema = ruleKind({
  type: 'trend',
  severity: 'warning',
  params: trendParams,
  defaults: {},
  noData: true,
  check: (rule: { direction: 'up' | 'down'; changePct: number }, report) => {
    if (rule.direction === 'down' && rule.changePct >= 100) {
      report(['changePct'], `a decrease of ${rule.changePct}% or more cannot happen to a positive value; use a changePct below 100 for direction "down"`);
    }
  },
});

export const covenantRuleSchema = ruleKind({
  type: 'covenant',
  severity: 'critical',
  params: covenantParams,
  defaults: {},
  noData: true,
  check: (rule: { severity: Severity; headroomPct?: number }, report) => {
    if (rule.headroomPct !== undefined && rule.severity !== 'critical') {
      report(['severity'], `a covenant with headroomPct warns before the breach, so the breach itself must be "critical" (got "${rule.severity}")`);
    }
  },
});

export const nodataRuleSchema = ruleKind({
  type: 'nodata',
  severity: 'critical',
  params: nodataParams,
  defaults: { scope: nodataParams.scope.unwrap().default('series') },
  noData: false,
  check: (rule: { expectedEvery: string; after: string }, report) => {
    const after = tryDurationMs(rule.after);
    const expectedEvery = tryDurationMs(rule.expectedEvery);
    if (after !== undefined && expectedEvery !== undefined && after < expectedEvery) {
      report(['after'], `after (${rule.after}) must be at least expectedEvery (${rule.expectedEvery}): the rule would fire between two expected points`);
    }
  },
});

export const milestoneRuleSchema = ruleKind({
  type: 'milestone',
  severity: 'info',
  params: milestoneParams,
  defaults: { crossing: milestoneParams.crossing.unwrap().default('up') },
  noData: false,
  check: (rule: { marks: number[] }, report) => {
    for (let i = 1; i < rule.marks.length; i++) {
      if (!(rule.marks[i]! > rule.marks[i - 1]!)) {
        report(['marks', i], `marks must be ascending without repeats (${rule.marks[i]} follows ${rule.marks[i - 1]})`);
        return;
      }
    }
  },
});

export const anomalyRuleSchema = ruleKind({
  type: 'anomaly',
  severity: 'warning',
  params: anomalyParams,
  defaults: {
    minHistory: anomalyParams.minHistory.unwrap().default('28d'),
    seasonality: anomalyParams.seasonality.unwrap().default('none'),
    direction: anomalyParams.direction.unwrap().default('both'),
    method: anomalyParams.method.unwrap().default('band'),
    threshold: anomalyParams.threshold.unwrap().default(DEFAULT_NOVELTY_THRESHOLD),
  },
  noData: true,
  check: (rule: { seasonality: 'none' | 'daily' | 'weekly'; minHistory: string }, report) => {
    const seasonMs = rule.seasonality === 'weekly' ? durationMs('1w') : rule.seasonality === 'daily' ? durationMs('1d') : 0;
    const minHistory = tryDurationMs(rule.minHistory);
    if (seasonMs > 0 && minHistory !== undefined && minHistory < 2 * seasonMs) {
      report(['minHistory'], `minHistory (${rule.minHistory}) must cover at least two ${rule.seasonality} seasons (${rule.seasonality === 'weekly' ? '2w' : '2d'}) to learn the pattern`);
    }
  },
});

export const forecastRuleSchema = ruleKind({
  type: 'forecast',
  severity: 'warning',
  params: forecastParams,
  defaults: {},
  noData: true,
  check: (rule: { above?: number; below?: number }, report) => checkOneDirection(rule, report, 'forecast'),
});

const RULE_KINDS = [
  staticRuleSchema,
  varianceRuleSchema,
  trendRuleSchema,
  covenantRuleSchema,
  nodataRuleSchema,
  milestoneRuleSchema,
  anomalyRuleSchema,
  forecastRuleSchema,
] as const;

export const RULE_TYPES = ['static', 'variance', 'trend', 'covenant', 'nodata', 'milestone', 'anomaly', 'forecast'] as const;

export const ruleSchema = z.discriminatedUnion('type', RULE_KINDS, {
  error: (issue) =>
    issue.code === 'invalid_union'
      ? `expected "type" to be one of ${RULE_TYPES.map((t) => `"${t}"`).join(', ')}`
      : undefined,
});

export type RuleDefinition = z.infer<typeof ruleSchema>;
export type RuleType = RuleDefinition['type'];
/** The parsed rule of one kind, e.g. `RuleOfType<'covenant'>`. */
export type RuleOfType<T extends RuleType> = Extract<RuleDefinition, { type: T }>;

/** A rule as it applies to one series: overrides merged in (distributes over the union of kinds). */
export type EffectiveRule<R extends RuleDefinition = RuleDefinition> = R extends unknown ? Omit<R, 'overrides'> : never;

/**
 * The rule as it applies to one series: the rule's parameters with every override whose `match`
 * pairs all appear in `tags` applied in list order (later overrides win). Returns the rule itself
 * when no override matches; the result is frozen and carries no `overrides`.
 */
export function effectiveRule<R extends RuleDefinition>(rule: R, tags: Readonly<Record<string, string>>): EffectiveRule<R> {
  const { overrides, ...base } = rule as R & { overrides?: { match: Record<string, string> }[] };
  let merged: Record<string, unknown> = base;
  for (const o of overrides ?? []) {
    if (!Object.entries(o.match).every(([dim, value]) => tags[dim] === value)) continue;
    const { match: _match, ...params } = o;
    merged = { ...merged, ...params };
  }
  return Object.freeze(merged) as EffectiveRule<R>;
}
