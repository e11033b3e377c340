import { DateTime } from 'luxon';
import { systemClock, type Clock } from '../../../core/clock';
import { ErrorCodes, FinmonError } from '../../../core/errors';
import type { Logger } from '../../../core/logger';
import { pointAt, type Point } from '../../../core/point';
import type { PulledSource, PulledSourceContext, RetryPolicy } from '../../../scheduling/pulled-source';
import { backoffDelayMs } from '../../../scheduling/run-with-retry';
import { realSleep, type Sleep } from '../../../scheduling/sleep';
import { fetchText, isRetryableStatus, type FetchedText } from '../http-fetch';
import { MarketDataError } from '../market-data-error';
import { TokenBucket } from '../token-bucket';
import { mapResponse, type ResponseMapping } from './response-mapping';
import { expandUrl } from './url-template';

/** One instrument a provider is asked for, and the tags its points carry (e.g. `{ ticker: "NWR" }`). */
export interface ProviderSymbol {
  readonly symbol: string;
  readonly tags: Readonly<Record<string, string>>;
}

/** The resolved credential: a header (`Authorization: Bearer …`) or a query parameter (`apikey=…`). */
export type ProviderAuth =
  | { readonly in: 'header'; readonly name: string; readonly value: string }
  | { readonly in: 'query'; readonly name: string; readonly value: string };

export interface HttpProviderOptions {
  readonly name: string;
  readonly schedule: string;
  /** KPI the points belong to (stock_price, fx_rate, interest_rate…). */
  readonly kpi: string;
  /** URL with `{symbol}` and `{date}` placeholders. */
  readonly url: string;
  readonly symbols: readonly ProviderSymbol[];
  readonly mapping: ResponseMapping;
  readonly headers?: Readonly<Record<string, string>>;
  readonly auth?: ProviderAuth;
  /** Multiplies every value (e.g. 100 for rates given as fractions). Default 1. */
  readonly scale?: number;
  /** Uses 1 / value (a provider quoting the pair the other way round). */
  readonly invert?: boolean;
  /** Zone of `{date}` and of response times without an offset. */
  readonly timezone: string;
  readonly requestTimeoutMs: number;
  /** Retries of one request (network errors, timeouts, 408/425/429/5xx). */
  readonly requestRetry: RetryPolicy;
  /** At most `requests` requests per `periodMs`, bursts included. */
  readonly rateLimit?: { readonly requests: number; readonly periodMs: number };
  /** Budget of a whole run (all symbols); default 5 minutes. */
  readonly timeoutMs?: number;
  readonly clock?: Clock;
  readonly sleep?: Sleep;
  readonly random?: () => number;
}

/**
 * A configurable HTTP market data provider (quotes, FX, interest rates): on its schedule, one GET
 * per symbol (URL from the template, credential from a secret reference), the JSON or CSV answer
 * mapped to (value, time) records, each a point of the KPI with the symbol's tags. Requests wait
 * for the provider's token bucket, time out on their own budget (AbortSignal), and are retried
 * with full-jitter backoff (honouring Retry-After) when the failure is transient.
 *
 * A symbol that still fails is logged and left out; the run fails only when every symbol does
 * (then the scheduler's health shows it). Secrets never appear in logs or errors: the query
 * credential is masked in every URL shown.
 */
export class HttpProviderSource implements PulledSource {
  readonly name: string;
  readonly schedule: string;
  readonly timeoutMs: number;
  /** Requests are retried one by one; the run as a whole is not repeated. */
  readonly retry: RetryPolicy = Object.freeze({ attempts: 1, baseDelayMs: 0, maxDelayMs: 0 });
  private readonly bucket: TokenBucket | undefined;
  private readonly clock: Clock;
  private readonly sleep: Sleep;
  private readonly random: () => number;

  constructor(private readonly options: HttpProviderOptions) {
    this.name = options.name;
    this.schedule = options.schedule;
    this.timeoutMs = options.timeoutMs ?? 300_000;
    this.clock = options.clock ?? systemClock;
    this.sleep = options.sleep ?? realSleep;
    this.random = options.random ?? Math.random;
    this.bucket = options.rateLimit ? new TokenBucket(options.rateLimit.requests, options.rateLimit.periodMs, this.clock.now()) : undefined;
  }

  async run(ctx: PulledSourceContext): Promise<Point[]> {
    const points: Point[] = [];
    const failures: string[] = [];
    let lastError: FinmonError | undefined;
    const date = DateTime.fromMillis(ctx.now, { zone: this.options.timezone }).toISODate()!;
    for (const symbol of this.options.symbols) {
      if (ctx.signal.aborted) throw ctx.signal.reason;
      try {
        points.push(...(await this.fetchSymbol(symbol, date, ctx)));
      } catch (error) {
        if (ctx.signal.aborted) throw ctx.signal.reason;
        lastError = error instanceof FinmonError ? error : new FinmonError(ErrorCodes.SOURCE_FAILED, String(error), 502, true, { cause: error });
        failures.push(`${symbol.symbol}: ${lastError.message}`);
        ctx.logger.error({ symbol: symbol.symbol, err: lastError.message }, 'market data provider: symbol failed');
      }
    }
    if (failures.length > 0 && failures.length === this.options.symbols.length) {
      throw new FinmonError(
        ErrorCodes.SOURCE_FAILED,
        `market data provider "${this.name}": every symbol failed; ${failures.slice(0, 3).join('; ')}`,
        502,
        lastError?.retryable ?? true,
        { cause: lastError },
      );
    }
    return points;
  }

  private async fetchSymbol(symbol: ProviderSymbol, date: string, ctx: PulledSourceContext): Promise<Point[]> {
    const o = this.options;
    const url = new URL(expandUrl(o.url, { symbol: symbol.symbol, date }));
    const headers: Record<string, string> = { ...o.headers };
    if (o.auth?.in === 'query') url.searchParams.set(o.auth.name, o.auth.value);
    if (o.auth?.in === 'header') headers[o.auth.name] = o.auth.value;
    const label = `market data provider "${this.name}" ${symbol.symbol} (${this.masked(url)})`;
    const response = await this.requestWithRetry(url.toString(), headers, label, ctx.signal, ctx.logger);
    const { records, skipped } = mapResponse(response.body, o.mapping, { symbol: symbol.symbol, timezone: o.timezone, label });
    if (skipped.length > 0) ctx.logger.warn({ symbol: symbol.symbol, skipped: skipped.slice(0, 10), count: skipped.length }, 'market data provider: records skipped');
    return records.map((record) => {
      let value = record.value * (o.scale ?? 1);
      if (o.invert) value = 1 / value;
      if (!Number.isFinite(value)) throw new MarketDataError(`${label}: value ${record.value} gives ${value} after scale/invert`);
      return pointAt(o.kpi, { ...symbol.tags }, value, record.time ?? ctx.now);
    });
  }

  private async requestWithRetry(url: string, headers: Record<string, string>, label: string, signal: AbortSignal, logger: Logger): Promise<FetchedText> {
    const policy = this.options.requestRetry;
    for (let attempt = 1; ; attempt++) {
      await this.waitForToken(signal);
      let retryAfterMs: number | undefined;
      let failure: FinmonError;
      try {
        const response = await fetchText(url, { headers, signal, timeoutMs: this.options.requestTimeoutMs, sleep: this.sleep, label });
        if (response.status >= 200 && response.status < 300) return response;
        failure = new FinmonError(ErrorCodes.SOURCE_FAILED, `${label}: HTTP ${response.status}${statusHint(response.status)}`, 502, isRetryableStatus(response.status));
        if (response.retryAfterSeconds !== undefined) retryAfterMs = response.retryAfterSeconds * 1000;
      } catch (error) {
        if (signal.aborted) throw signal.reason;
        failure = error instanceof FinmonError ? error : new FinmonError(ErrorCodes.SOURCE_FAILED, `${label}: ${String(error)}`, 502, true);
      }
      if (!failure.retryable || attempt >= policy.attempts) throw failure;
      const backoff = backoffDelayMs(attempt, policy, this.random);
      const delay = Math.min(policy.maxDelayMs, Math.max(backoff, retryAfterMs ?? 0));
      logger.warn({ attempt, attempts: policy.attempts, delayMs: delay, err: failure.message }, 'market data request failed; retrying');
      await this.sleep(delay, signal);
      if (signal.aborted) throw signal.reason;
    }
  }

  private async waitForToken(signal: AbortSignal): Promise<void> {
    if (!this.bucket) return;
    for (;;) {
      const wait = this.bucket.take(this.clock.now());
      if (wait === 0) return;
      await this.sleep(wait, signal);
      if (signal.aborted) throw signal.reason;
    }
  }

  /** The URL as it may be shown: the query credential replaced by ***. */
  private masked(url: URL): string {
    const auth = this.options.auth;
    if (auth?.in !== 'query') return url.toString();
    const copy = new URL(url.toString());
    copy.searchParams.set(auth.name, '***');
    return copy.toString().replace('%2A%2A%2A', '***');
  }
}

function statusHint(status: number): string {
  if (status === 401 || status === 403) return ' (check the credential)';
  if (status === 404) return ' (check the URL and symbol)';
  if (status === 429) return ' (rate limited; lower rateLimit)';
  return '';
}
