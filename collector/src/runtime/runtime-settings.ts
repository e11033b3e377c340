import path from 'node:path';
import { z } from 'zod';
import { ErrorCodes, FinmonError } from '../core/errors';

/**
 * Process-level settings from the environment and command line. Everything about KPIs and
 * notifications lives in the two configuration files; this holds only where things run.
 */
export interface RuntimeSettings {
  host: string;
  port: number;
  /** Working folder for the spool, the SQLite state file and a spawned influxd's data. */
  dataDir: string;
  metricsConfigPath: string;
  notificationSettingsPath: string;
  /** InfluxDB v1 API base URL; undefined → the collector spawns a local influxd in dataDir. */
  influxUrl: string | undefined;
  influxDatabase: string;
  influxUsername: string | undefined;
  influxPassword: string | undefined;
  /** `sqlite:<file>` (default, inside dataDir) or a postgres:// connection string. */
  stateDb: { kind: 'sqlite'; file: string } | { kind: 'postgres'; connectionString: string };
  adminToken: string | undefined;
  bodyLimitBytes: number;
  demo: { enabled: boolean; backfillDays: number; speed: number; seed: number };
  logLevel: string;
  /**
   * Live push of KPI points to Grafana Live (`POST <url>/api/live/push/<stream>`), on when both
   * FINMON_GRAFANA_URL and FINMON_GRAFANA_TOKEN are set. `token` is a secret: never log it.
   */
  grafanaLive: { url: string; token: string; stream: string } | undefined;
}

/** An unset variable and one set to "" (compose's `${VAR:-}`) both mean "not given". */
const emptyAsUnset = (value: unknown) => (value === '' ? undefined : value);

const envSchema = z.object({
  FINMON_HOST: z.string().min(1).default('127.0.0.1'),
  FINMON_PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  FINMON_DATA_DIR: z.string().min(1).optional(),
  FINMON_METRICS_CONFIG: z.string().min(1).optional(),
  FINMON_NOTIFICATION_SETTINGS: z.string().min(1).optional(),
  FINMON_INFLUX_URL: z.string().url().optional(),
  FINMON_INFLUX_DB: z.string().regex(/^[A-Za-z0-9_]+$/, 'letters, digits and _').default('finmon'),
  FINMON_INFLUX_USERNAME: z.string().optional(),
  FINMON_INFLUX_PASSWORD: z.string().optional(),
  FINMON_STATE_DB: z.string().optional(),
  FINMON_ADMIN_TOKEN: z.string().min(32, 'at least 32 characters').optional(),
  FINMON_BODY_LIMIT_BYTES: z.coerce.number().int().min(1024).default(16 * 1024 * 1024),
  FINMON_LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Messages never repeat the value: the URL could carry credentials, the token is a secret.
  FINMON_GRAFANA_URL: z.preprocess(
    emptyAsUnset,
    z
      .string()
      .url('expected an http:// or https:// URL')
      .refine((u) => /^https?:\/\//i.test(u), 'expected an http:// or https:// URL')
      .refine((u) => !/^https?:\/\/[^/]*@/i.test(u), 'must not contain a user name or password (the token goes in FINMON_GRAFANA_TOKEN)')
      .optional(),
  ),
  FINMON_GRAFANA_TOKEN: z.preprocess(emptyAsUnset, z.string().regex(/^\S+$/, 'expected a token without spaces or line breaks').optional()),
  FINMON_GRAFANA_STREAM: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,64}$/, 'a Grafana Live stream id: 1–64 letters, digits, "_" and "-"')
    .default('finmon'),
});

const argsSchema = z.object({
  enabled: z.boolean(),
  backfillDays: z.number().int().min(0).max(3660),
  speed: z.number().positive().max(1_000_000),
  seed: z.number().int(),
});

/**
 * Reads settings from `env` and `argv` (flags: --demo, --backfill-days N, --speed X, --seed N,
 * --port N). Throws FinmonError(CONFIG_INVALID) naming the variable or flag that is wrong.
 */
export function readRuntimeSettings(env: NodeJS.ProcessEnv, argv: readonly string[], cwd: string): RuntimeSettings {
  const parsedEnv = envSchema.safeParse(env);
  if (!parsedEnv.success) {
    const lines = parsedEnv.error.issues.map((i) => `environment variable ${i.path.join('.')}: ${i.message}`);
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, lines.join('\n'), 500);
  }
  const e = parsedEnv.data;
  const flags = parseFlags(argv);
  const args = argsSchema.safeParse({
    enabled: flags.has('demo'),
    backfillDays: numberFlag(flags, 'backfill-days', 365),
    speed: numberFlag(flags, 'speed', 1),
    seed: numberFlag(flags, 'seed', 42),
  });
  if (!args.success) {
    const lines = args.error.issues.map((i) => `command-line flag --${kebab(String(i.path[0]))}: ${i.message}`);
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, lines.join('\n'), 500);
  }
  const port = flags.has('port') ? numberFlag(flags, 'port', e.FINMON_PORT) : e.FINMON_PORT;
  if (!Number.isInteger(port) || port < 0 || port > 65535) {
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, `command-line flag --port: expected a port number 0–65535, got "${flags.get('port')}"`, 500);
  }
  const grafanaLive = grafanaLiveSettings(e.FINMON_GRAFANA_URL, e.FINMON_GRAFANA_TOKEN, e.FINMON_GRAFANA_STREAM);
  const dataDir = path.resolve(cwd, e.FINMON_DATA_DIR ?? '.finmon');
  const state = e.FINMON_STATE_DB;
  return {
    host: e.FINMON_HOST,
    port,
    dataDir,
    metricsConfigPath: path.resolve(cwd, e.FINMON_METRICS_CONFIG ?? 'metrics_config.json'),
    notificationSettingsPath: path.resolve(cwd, e.FINMON_NOTIFICATION_SETTINGS ?? 'notification_settings.yaml'),
    influxUrl: e.FINMON_INFLUX_URL?.replace(/\/+$/, ''),
    influxDatabase: e.FINMON_INFLUX_DB,
    influxUsername: e.FINMON_INFLUX_USERNAME,
    influxPassword: e.FINMON_INFLUX_PASSWORD,
    stateDb:
      state && /^postgres(ql)?:\/\//.test(state)
        ? { kind: 'postgres', connectionString: state }
        : { kind: 'sqlite', file: path.resolve(cwd, state?.replace(/^sqlite:/, '') ?? path.join(dataDir, 'state.sqlite')) },
    adminToken: e.FINMON_ADMIN_TOKEN,
    bodyLimitBytes: e.FINMON_BODY_LIMIT_BYTES,
    demo: args.data,
    logLevel: e.FINMON_LOG_LEVEL,
    grafanaLive,
  };
}

/** Both the URL and the token, or neither: one without the other is a settings error. */
function grafanaLiveSettings(url: string | undefined, token: string | undefined, stream: string): RuntimeSettings['grafanaLive'] {
  if (url === undefined && token === undefined) return undefined;
  if (url === undefined) {
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'environment variable FINMON_GRAFANA_URL: required when FINMON_GRAFANA_TOKEN is set (the Grafana to push live KPI points to)', 500);
  }
  if (token === undefined) {
    throw new FinmonError(ErrorCodes.CONFIG_INVALID, 'environment variable FINMON_GRAFANA_TOKEN: required when FINMON_GRAFANA_URL is set (a Grafana service-account token)', 500);
  }
  return { url: url.replace(/\/+$/, ''), token, stream };
}

const KNOWN_FLAGS = new Set(['demo', 'backfill-days', 'speed', 'seed', 'port']);

function parseFlags(argv: readonly string[]): Map<string, string> {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('--')) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `unexpected command-line argument "${arg}"`, 500);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq > 0 ? eq : undefined);
    if (!KNOWN_FLAGS.has(name)) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `unknown command-line flag --${name} (known: --demo, --backfill-days, --speed, --seed, --port)`, 500);
    }
    if (eq > 0) {
      flags.set(arg.slice(2, eq), arg.slice(eq + 1));
    } else if (arg === '--demo') {
      flags.set('demo', 'true');
    } else {
      const value = argv[i + 1];
      if (value === undefined || value.startsWith('--')) {
        throw new FinmonError(ErrorCodes.CONFIG_INVALID, `command-line flag ${arg} needs a value`, 500);
      }
      flags.set(arg.slice(2), value);
      i++;
    }
  }
  return flags;
}

function numberFlag(flags: Map<string, string>, name: string, fallback: number): number {
  const raw = flags.get(name);
  return raw === undefined ? fallback : Number(raw);
}

function kebab(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
