/**
 * One base class for the collector's errors: a stable code (never reused), the HTTP status an API
 * answers with, and whether retrying may succeed.
 */
export class FinmonError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly httpStatus: number = 500,
    readonly retryable: boolean = false,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'FinmonError';
  }
}

/**
 * The registry of error codes. Add new codes at the end; never rename or reuse one.
 */
export const ErrorCodes = {
  CONFIG_INVALID: 'FINMON_CONFIG_INVALID',
  CONFIG_UNREADABLE: 'FINMON_CONFIG_UNREADABLE',
  INGEST_BODY_TOO_LARGE: 'FINMON_INGEST_BODY_TOO_LARGE',
  INGEST_MALFORMED: 'FINMON_INGEST_MALFORMED',
  INGEST_ALL_REJECTED: 'FINMON_INGEST_ALL_REJECTED',
  AUTH_MISSING: 'FINMON_AUTH_MISSING',
  AUTH_INVALID: 'FINMON_AUTH_INVALID',
  AUTH_FORBIDDEN: 'FINMON_AUTH_FORBIDDEN',
  STORAGE_UNAVAILABLE: 'FINMON_STORAGE_UNAVAILABLE',
  STORAGE_REJECTED: 'FINMON_STORAGE_REJECTED',
  SPOOL_CORRUPT: 'FINMON_SPOOL_CORRUPT',
  FORMULA_INVALID: 'FINMON_FORMULA_INVALID',
  SOURCE_FAILED: 'FINMON_SOURCE_FAILED',
  INFLUXD_MISSING: 'FINMON_INFLUXD_MISSING',
  INFLUXD_START_FAILED: 'FINMON_INFLUXD_START_FAILED',
  NOT_FOUND: 'FINMON_NOT_FOUND',
  INTERNAL: 'FINMON_INTERNAL',
  NOT_READY: 'FINMON_NOT_READY',
  REQUEST_INVALID: 'FINMON_REQUEST_INVALID',
  ANALYTICS_INPUT_INVALID: 'FINMON_ANALYTICS_INPUT_INVALID',
} as const;

export type ErrorCode = (typeof ErrorCodes)[keyof typeof ErrorCodes];
