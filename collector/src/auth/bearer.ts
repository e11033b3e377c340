import { ErrorCodes, FinmonError } from '../core/errors';

/**
 * Extracts the token from an `Authorization: Bearer <token>` header value (scheme case-insensitive,
 * surrounding spaces ignored, RFC 6750 §2.1).
 * @throws FinmonError AUTH_MISSING (401) when the header is absent, uses another scheme or carries
 *   no token; the message says what was expected and never repeats the header's value.
 */
export function parseBearer(headerValue: string | readonly string[] | undefined): string {
  if (headerValue === undefined || (typeof headerValue === 'string' && headerValue.trim() === '')) {
    throw missing('no Authorization header; send "Authorization: Bearer <token>"');
  }
  if (typeof headerValue !== 'string') {
    throw missing('more than one Authorization header; send exactly one "Authorization: Bearer <token>"');
  }
  const match = /^\s*(\S+)(?:\s+(.*?))?\s*$/.exec(headerValue);
  const scheme = match?.[1] ?? '';
  const token = match?.[2] ?? '';
  if (scheme.toLowerCase() !== 'bearer') {
    // The scheme is not echoed: a client that sends a bare token would see it in the message.
    throw missing('Authorization header must use the Bearer scheme: "Bearer <token>"');
  }
  if (token === '' || /\s/.test(token)) {
    throw missing('Authorization header must be "Bearer <token>" with one token and no spaces in it');
  }
  return token;
}

function missing(message: string): FinmonError {
  return new FinmonError(ErrorCodes.AUTH_MISSING, message, 401);
}
