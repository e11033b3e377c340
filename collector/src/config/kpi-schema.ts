import { z } from 'zod';
import { checkKpi } from './kpi-checks';
import { labelsSchema, ruleSchema } from './rule-schema';
import { dimensionNameSchema, durationSchema, kpiIdSchema } from './scalar-schemas';

/**
 * The KPI part of metrics_config.json. Every other stage reads KPI definitions through the
 * types inferred here (`KpiDefinition`, `MetricsConfig`), frozen after validation.
 */

export { durationSchema, durationMs, kpiIdSchema, dimensionNameSchema } from './scalar-schemas';

export const periodSchema = z.enum(['daily', 'weekly', 'monthly']);
export type Period = z.infer<typeof periodSchema>;

/** A value per period (target or budget); a single number means "per day" is not assumed: name the period. */
const perPeriodSchema = z
  .object({
    daily: z.number().finite().optional(),
    weekly: z.number().finite().optional(),
    monthly: z.number().finite().optional(),
  })
  .strict()
  .refine((v) => v.daily !== undefined || v.weekly !== undefined || v.monthly !== undefined, {
    message: 'give at least one of daily, weekly, monthly',
  });

const boundSchema = z
  .object({
    above: z.number().finite().optional(),
    below: z.number().finite().optional(),
  })
  .strict()
  .refine((b) => b.above !== undefined || b.below !== undefined, { message: 'give above, below or both' });

export const kpiSchema = z
  .object({
    id: kpiIdSchema,
    name: z.string().min(1),
    unit: z.string().min(1).describe('Unit shown to people: USD, %, days, ratio, count, ms, months…'),
    category: z.enum(['financial', 'operational', 'market']),
    description: z.string().min(1),
    source: z
      .string()
      .min(1)
      .describe('Where the data comes from: push, demo, bank, erp, crm, platform, market, sql, derived, forecast'),
    dimensions: z.array(dimensionNameSchema).default([]),
    cadence: durationSchema.describe('How often a new value is expected'),
    kind: z
      .enum(['stock', 'flow', 'rate'])
      .describe('stock: a level (last value counts); flow: an amount per time (values add up); rate: a ratio or gauge (values average)'),
    rollups: z.array(periodSchema).default([]),
    formula: z
      .string()
      .min(1)
      .optional()
      .describe('Derived KPIs: an expression over other KPIs, e.g. latest(accounts_receivable) / sum(revenue, "90d") * 90'),
    includes: z
      .array(kpiIdSchema)
      .optional()
      .describe(
        'KPIs this one contains in the books although no formula computes it from them, e.g. ledger current assets include cash, receivables and inventory. Alerts on this KPI (and on KPIs computed from it) correlate with alerts on these as inputs of one derived KPI do; sources and inhibition are not affected',
      ),
    currencyDimension: dimensionNameSchema
      .optional()
      .describe('Values are in the currency named by this dimension and are converted to the reporting currency'),
    direction: z.enum(['higher_is_better', 'lower_is_better', 'target_is_best']).default('higher_is_better'),
    decimals: z.number().int().min(0).max(6).optional(),
    target: perPeriodSchema.optional(),
    budget: perPeriodSchema.optional(),
    thresholds: z
      .object({ critical: boundSchema.optional(), warning: boundSchema.optional() })
      .strict()
      .optional(),
    impact: z.number().int().min(1).max(5).default(3).describe('Business impact, 1 (low) to 5 (severe)'),
    labels: labelsSchema
      .optional()
      .describe('Labels every alert of this KPI carries, e.g. { "team": "treasury" }; a rule\'s labels add to them'),
    rules: z.array(ruleSchema).default([]),
  })
  .strict()
  .superRefine((kpi, ctx) =>
    checkKpi(kpi, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

export type KpiDefinition = z.infer<typeof kpiSchema>;
