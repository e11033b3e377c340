import { z } from 'zod';

/**
 * Alert rules attached to a KPI. PLACEHOLDER: the config work replaces this with the full
 * discriminated union (static, variance, trend, covenant, nodata, milestone, …).
 */
export const ruleSchema = z.object({ type: z.string() }).passthrough();
export type RuleDefinition = z.infer<typeof ruleSchema>;
