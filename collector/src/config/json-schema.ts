import { mkdirSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { metricsConfigSchema } from './metrics-config-schema';
import { notificationSettingsSchema } from './notification-settings-schema';

/**
 * Published JSON Schemas of the two configuration files, generated from the zod schemas so editors
 * (VS Code, yaml-language-server) complete and check them. They describe the shape; the
 * cross-checks (references, formulas, time zones, cron) run only in finmon's loader.
 *
 * Regenerate after changing a schema:
 *   npm run build && node collector/dist/config/json-schema.js
 * or, without building: FINMON_UPDATE_SCHEMAS=1 npx jest collector/src/config/json-schema
 */

/** File names inside the schema directory. */
export const JSON_SCHEMA_FILES = {
  metrics: 'metrics_config.schema.json',
  notifications: 'notification_settings.schema.json',
} as const;

/** collector/schema, from both src/config and dist/config. */
export const DEFAULT_SCHEMA_DIR = resolve(__dirname, '../../schema');

function toJsonSchema(schema: z.ZodType, title: string, description: string): Record<string, unknown> {
  // io "input": fields with defaults are optional, as a person writes the file.
  const generated = z.toJSONSchema(schema, { io: 'input', target: 'draft-7', unrepresentable: 'throw' }) as Record<string, unknown>;
  const { $schema, ...rest } = generated;
  return { $schema, title, description, ...rest };
}

/** JSON Schema of metrics_config.json. */
export function metricsConfigJsonSchema(): Record<string, unknown> {
  return toJsonSchema(
    metricsConfigSchema,
    'finmon metrics_config.json',
    'The company and its KPI catalog: definitions, targets, budgets, thresholds and alert rules.',
  );
}

/** JSON Schema of notification_settings.yaml. */
export function notificationSettingsJsonSchema(): Record<string, unknown> {
  return toJsonSchema(
    notificationSettingsSchema,
    'finmon notification_settings.yaml',
    'Recipients, roles, channels (secrets as env:/file: references only), routing, escalation, on-call schedules and digests.',
  );
}

/** The schema files' contents by file name, exactly as `writeJsonSchemas` writes them. */
export function renderJsonSchemas(): Record<string, string> {
  return {
    [JSON_SCHEMA_FILES.metrics]: `${JSON.stringify(metricsConfigJsonSchema(), null, 2)}\n`,
    [JSON_SCHEMA_FILES.notifications]: `${JSON.stringify(notificationSettingsJsonSchema(), null, 2)}\n`,
  };
}

/** Writes both schema files into `dir` (created if missing); returns the paths written. */
export function writeJsonSchemas(dir: string = DEFAULT_SCHEMA_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  return Object.entries(renderJsonSchemas()).map(([name, text]) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  });
}

if (require.main === module) {
  for (const path of writeJsonSchemas(process.argv[2] ?? DEFAULT_SCHEMA_DIR)) process.stdout.write(`wrote ${path}\n`);
}
