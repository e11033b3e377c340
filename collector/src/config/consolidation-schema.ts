import { DateTime } from 'luxon';
import { z } from 'zod';
import {
  cronExpressionSchema,
  dimensionNameSchema,
  tryDurationMs,
  timeZoneSchema,
} from './scalar-schemas';

/**
 * The `consolidation` section of notification_settings.yaml: how alerts become few incidents before
 * anybody is told — grouping and its timers, inhibition, correlation of related KPIs and
 * maintenance windows. Every key has a default, so the whole section may be left out.
 *
 *   consolidation:
 *     groupBy: [kpi, category]
 *     groupWait: 30s          # first notification of a new incident waits this long for company
 *     groupInterval: 5m       # at most one update per incident per interval
 *     repeatInterval: 4h      # still firing, nobody acknowledged: remind
 *     timing: { critical: { groupWait: 10s } }
 *     inhibit: [...]          # default: critical over warning, failed source over derived data
 *     correlation: { window: 5m, relations: [...] }
 *     maintenance: [...]
 */

/** A label name as alerts carry them (`kpi`, `severity`, `team`, series tags…). */
export const labelNameSchema = z
  .string()
  .regex(/^[a-z_][a-z0-9_]{0,63}$/, 'a label name: lower-case letters, digits and "_", e.g. "kpi" or "team"');

export const matchOperatorSchema = z.enum(['=', '!=', '=~', '!~']);
export type MatchOperator = z.infer<typeof matchOperatorSchema>;

/**
 * One label matcher, as in Alertmanager: `=` equal, `!=` not equal, `=~` / `!~` a regular
 * expression that must (not) match the whole value. A label the alert does not have reads as "".
 */
export const matcherSchema = z
  .object({
    name: labelNameSchema,
    op: matchOperatorSchema.default('='),
    value: z.string(),
  })
  .strict()
  .superRefine((m, ctx) => {
    const problem = matcherRegexProblem(m.op, m.value);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', path: ['value'], message: problem });
  });
export type Matcher = z.infer<typeof matcherSchema>;

/** Why a matcher's regular expression does not compile, or undefined (also for `=` / `!=`). */
export function matcherRegexProblem(op: MatchOperator, value: string): string | undefined {
  if (op !== '=~' && op !== '!~') return undefined;
  try {
    new RegExp(`^(?:${value})$`, 'u');
    return undefined;
  } catch (err) {
    return `${JSON.stringify(value)} is not a valid regular expression (${(err as Error).message})`;
  }
}

const DURATION_OR_ZERO = /^(0|[1-9][0-9]*)(ms|s|m|h|d|w)$/;

/** A duration that may be zero ("0s": do not wait), e.g. a group wait. */
export const waitDurationSchema = z
  .string()
  .regex(DURATION_OR_ZERO, 'a duration such as "0s", "30s", "5m" or "4h"');

/** Milliseconds of a `waitDurationSchema` value. Throws on anything else. */
export function waitDurationMs(duration: string): number {
  if (/^0(ms|s|m|h|d|w)$/.test(duration)) return 0;
  const ms = tryDurationMs(duration);
  if (ms === undefined) throw new Error(`not a duration: "${duration}" (expected e.g. "0s", "30s", "5m")`);
  return ms;
}

/** A positive duration (`15m`, `4h`); the same text format as `waitDurationSchema` without zero. */
const positiveDurationSchema = z
  .string()
  .regex(/^[1-9][0-9]*(ms|s|m|h|d|w)$/, 'a duration such as "30s", "5m", "4h" or "1d"');

const timingSchema = z
  .object({
    groupWait: waitDurationSchema.optional(),
    groupInterval: positiveDurationSchema.optional(),
    repeatInterval: positiveDurationSchema.optional(),
  })
  .strict();
export type GroupTiming = z.infer<typeof timingSchema>;

export const inhibitRuleSchema = z
  .object({
    name: z.string().min(1),
    source: z.array(matcherSchema).min(1).describe('The alerts that inhibit (firing or acknowledged)'),
    target: z.array(matcherSchema).default([]).describe('The alerts that are inhibited; empty matches every alert'),
    equal: z
      .array(labelNameSchema)
      .default([])
      .describe('Labels whose values must be the same on the source and the target alert'),
    sameSeries: z
      .boolean()
      .default(false)
      .describe("The target's series (its tags) must contain the source's series: same account, region…"),
    dependsOn: z
      .enum(['source', 'kpi'])
      .optional()
      .describe(
        "source: the target's KPI reads data from the source alert's `source` label (directly or through derived KPIs); " +
          "kpi: the target's KPI is the source alert's KPI (same or wider series) or is derived from it",
      ),
  })
  .strict();
export type InhibitRule = z.infer<typeof inhibitRuleSchema>;

const ALERT_CATEGORIES = ['financial', 'operational', 'market', 'system'] as const;

const correlationRelationSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('same_entity'),
      dimensions: z
        .array(dimensionNameSchema)
        .min(1)
        .describe('Series tags that name a business entity: alerts with the same value of one of them are related'),
    })
    .strict(),
  z
    .object({
      kind: z.literal('same_source'),
      categories: z
        .array(z.enum(ALERT_CATEGORIES))
        .min(1)
        .optional()
        .describe('Only alerts of these categories (default every category)'),
    })
    .strict(),
  z.object({ kind: z.literal('derived_inputs') }).strict(),
]);
export type CorrelationRelation = z.infer<typeof correlationRelationSchema>;

export const DEFAULT_INHIBIT_RULES: InhibitRule[] = [
  {
    name: 'critical-over-warning',
    source: [{ name: 'severity', op: '=', value: 'critical' }],
    target: [{ name: 'severity', op: '=', value: 'warning' }],
    equal: ['kpi'],
    sameSeries: true,
  },
  {
    name: 'failed-source',
    source: [{ name: 'origin', op: '=', value: 'source_failure' }],
    target: [{ name: 'origin', op: '!~', value: 'source_failure|nodata' }],
    equal: [],
    sameSeries: false,
    dependsOn: 'source',
  },
  {
    name: 'stale-data',
    source: [{ name: 'origin', op: '=', value: 'nodata' }],
    target: [{ name: 'origin', op: '!~', value: 'source_failure|nodata' }],
    equal: [],
    sameSeries: false,
    dependsOn: 'kpi',
  },
];

export const DEFAULT_CORRELATION_RELATIONS: CorrelationRelation[] = [
  { kind: 'same_entity', dimensions: ['account', 'entity', 'region', 'department', 'product', 'service'] },
  { kind: 'same_source' },
  { kind: 'derived_inputs' },
];

const LOCAL_DATE_TIME = /^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}(:[0-9]{2})?(Z|[+-][0-9]{2}:[0-9]{2})?$/;
const dateTimeSchema = z
  .string()
  .regex(LOCAL_DATE_TIME, 'a date and time "YYYY-MM-DDTHH:MM" (in the window\'s time zone) or with an offset, e.g. "2025-03-31T18:00"');

export const maintenanceWindowSchema = z
  .object({
    name: z.string().min(1),
    matchers: z.array(matcherSchema).min(1).describe('Alerts muted during the window: every matcher must match'),
    timezone: timeZoneSchema.default('UTC').describe('Time zone of start/end and of the cron expression'),
    start: dateTimeSchema.optional().describe('A one-off window: its start…'),
    end: dateTimeSchema.optional().describe('…and its end'),
    cron: cronExpressionSchema.optional().describe('A recurring window: when it opens, e.g. "0 2 * * *"'),
    duration: positiveDurationSchema.optional().describe('A recurring window: how long it stays open'),
    comment: z.string().min(1).optional(),
  })
  .strict()
  .superRefine((w, ctx) => {
    const oneOff = w.start !== undefined || w.end !== undefined;
    const recurring = w.cron !== undefined || w.duration !== undefined;
    if (oneOff && recurring) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give either start and end (one window) or cron and duration (recurring), not both' });
      return;
    }
    if (!oneOff && !recurring) {
      ctx.addIssue({ code: 'custom', path: [], message: 'give start and end (one window) or cron and duration (recurring)' });
      return;
    }
    if (oneOff) {
      if (w.start === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message: 'a window with an end needs a start' });
      if (w.end === undefined) ctx.addIssue({ code: 'custom', path: ['end'], message: 'a window with a start needs an end' });
      if (w.start === undefined || w.end === undefined) return;
      const start = parseWindowTime(w.start, w.timezone);
      const end = parseWindowTime(w.end, w.timezone);
      if (start === undefined) ctx.addIssue({ code: 'custom', path: ['start'], message: `"${w.start}" is not a valid date and time` });
      if (end === undefined) ctx.addIssue({ code: 'custom', path: ['end'], message: `"${w.end}" is not a valid date and time` });
      if (start !== undefined && end !== undefined && end <= start) {
        ctx.addIssue({ code: 'custom', path: ['end'], message: `the window ends (${w.end}) before or when it starts (${w.start})` });
      }
    } else {
      if (w.cron === undefined) ctx.addIssue({ code: 'custom', path: ['cron'], message: 'a recurring window needs a cron expression' });
      if (w.duration === undefined) ctx.addIssue({ code: 'custom', path: ['duration'], message: 'a recurring window needs a duration' });
    }
  });
export type MaintenanceWindow = z.infer<typeof maintenanceWindowSchema>;

/**
 * Epoch ms of a window's start or end: local time in `zone` unless the text carries an offset.
 * Undefined when the text is not a real date and time (e.g. February 30th, or the zone is unknown).
 */
export function parseWindowTime(text: string, zone: string): number | undefined {
  const parsed = DateTime.fromISO(text, { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

export const consolidationSchema = z
  .object({
    groupBy: z
      .array(labelNameSchema)
      .min(1)
      .default(['kpi', 'category'])
      .describe('Alerts with the same values of these labels form one incident'),
    groupWait: waitDurationSchema.default('30s').describe('A new incident waits this long for related alerts before the first notification'),
    groupInterval: positiveDurationSchema.default('5m').describe('At most one update per incident per interval'),
    repeatInterval: positiveDurationSchema.default('4h').describe('An unacknowledged, still-firing incident is repeated after this'),
    timing: z
      .object({ critical: timingSchema.optional(), warning: timingSchema.optional(), info: timingSchema.optional() })
      .strict()
      .prefault({})
      .describe("Per incident severity: overrides of groupWait, groupInterval and repeatInterval"),
    inhibit: z.array(inhibitRuleSchema).default(DEFAULT_INHIBIT_RULES),
    correlation: z
      .object({
        window: positiveDurationSchema.default('5m').describe('Alerts related to each other that fire within this of each other become one incident'),
        relations: z.array(correlationRelationSchema).default(DEFAULT_CORRELATION_RELATIONS),
      })
      .strict()
      .prefault({}),
    maintenance: z.array(maintenanceWindowSchema).default([]),
    keepResolved: positiveDurationSchema.default('90d').describe('How long resolved incidents stay queryable'),
  })
  .strict()
  .superRefine((c, ctx) => checkConsolidation(c, (path, message) => ctx.addIssue({ code: 'custom', path, message })));

export type ConsolidationSettings = z.infer<typeof consolidationSchema>;

/** Cross-field checks of the section: unique names, repeat not shorter than the group interval. */
function checkConsolidation(c: ConsolidationSettings, report: (path: (string | number)[], message: string) => void): void {
  const unique = (names: string[], path: string, what: string) => {
    const seen = new Map<string, number>();
    names.forEach((name, i) => {
      const first = seen.get(name);
      if (first !== undefined) report([path, i, 'name'], `duplicate ${what} name "${name}" (first at ${path}[${first}])`);
      else seen.set(name, i);
    });
  };
  unique(c.inhibit.map((r) => r.name), 'inhibit', 'inhibit rule');
  unique(c.maintenance.map((w) => w.name), 'maintenance', 'maintenance window');
  const check = (timing: GroupTiming, path: (string | number)[]) => {
    const interval = tryDurationMs(timing.groupInterval ?? c.groupInterval);
    const repeat = tryDurationMs(timing.repeatInterval ?? c.repeatInterval);
    if (interval !== undefined && repeat !== undefined && repeat < interval) {
      report([...path, 'repeatInterval'], `repeatInterval (${timing.repeatInterval ?? c.repeatInterval}) must not be shorter than groupInterval (${timing.groupInterval ?? c.groupInterval})`);
    }
  };
  check({}, []);
  for (const severity of ['critical', 'warning', 'info'] as const) {
    const timing = c.timing[severity];
    if (timing !== undefined) check(timing, ['timing', severity]);
  }
}
