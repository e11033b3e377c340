import type { z } from 'zod';
import type { DocumentPath, PathLocator, SourcePosition } from './source-positions';

/**
 * Turns validation issues into problems a person can act on, one line each:
 *
 *   metrics_config.json:57:11: kpis[3] (id "revenue").rules[0].above: Invalid input: expected number, received string
 *
 * — the file, the line and column where the path is (when known), the path inside the document
 * (array elements that carry an `id` are named by it), and what was expected.
 */

export interface ConfigProblem {
  /** The file, as given to the loader. */
  readonly file: string;
  /** Path inside the document, e.g. ["kpis", 3, "rules", 0, "above"]. */
  readonly path: DocumentPath;
  /** The path for people: kpis[3] (id "revenue").rules[0].above */
  readonly where: string;
  /** What is wrong and what was expected. */
  readonly message: string;
  readonly position?: SourcePosition;
}

/** Problems of one parsed document from zod issues. */
export function problemsFromZodIssues(
  file: string,
  data: unknown,
  issues: readonly z.core.$ZodIssue[],
  locate: PathLocator,
): ConfigProblem[] {
  const problems: ConfigProblem[] = [];
  for (const issue of issues) {
    const path = issue.path.filter((p): p is string | number => typeof p !== 'symbol');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push(makeProblem(file, data, [...path, key], `unknown key "${key}" (check its spelling; this object does not take it)`, locate));
      }
      continue;
    }
    problems.push(makeProblem(file, data, path, issueMessage(issue, valueAt(data, path)), locate));
  }
  return problems;
}

/** A problem at a path of a document (for checks outside zod, e.g. across two files). */
export function makeProblem(file: string, data: unknown, path: DocumentPath, message: string, locate?: PathLocator): ConfigProblem {
  const position = locate?.(path);
  return position ? { file, path, where: describePath(data, path), message, position } : { file, path, where: describePath(data, path), message };
}

/** One line for a problem: `file:line:column: where: message`. */
export function formatProblem(problem: ConfigProblem): string {
  const at = problem.position ? `${problem.file}:${problem.position.line}:${problem.position.column}` : problem.file;
  return problem.where === '' ? `${at}: ${problem.message}` : `${at}: ${problem.where}: ${problem.message}`;
}

/** The message of a failed load: a summary line, then one line per problem. */
export function formatProblems(summary: string, problems: readonly ConfigProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  return [`${summary} (${count}):`, ...problems.map((p) => `  ${formatProblem(p)}`)].join('\n');
}

/**
 * The path for people: `kpis[3] (id "revenue").rules[0].above`. Array elements that are objects
 * with a string `id` are named by it; keys that are not identifiers are quoted.
 */
export function describePath(data: unknown, path: DocumentPath): string {
  let out = '';
  let node: unknown = data;
  for (const segment of path) {
    if (typeof segment === 'number') {
      out += `[${segment}]`;
      node = Array.isArray(node) ? node[segment] : undefined;
      const id = isRecord(node) ? node.id : undefined;
      if (typeof id === 'string') out += ` (id ${JSON.stringify(id)})`;
    } else {
      const key = String(segment);
      out += /^[A-Za-z_$][\w$]*$/.test(key) ? (out === '' ? key : `.${key}`) : `[${JSON.stringify(key)}]`;
      node = isRecord(node) && Object.prototype.hasOwnProperty.call(node, key) ? node[key] : undefined;
    }
  }
  return out;
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  if (issue.code === 'invalid_type' && value === undefined) {
    return `missing required field (expected ${issue.expected})`;
  }
  // Custom messages of formats and types are noun phrases: "a duration such as …".
  if ((issue.code === 'invalid_format' || issue.code === 'invalid_type') && /^an? /.test(issue.message)) {
    return `expected ${issue.message}`;
  }
  if (issue.code === 'invalid_key') {
    const inner = issue.issues.map((i) => i.message).join('; ');
    return `invalid key: ${inner}`;
  }
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    // A plain union: say what each alternative expected.
    const alternatives = issue.errors.map((errs) => errs.map((e) => e.message).join(', '));
    return `${issue.message}; expected one of: ${alternatives.join(' | ')}`;
  }
  return issue.message;
}

function valueAt(data: unknown, path: readonly (string | number)[]): unknown {
  let node = data;
  for (const segment of path) {
    if (Array.isArray(node) && typeof segment === 'number') node = node[segment];
    else if (isRecord(node) && Object.prototype.hasOwnProperty.call(node, segment)) node = node[segment];
    else return undefined;
  }
  return node;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
