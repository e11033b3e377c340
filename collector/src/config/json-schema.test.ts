import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_SCHEMA_DIR, JSON_SCHEMA_FILES, metricsConfigJsonSchema, notificationSettingsJsonSchema, renderJsonSchemas, writeJsonSchemas } from './json-schema';

const REPO_ROOT = join(__dirname, '../../..');

describe('published JSON Schemas', () => {
  if (process.env.FINMON_UPDATE_SCHEMAS === '1') writeJsonSchemas(DEFAULT_SCHEMA_DIR);

  it.each(Object.entries(renderJsonSchemas()))('committed collector/schema/%s matches the zod schema', (name, expected) => {
    const committed = readFileSync(join(DEFAULT_SCHEMA_DIR, name), 'utf8');
    // Stale? Regenerate: FINMON_UPDATE_SCHEMAS=1 npx jest collector/src/config/json-schema
    expect(committed).toBe(expected);
  });

  it('writeJsonSchemas writes both files into the directory it is given', () => {
    const dir = mkdtempSync(join(tmpdir(), 'finmon-schema-'));
    try {
      const written = writeJsonSchemas(join(dir, 'nested'));
      expect(written.map((p) => p.slice(dir.length + 1))).toEqual([
        `nested/${JSON_SCHEMA_FILES.metrics}`,
        `nested/${JSON_SCHEMA_FILES.notifications}`,
      ]);
      expect(JSON.parse(readFileSync(written[0]!, 'utf8'))).toEqual(metricsConfigJsonSchema());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the example files point editors at the published schemas', () => {
    const metrics = JSON.parse(readFileSync(join(REPO_ROOT, 'metrics_config.json'), 'utf8')) as { $schema?: string };
    expect(metrics.$schema).toBe(`./collector/schema/${JSON_SCHEMA_FILES.metrics}`);
    const yamlFirstLine = readFileSync(join(REPO_ROOT, 'notification_settings.yaml'), 'utf8').split('\n')[0];
    expect(yamlFirstLine).toBe(`# yaml-language-server: $schema=./collector/schema/${JSON_SCHEMA_FILES.notifications}`);
  });

  it('lets rule kinds be told apart by "type" and rejects unknown keys, as the loader does', () => {
    const schema = metricsConfigJsonSchema() as { properties: { kpis: { items: { properties: { rules: { items: { oneOf?: { properties: { type: { const: string } } }[] } } } } } } };
    const kinds = schema.properties.kpis.items.properties.rules.items.oneOf?.map((o) => o.properties.type.const);
    expect(kinds).toEqual(['static', 'variance', 'trend', 'covenant', 'nodata', 'milestone', 'anomaly', 'forecast']);
    expect(JSON.stringify(schema)).toContain('"additionalProperties":false');
  });

  it('describes secret fields as references in the notification settings schema', () => {
    const text = JSON.stringify(notificationSettingsJsonSchema());
    expect(text).toContain('A secret reference: \\"env:NAME\\" or \\"file:/absolute/path\\"');
  });
});
