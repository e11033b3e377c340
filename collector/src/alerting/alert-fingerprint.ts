import { createHash } from 'node:crypto';

/**
 * The stable identity of an alert: a hash of the KPI id, the rule id and the series' tags (sorted,
 * so tag order never matters), plus an optional variant for rules that raise several alerts on one
 * series (a milestone's marks, a rule's no-data alert). The same inputs give the same fingerprint
 * in every process and across restarts; any difference in them gives another.
 *
 * 16 hex digits (64 bits of SHA-256), as compact as Alertmanager's 64-bit fingerprints.
 * Cost: O(tags · log tags) plus one SHA-256 of a short string.
 */
export function alertFingerprint(
  kpi: string,
  ruleId: string,
  seriesTags: Readonly<Record<string, string>>,
  variant?: Readonly<Record<string, string>>,
): string {
  // JSON of arrays: unambiguous whatever characters ids and tag values contain.
  const text = JSON.stringify([kpi, ruleId, sortedPairs(seriesTags), variant === undefined ? [] : sortedPairs(variant)]);
  return createHash('sha256').update(text).digest('hex').slice(0, 16);
}

function sortedPairs(tags: Readonly<Record<string, string>>): [string, string][] {
  return Object.keys(tags)
    .sort()
    .map((k) => [k, tags[k] as string]);
}
