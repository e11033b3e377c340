/**
 * URL templates of HTTP market data providers: `{symbol}` and `{date}` (YYYY-MM-DD of the run
 * in the provider's zone) are replaced, URL-encoded. Any other `{name}` is an error at load.
 */

export const URL_PLACEHOLDERS = ['symbol', 'date'] as const;

/** Placeholders in `template` that are not known, e.g. ["apikey"] for "…?k={apikey}". */
export function unknownPlaceholders(template: string): string[] {
  const names = [...template.matchAll(/\{([^{}]*)\}/g)].map((m) => m[1]!);
  return names.filter((n) => !(URL_PLACEHOLDERS as readonly string[]).includes(n));
}

/** The template with every placeholder replaced by its URL-encoded value. */
export function expandUrl(template: string, values: { symbol: string; date: string }): string {
  return template.replace(/\{(symbol|date)\}/g, (_m, name: 'symbol' | 'date') => encodeURIComponent(values[name]));
}
