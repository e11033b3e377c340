import type { KpiDefinition } from '../config/kpi-schema';

/**
 * Words and numbers for alert summaries: "Cash position 3,812,400 USD is below 4,000,000 USD".
 * Pure and locale-fixed (en-US grouping) so texts are the same on every server.
 */

const formatters = new Map<number, Intl.NumberFormat>();

function formatter(decimals: number): Intl.NumberFormat {
  let f = formatters.get(decimals);
  if (f === undefined) {
    f = new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals, minimumFractionDigits: 0 });
    formatters.set(decimals, f);
  }
  return f;
}

/** A number with grouping; the KPI's `decimals`, else 0 for large magnitudes and 2 for small ones. */
export function formatNumber(value: number, decimals?: number): string {
  if (!Number.isFinite(value)) return String(value);
  const d = decimals ?? (Math.abs(value) >= 1000 ? 0 : 2);
  return formatter(d).format(value);
}

/**
 * A value in the KPI's unit: "812,400 USD", "99.5%", "3.62x", "42 days". A KPI whose values are in
 * the currency named by a dimension (`currencyDimension`) shows that currency when the series'
 * tags are given.
 */
export function formatValue(
  value: number,
  kpi: Pick<KpiDefinition, 'unit' | 'decimals' | 'currencyDimension'>,
  tags?: Readonly<Record<string, string>>,
): string {
  const n = formatNumber(value, kpi.decimals);
  const currency = kpi.currencyDimension === undefined ? undefined : tags?.[kpi.currencyDimension];
  if (currency !== undefined) return `${n} ${currency}`;
  switch (kpi.unit) {
    case '%':
      return `${n}%`;
    case 'x':
      return `${n}x`;
    case 'ratio':
    case 'count':
      return n;
    default:
      return `${n} ${kpi.unit}`;
  }
}

/** A percentage with one decimal: "12.5%". */
export function formatPct(pct: number): string {
  return `${formatNumber(pct, 1)}%`;
}

/** The KPI's name followed by the series' tag values: "Bank balance ops-usd jpmorgan USD". */
export function seriesName(kpi: Pick<KpiDefinition, 'name'>, tags: Readonly<Record<string, string>>): string {
  const values = Object.values(tags);
  return values.length === 0 ? kpi.name : `${kpi.name} ${values.join(' ')}`;
}

const UNITS: readonly [number, string][] = [
  [604_800_000, 'w'],
  [86_400_000, 'd'],
  [3_600_000, 'h'],
  [60_000, 'm'],
  [1000, 's'],
];

/** A duration the way the config writes them: 45m, 2d, 1h30m (at most two units; ms below 1 s). */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return String(ms);
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let rest = ms;
  const parts: string[] = [];
  for (const [size, unit] of UNITS) {
    if (rest >= size && parts.length < 2) {
      const n = Math.floor(rest / size);
      parts.push(`${n}${unit}`);
      rest -= n * size;
    } else if (parts.length > 0) {
      break;
    }
  }
  return parts.join('');
}

/** "week over week", "day over day", or "over 3d vs the 3d before". */
export function comparisonWords(windowMs: number): string {
  if (windowMs === 604_800_000) return 'week over week';
  if (windowMs === 86_400_000) return 'day over day';
  if (windowMs === 3_600_000) return 'hour over hour';
  const d = formatDuration(windowMs);
  return `over ${d} vs the ${d} before`;
}
