/**
 * The Grafana field-config unit for a KPI unit of metrics_config.json: currency codes become
 * Grafana's currency units, "%" percent, "ms" milliseconds, counts "short"; anything else is
 * shown after the number with Grafana's custom suffix unit ("suffix: days").
 */
export function grafanaUnitFor(kpiUnit: string): string {
  const currency = /^([A-Z]{3})(\/.*)?$/.exec(kpiUnit);
  if (currency) {
    const known = ['USD', 'EUR', 'GBP', 'JPY', 'CHF', 'CAD', 'AUD', 'SEK', 'NOK', 'DKK'];
    const code = currency[1]!;
    return known.includes(code) ? `currency${code}` : `suffix: ${code}`;
  }
  switch (kpiUnit) {
    case '%':
      return 'percent';
    case 'ms':
      return 'ms';
    case 'count':
      return 'short';
    default:
      return `suffix: ${kpiUnit}`;
  }
}
