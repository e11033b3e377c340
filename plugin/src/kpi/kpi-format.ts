import type { Bound, PerPeriod } from '../collector/collector-types';

/**
 * A KPI value for people, from the unit and decimals of metrics_config.json: three-letter
 * currency codes as money ("$1,234,567"), "%" as a percent suffix, other units after the number.
 * en-US grouping; NaN/∞ as "—".
 */
export function formatKpiValue(value: number | undefined | null, unit: string, decimals?: number): string {
  if (value === undefined || value === null || !Number.isFinite(value)) {
    return '—';
  }
  const digits = decimals ?? (Math.abs(value) >= 100 ? 0 : 2);
  const number = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  const currency = /^([A-Z]{3})(\/.*)?$/.exec(unit);
  if (currency) {
    const money = new Intl.NumberFormat('en-US', {
      style: 'currency',
      currency: currency[1],
      minimumFractionDigits: digits,
      maximumFractionDigits: digits,
    }).format(value);
    return currency[2] ? `${money}${currency[2]}` : money;
  }
  if (unit === '%') {
    return `${number.format(value)} %`;
  }
  if (unit === 'count' || unit === '') {
    return number.format(value);
  }
  return `${number.format(value)} ${unit}`;
}

/** "daily 165,000 · weekly 1,150,000 · monthly 5,000,000" (only the periods given). */
export function describePerPeriod(values: PerPeriod | undefined, unit: string, decimals?: number): string | undefined {
  if (!values) {
    return undefined;
  }
  const parts = (['daily', 'weekly', 'monthly'] as const)
    .filter((p) => values[p] !== undefined)
    .map((p) => `${p} ${formatKpiValue(values[p], unit, decimals)}`);
  return parts.length ? parts.join(' · ') : undefined;
}

/** "critical below 4,000,000 USD; warning below 6,000,000 USD". */
export function describeThresholds(
  thresholds: { critical?: Bound; warning?: Bound } | undefined,
  unit: string,
  decimals?: number
): string | undefined {
  if (!thresholds) {
    return undefined;
  }
  const parts: string[] = [];
  for (const level of ['critical', 'warning'] as const) {
    const bound = thresholds[level];
    if (!bound) {
      continue;
    }
    const sides = [
      bound.below !== undefined ? `below ${formatKpiValue(bound.below, unit, decimals)}` : undefined,
      bound.above !== undefined ? `above ${formatKpiValue(bound.above, unit, decimals)}` : undefined,
    ].filter(Boolean);
    parts.push(`${level} ${sides.join(' or ')}`);
  }
  return parts.length ? parts.join('; ') : undefined;
}
