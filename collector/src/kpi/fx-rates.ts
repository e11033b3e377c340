import type { CompanyCalendar } from './company-calendar';
import type { CurrencyRates, KpiState } from './kpi-state';

/** The KPI holding exchange rates: tag `pair=<CCY><REPORTING>`, value = reporting units per 1 CCY. */
export const FX_RATE_KPI = 'fx_rate';

/**
 * Exchange rates to the reporting currency, read from the `fx_rate` KPI's state: the rate of
 * pair `<CCY><REPORTING>` as of the evaluation time. The reporting currency converts at 1.
 * A missing rate (or a series without a currency tag) gives NaN — the caller leaves the series
 * out — and reports one warning per KPI and currency through `warn`.
 */
export class FxRates implements CurrencyRates {
  constructor(
    private readonly reportingCurrency: string,
    private readonly fxState: () => KpiState | undefined,
    private readonly calendar: CompanyCalendar,
    private readonly warn: (message: string) => void,
  ) {}

  /** Reporting-currency units per unit of `currency` as of `asOf`; NaN (and a warning) when unknown. */
  rate(kpi: string, currency: string, asOf: number): number {
    if (currency === this.reportingCurrency) return 1;
    if (currency === '') {
      this.warn(`${kpi}: a series has no currency tag; it is left out of the ${this.reportingCurrency} total`);
      return NaN;
    }
    const pair = currency + this.reportingCurrency;
    const series = this.fxState()?.findSeries({ pair });
    const rate = series ? series.valueAsOf(asOf, this.calendar) : NaN;
    if (Number.isFinite(rate) && rate > 0) return rate;
    this.warn(
      `${kpi}: no ${FX_RATE_KPI} pair=${pair} at or before ${new Date(asOf).toISOString()}; ` +
        `series in ${currency} are left out of the ${this.reportingCurrency} total`,
    );
    return NaN;
  }
}
