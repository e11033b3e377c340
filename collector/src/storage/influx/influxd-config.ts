import path from 'node:path';

/** Where a private influxd keeps its files and which loopback ports it listens on. */
export interface InfluxdConfigInput {
  /** Folder holding meta/, data/ and wal/ (absolute). */
  readonly dataDir: string;
  /** Port of the HTTP API (`/write`, `/query`, `/ping`) on 127.0.0.1. */
  readonly httpPort: number;
  /** Port of the RPC service used by backup/restore (top-level `bind-address`) on 127.0.0.1. */
  readonly bindPort: number;
}

/** TOML basic string: JSON string escaping is a subset TOML accepts for the characters we emit. */
function tomlString(value: string): string {
  return JSON.stringify(value);
}

/**
 * Renders an influxdb.conf (InfluxDB 1.x) for a private instance: every path inside `dataDir`,
 * both listeners on loopback, usage reporting off, the `_internal` monitor store off (it would write
 * statistics every 10 s), and logging limited to warnings without per-request or per-query lines.
 */
export function renderInfluxdConfig(input: InfluxdConfigInput): string {
  const dir = (name: string) => tomlString(path.join(input.dataDir, name));
  return [
    'reporting-enabled = false',
    `bind-address = ${tomlString(`127.0.0.1:${input.bindPort}`)}`,
    '',
    '[meta]',
    `  dir = ${dir('meta')}`,
    '  logging-enabled = false',
    '',
    '[data]',
    `  dir = ${dir('data')}`,
    `  wal-dir = ${dir('wal')}`,
    '  query-log-enabled = false',
    '  trace-logging-enabled = false',
    '',
    '[monitor]',
    '  store-enabled = false',
    '',
    '[http]',
    '  enabled = true',
    `  bind-address = ${tomlString(`127.0.0.1:${input.httpPort}`)}`,
    '  log-enabled = false',
    '  write-tracing = false',
    '',
    '[continuous_queries]',
    '  enabled = true',
    '  log-enabled = false',
    '',
    '[logging]',
    '  level = "warn"',
    '  suppress-logo = true',
    '',
  ].join('\n');
}
