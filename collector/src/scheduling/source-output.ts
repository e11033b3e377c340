import { ErrorCodes, FinmonError } from '../core/errors';
import { nsToMs, type Point } from '../core/point';

/**
 * Checks what a pulled source's `run` resolved with and returns it as points.
 * A source is untrusted code: anything but an array of well-formed points (kpi a non-empty
 * string, tags an object of strings, value a finite number, ns a bigint, time = nsToMs(ns),
 * fields if present an object of numbers, strings or booleans) is rejected as a whole with a
 * non-retryable `FinmonError(SOURCE_FAILED)` naming the source, the index and what is wrong —
 * retrying the same code would return the same garbage.
 * O(points · tags).
 */
export function readSourceOutput(output: unknown, sourceName: string): Point[] {
  if (!Array.isArray(output)) {
    throw garbage(sourceName, `returned ${describe(output)}, expected an array of points`);
  }
  output.forEach((item: unknown, index) => {
    const problem = pointProblem(item);
    if (problem !== undefined) throw garbage(sourceName, `returned a malformed point at index ${index}: ${problem}`);
  });
  return output as Point[];
}

function pointProblem(item: unknown): string | undefined {
  if (!isRecord(item)) return `expected an object, got ${describe(item)}`;
  if (typeof item.kpi !== 'string' || item.kpi === '') return `kpi must be a non-empty string, got ${describe(item.kpi)}`;
  if (!isRecord(item.tags)) return `tags must be an object, got ${describe(item.tags)}`;
  for (const [key, tag] of Object.entries(item.tags)) {
    if (typeof tag !== 'string') return `tag "${key}" must be a string, got ${describe(tag)}`;
  }
  if (typeof item.value !== 'number' || !Number.isFinite(item.value)) {
    return `value must be a finite number, got ${describe(item.value)}`;
  }
  if (typeof item.ns !== 'bigint') return `ns must be a bigint, got ${describe(item.ns)}`;
  if (item.time !== nsToMs(item.ns)) return `time ${describe(item.time)} does not match ns ${item.ns}`;
  if (item.fields !== undefined) {
    if (!isRecord(item.fields)) return `fields must be an object, got ${describe(item.fields)}`;
    for (const [key, field] of Object.entries(item.fields)) {
      const ok = typeof field === 'string' || typeof field === 'boolean' || (typeof field === 'number' && Number.isFinite(field));
      if (!ok) return `field "${key}" must be a finite number, string or boolean, got ${describe(field)}`;
    }
  }
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  switch (typeof value) {
    case 'string':
      return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return `${value}n`;
    default:
      return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
  }
}

function garbage(sourceName: string, what: string): FinmonError {
  return new FinmonError(ErrorCodes.SOURCE_FAILED, `pulled source "${sourceName}" ${what}`, 502, false);
}
