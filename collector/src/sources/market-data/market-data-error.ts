import { ErrorCodes, FinmonError } from '../../core/errors';

/**
 * A market data response finmon cannot read (malformed XML, a missing field, a value that is no
 * number). Not retryable: the same response fails the same way. Says which provider and where.
 */
export class MarketDataError extends FinmonError {
  constructor(message: string, options?: { cause?: unknown }) {
    super(ErrorCodes.MARKET_DATA_MALFORMED, message, 502, false, options);
    this.name = 'MarketDataError';
  }
}
