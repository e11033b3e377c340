import { z } from 'zod';
import { kpiSchema } from './kpi-schema';
import { checkMetricsConfig } from './metrics-config-checks';
import { checkSourcesConfig, sourcesConfigSchema } from './sources-schema';
import { timeZoneSchema } from './scalar-schemas';

/** metrics_config.json: the company and its KPI catalog. */
export const metricsConfigSchema = z
  .object({
    $schema: z.string().optional().describe('Path or URL of this JSON Schema, for editors'),
    version: z.literal(1),
    company: z
      .object({
        name: z.string().min(1),
        reportingCurrency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as "USD"'),
        timezone: timeZoneSchema.describe('IANA time zone used for days, weeks and months, e.g. "America/New_York"'),
        weekStartsOn: z.enum(['monday', 'sunday']).default('monday'),
        cashForecast: z
          .object({
            costPerHeadMonthly: z.number().finite().positive().describe('Monthly cost of one employee (salary and charges) in the reporting currency: payroll in the 13-week cash forecast'),
            payablesDays: z.number().int().min(1).max(180).default(30).describe('Days in which open payables are paid'),
            interestBenchmark: z.string().min(1).optional().describe('The interest_rate series (tag benchmark) the debt pays, e.g. "sofr"'),
            interestSpreadPct: z.number().finite().min(0).max(20).default(0).describe('Spread over the benchmark in percent points'),
          })
          .strict()
          .optional()
          .describe('Inputs of the 13-week cash forecast (direct method) that the KPIs do not carry; without it, no cash forecast'),
      })
      .strict(),
    kpis: z.array(kpiSchema).min(1),
    sources: sourcesConfigSchema.optional(),
  })
  .strict()
  .superRefine((config, ctx) => {
    const report = (path: (string | number)[], message: string) => ctx.addIssue({ code: 'custom', path, message });
    checkMetricsConfig(config, report);
    checkSourcesConfig(config, report);
  });

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
