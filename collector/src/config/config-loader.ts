import { readFileSync } from 'node:fs';
import { LineCounter, parseDocument } from 'yaml';
import type { z } from 'zod';
import { ErrorCodes, FinmonError } from '../core/errors';
import { formatProblems, makeProblem, problemsFromZodIssues, type ConfigProblem } from './config-problems';
import { JsonSyntaxError, parseJsonWithPositions } from './json-with-positions';
import { metricsConfigSchema, type MetricsConfig } from './metrics-config-schema';
import { notificationSettingsSchema, type NotificationSettings } from './notification-settings-schema';
import { yamlPathLocator, type PathLocator } from './source-positions';

/**
 * Loads metrics_config.json and notification_settings.yaml: read, parse with positions, validate
 * with the zod schemas (including their cross-checks), check the two files against each other,
 * and deep-freeze. Anything wrong becomes one `ConfigValidationError` (code CONFIG_INVALID) that
 * lists every problem on its own line with file, line, path and what was expected; a file that
 * cannot be read becomes `FinmonError(CONFIG_UNREADABLE)`.
 */

/** CONFIG_INVALID with the individual problems, for callers that show them one by one. */
export class ConfigValidationError extends FinmonError {
  constructor(
    message: string,
    readonly problems: readonly ConfigProblem[],
  ) {
    super(ErrorCodes.CONFIG_INVALID, message, 500, false);
    this.name = 'ConfigValidationError';
  }
}

/** Both configuration files, validated together and frozen. */
export interface ConfigPair {
  readonly metrics: MetricsConfig;
  readonly notifications: NotificationSettings;
}

/** The text of a configuration file and the name errors use for it (usually its path). */
export interface ConfigText {
  readonly text: string;
  readonly file: string;
}

interface ParsedDocument {
  readonly data: unknown;
  readonly locate: PathLocator;
}

type Validated<T> = { ok: true; value: T; doc: ParsedDocument } | { ok: false; problems: ConfigProblem[] };

/**
 * Validates the text of metrics_config.json. Returns the deeply frozen config; throws
 * `ConfigValidationError` listing every problem.
 */
export function parseMetricsConfig(text: string, file = 'metrics_config.json'): MetricsConfig {
  const result = validateMetrics({ text, file });
  if (!result.ok) throw invalid(`metrics config ${file} is invalid`, result.problems);
  return deepFreeze(result.value);
}

/**
 * Validates the text of notification_settings.yaml (YAML 1.2; JSON is accepted too). Returns the
 * deeply frozen settings; throws `ConfigValidationError` listing every problem.
 */
export function parseNotificationSettings(text: string, file = 'notification_settings.yaml'): NotificationSettings {
  const result = validateNotifications({ text, file });
  if (!result.ok) throw invalid(`notification settings ${file} are invalid`, result.problems);
  return deepFreeze(result.value);
}

/**
 * Validates both files and checks them against each other (routes name only KPIs of the metrics
 * config). All or nothing: throws one `ConfigValidationError` with the problems of both files.
 */
export function parseConfigPair(metrics: ConfigText, notifications: ConfigText): ConfigPair {
  const m = validateMetrics(metrics);
  const n = validateNotifications(notifications);
  const problems = [...(m.ok ? [] : m.problems), ...(n.ok ? [] : n.problems)];
  if (m.ok && n.ok) problems.push(...crossCheck(m.value, n.value, notifications.file, n.doc));
  if (problems.length > 0 || !m.ok || !n.ok) throw invalid('finmon configuration is invalid', problems);
  return deepFreeze({ metrics: m.value, notifications: n.value });
}

/** Reads and validates metrics_config.json at `path` (see `parseMetricsConfig`). */
export function loadMetricsConfig(path: string): MetricsConfig {
  return parseMetricsConfig(readConfigFile(path, 'metrics config'), path);
}

/** Reads and validates notification_settings.yaml at `path` (see `parseNotificationSettings`). */
export function loadNotificationSettings(path: string): NotificationSettings {
  return parseNotificationSettings(readConfigFile(path, 'notification settings'), path);
}

/** Reads and validates both files together (see `parseConfigPair`). */
export function loadConfigPair(paths: { metrics: string; notifications: string }): ConfigPair {
  return parseConfigPair(
    { text: readConfigFile(paths.metrics, 'metrics config'), file: paths.metrics },
    { text: readConfigFile(paths.notifications, 'notification settings'), file: paths.notifications },
  );
}

/**
 * Reads a configuration file as UTF-8 (a leading byte-order mark is dropped). Throws
 * `FinmonError(CONFIG_UNREADABLE)` naming the file and the reason.
 */
export function readConfigFile(path: string, what: string): string {
  try {
    return stripBom(readFileSync(path, 'utf8'));
  } catch (err) {
    throw unreadable(path, what, err);
  }
}

/** The CONFIG_UNREADABLE error for a file that could not be read. */
export function unreadable(path: string, what: string, err: unknown): FinmonError {
  const code = (err as NodeJS.ErrnoException).code;
  const reason = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a directory' : (err as Error).message;
  return new FinmonError(ErrorCodes.CONFIG_UNREADABLE, `cannot read ${what} ${path}: ${reason}`, 500, true, { cause: err });
}

/** Removes a leading UTF-8 byte-order mark, which editors on some systems add. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Freezes a value and everything reachable from it; returns it. */
export function deepFreeze<T>(value: T): T {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const key of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[key]);
  }
  return value;
}

function validateMetrics(input: ConfigText): Validated<MetricsConfig> {
  const parsed = parseJsonDocument(input);
  if ('problems' in parsed) return { ok: false, problems: parsed.problems };
  return validate(metricsConfigSchema, parsed, input.file);
}

function validateNotifications(input: ConfigText): Validated<NotificationSettings> {
  const parsed = parseYamlDocument(input);
  if ('problems' in parsed) return { ok: false, problems: parsed.problems };
  return validate(notificationSettingsSchema, parsed, input.file);
}

function validate<S extends z.ZodType>(schema: S, doc: ParsedDocument, file: string): Validated<z.output<S>> {
  let result: z.ZodSafeParseResult<z.output<S>>;
  try {
    result = schema.safeParse(doc.data);
  } catch (err) {
    // A cross-check tripped over input the schema had already flagged; report, do not crash.
    return { ok: false, problems: [makeProblem(file, doc.data, [], `could not be validated: ${(err as Error).message}`)] };
  }
  if (result.success) return { ok: true, value: result.data, doc };
  return { ok: false, problems: problemsFromZodIssues(file, doc.data, result.error.issues, doc.locate) };
}

function parseJsonDocument({ text, file }: ConfigText): ParsedDocument | { problems: ConfigProblem[] } {
  try {
    const { value, locate } = parseJsonWithPositions(stripBom(text));
    return { data: value, locate };
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { problems: [syntaxProblem(file, 'malformed JSON', err.reason, err.line, err.column)] };
  }
}

function parseYamlDocument({ text, file }: ConfigText): ParsedDocument | { problems: ConfigProblem[] } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(stripBom(text), { lineCounter, prettyErrors: true });
  const first = doc.errors[0];
  if (first) {
    // Only the first error: the ones after it are mostly consequences of it.
    const pos = first.linePos?.[0];
    const reason = first.message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '');
    return { problems: [syntaxProblem(file, 'malformed YAML', reason, pos?.line, pos?.col)] };
  }
  return { data: doc.toJS({ maxAliasCount: 100 }), locate: yamlPathLocator(doc, lineCounter) };
}

function syntaxProblem(file: string, kind: string, reason: string, line?: number, column?: number): ConfigProblem {
  const problem = { file, path: [], where: '', message: `${kind}: ${reason}` };
  return line !== undefined ? { ...problem, position: { line, column: column ?? 1 } } : problem;
}

/** Checks across the two files: routes name only KPIs the metrics config defines. */
function crossCheck(metrics: MetricsConfig, notifications: NotificationSettings, file: string, doc: ParsedDocument): ConfigProblem[] {
  const kpiIds = new Set(metrics.kpis.map((k) => k.id));
  const problems: ConfigProblem[] = [];
  notifications.routing.routes.forEach((route, i) => {
    route.match.kpi?.forEach((kpi, j) => {
      if (kpiIds.has(kpi)) return;
      problems.push(
        makeProblem(file, doc.data, ['routing', 'routes', i, 'match', 'kpi', j], `unknown KPI "${kpi}": the metrics config defines no KPI with this id`, doc.locate),
      );
    });
  });
  return problems;
}

function invalid(summary: string, problems: ConfigProblem[]): ConfigValidationError {
  return new ConfigValidationError(formatProblems(summary, problems), problems);
}
