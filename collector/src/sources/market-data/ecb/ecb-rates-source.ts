import { ErrorCodes, FinmonError } from '../../../core/errors';
import type { Point } from '../../../core/point';
import type { PulledSource, PulledSourceContext, RetryPolicy } from '../../../scheduling/pulled-source';
import { realSleep, type Sleep } from '../../../scheduling/sleep';
import { fetchText, isRetryableStatus } from '../http-fetch';
import { ecbFxPoints } from './ecb-fx-points';
import { parseEcbRates } from './parse-ecb-rates';

export const ECB_DAILY_URL = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-daily.xml';
export const ECB_HISTORY_90D_URL = 'https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist-90d.xml';

export interface EcbRatesSourceOptions {
  readonly name: string;
  /** Cron expression (read in the company time zone); default hourly at minute 15. */
  readonly schedule?: string;
  /** The daily file, or the 90-day history (backfills the rates at start). */
  readonly url?: string;
  /** Budget of one request; default 30 s. */
  readonly requestTimeoutMs?: number;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;
  readonly kpi: string;
  readonly reportingCurrency: string;
  readonly currencies?: readonly string[];
  readonly sleep?: Sleep;
}

/**
 * The ECB's euro foreign exchange reference rates, fetched on a schedule and turned into `fx_rate`
 * points (pair `<CCY><REPORTING>`, see {@link ecbFxPoints}). A failed request (network, timeout,
 * 5xx, 429) fails the run and the scheduler retries it with backoff; a 4xx or a document finmon
 * cannot read fails it without retry. Fetching the same day twice stores the same points again.
 */
export class EcbRatesSource implements PulledSource {
  readonly name: string;
  readonly schedule: string;
  readonly timeoutMs?: number;
  readonly retry?: RetryPolicy;

  constructor(private readonly options: EcbRatesSourceOptions) {
    this.name = options.name;
    this.schedule = options.schedule ?? '15 * * * *';
    if (options.timeoutMs !== undefined) this.timeoutMs = options.timeoutMs;
    if (options.retry !== undefined) this.retry = options.retry;
  }

  async run(ctx: PulledSourceContext): Promise<Point[]> {
    const url = this.options.url ?? ECB_DAILY_URL;
    const label = `ECB rates "${this.name}" (${url})`;
    const response = await fetchText(url, {
      signal: ctx.signal,
      timeoutMs: this.options.requestTimeoutMs ?? 30_000,
      sleep: this.options.sleep ?? realSleep,
      label,
      headers: { accept: 'application/xml, text/xml' },
    });
    if (response.status < 200 || response.status >= 300) {
      throw new FinmonError(ErrorCodes.SOURCE_FAILED, `${label}: HTTP ${response.status}`, 502, isRetryableStatus(response.status));
    }
    const days = parseEcbRates(response.body, label);
    const { points, missing } = ecbFxPoints(days, {
      kpi: this.options.kpi,
      reportingCurrency: this.options.reportingCurrency,
      ...(this.options.currencies ? { currencies: this.options.currencies } : {}),
    });
    if (missing.length > 0) ctx.logger.warn({ missing: missing.slice(0, 20), count: missing.length }, 'ECB rates: some currencies are missing');
    return points;
  }
}
