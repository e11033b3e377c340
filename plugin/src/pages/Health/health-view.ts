/** One pulled source as the Health page shows it (from the collector's `sources` health list). */
export interface SourceRow {
  name: string;
  lastSuccessAt: number | null;
  lastError: string | null;
  errorStreak: number;
  runs: number;
  failures: number;
  failing: boolean;
}

/**
 * The `sources` part of GET /api/v1/health (an array of the scheduler's SourceHealth) as rows;
 * entries without a name are skipped, missing counters read as 0. Anything else gives no rows.
 */
export function sourceRows(sources: unknown): SourceRow[] {
  if (!Array.isArray(sources)) {
    return [];
  }
  return sources
    .filter(
      (s): s is Record<string, unknown> =>
        typeof s === 'object' && s !== null && typeof (s as { name?: unknown }).name === 'string'
    )
    .map((s) => {
      const num = (key: string) => (typeof s[key] === 'number' ? (s[key] as number) : 0);
      const errorStreak = num('errorStreak');
      return {
        name: s.name as string,
        lastSuccessAt: typeof s.lastSuccessAt === 'number' ? s.lastSuccessAt : null,
        lastError: typeof s.lastError === 'string' ? s.lastError : null,
        errorStreak,
        runs: num('runs'),
        failures: num('failures'),
        failing: errorStreak > 0,
      };
    })
    .sort((a, b) => Number(b.failing) - Number(a.failing) || a.name.localeCompare(b.name));
}

/**
 * The `delivery` part of the health report (its shape belongs to the notification work) as
 * name/value pairs: numbers and strings as they are, nested objects flattened with dots
 * ("email.failed"), arrays by their length. Nothing when absent.
 */
export function deliverySummary(delivery: unknown, prefix = ''): Array<[string, string]> {
  if (typeof delivery !== 'object' || delivery === null) {
    return [];
  }
  const out: Array<[string, string]> = [];
  for (const [key, value] of Object.entries(delivery)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (typeof value === 'number' || typeof value === 'string' || typeof value === 'boolean') {
      out.push([name, String(value)]);
    } else if (Array.isArray(value)) {
      out.push([name, `${value.length} entries`]);
    } else if (value && typeof value === 'object') {
      out.push(...deliverySummary(value, name));
    }
  }
  return out;
}
