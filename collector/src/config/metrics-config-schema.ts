import { z } from 'zod';
import { kpiSchema } from './kpi-schema';
import { checkMetricsConfig } from './metrics-config-checks';
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
      })
      .strict(),
    kpis: z.array(kpiSchema).min(1),
  })
  .strict()
  .superRefine((config, ctx) =>
    checkMetricsConfig(config, (path, message) => ctx.addIssue({ code: 'custom', path, message })),
  );

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
