import { DateTime } from 'luxon';
import { pointAt, type Point } from '../../../core/point';
import type { EcbRateDay } from './parse-ecb-rates';

export interface EcbPointOptions {
  /** The KPI holding exchange rates (`fx_rate`, tag `pair`). */
  readonly kpi: string;
  /** The company's reporting currency: every pair is `<CCY><REPORTING>`. */
  readonly reportingCurrency: string;
  /** Currencies to emit; default every currency of the day. */
  readonly currencies?: readonly string[];
}

/**
 * ECB rates (units of CCY per 1 EUR) → `fx_rate` points in the shape the KPI engine converts with
 * (kpi/fx-rates.ts): tag `pair=<CCY><REPORTING>`, value = reporting-currency units per 1 CCY,
 * computed as a cross rate through the euro: rate(REPORTING) / rate(CCY), with rate(EUR) = 1.
 * Time: 16:00 Frankfurt time of the day, when the ECB publishes the rates. Days lacking the
 * reporting currency (or a requested currency) are skipped for that currency and reported in
 * `missing`. Rates keep 10 significant digits.
 */
export function ecbFxPoints(days: readonly EcbRateDay[], options: EcbPointOptions): { points: Point[]; missing: string[] } {
  const points: Point[] = [];
  const missing: string[] = [];
  const rep = options.reportingCurrency;
  for (const day of days) {
    const euroRates = new Map(day.rates);
    euroRates.set('EUR', 1);
    const repRate = euroRates.get(rep);
    if (repRate === undefined) {
      missing.push(`${day.date}: no ECB rate for the reporting currency ${rep}`);
      continue;
    }
    const time = DateTime.fromISO(`${day.date}T16:00:00`, { zone: 'Europe/Berlin' }).toMillis();
    const wanted = options.currencies ?? [...euroRates.keys()];
    for (const ccy of wanted) {
      if (ccy === rep) continue;
      const rate = euroRates.get(ccy);
      if (rate === undefined) {
        missing.push(`${day.date}: no ECB rate for ${ccy}`);
        continue;
      }
      points.push(pointAt(options.kpi, { pair: `${ccy}${rep}` }, Number((repRate / rate).toPrecision(10)), time));
    }
  }
  return { points, missing };
}
