import { z } from 'zod';
import { kpiSchema } from './kpi-schema';

/** metrics_config.json: the company and its KPI catalog. */
export const metricsConfigSchema = z
  .object({
    $schema: z.string().optional(),
    version: z.literal(1),
    company: z
      .object({
        name: z.string().min(1),
        reportingCurrency: z.string().regex(/^[A-Z]{3}$/, 'an ISO 4217 currency code such as "USD"'),
        timezone: z.string().min(1).describe('IANA time zone used for days, weeks and months, e.g. "America/New_York"'),
        weekStartsOn: z.enum(['monday', 'sunday']).default('monday'),
      })
      .strict(),
    kpis: z.array(kpiSchema).min(1),
  })
  .strict();

export type MetricsConfig = z.infer<typeof metricsConfigSchema>;
