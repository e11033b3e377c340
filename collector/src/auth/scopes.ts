import { ErrorCodes, FinmonError } from '../core/errors';

/**
 * What an API token may do: `ingest` sends data, `read` reads KPIs, alerts and the feed, `respond`
 * acknowledges, resolves and silences alerts (the Grafana app's token), `admin` implies all.
 */
export const SCOPES = ['ingest', 'read', 'respond', 'admin'] as const;
export type Scope = (typeof SCOPES)[number];

/** Whether `value` names a scope. */
export function isScope(value: string): value is Scope {
  return (SCOPES as readonly string[]).includes(value);
}

/** Whether a token holding `held` may act with `required` (admin grants everything). */
export function grantsScope(held: readonly Scope[], required: Scope): boolean {
  return held.includes('admin') || held.includes(required);
}

/**
 * Validates requested scopes and returns them deduplicated in canonical order (`SCOPES` order).
 * @throws FinmonError REQUEST_INVALID (HTTP 400) for an empty list or an unknown scope, naming it.
 */
export function normalizeScopes(scopes: readonly string[]): Scope[] {
  if (scopes.length === 0) {
    throw new FinmonError(ErrorCodes.REQUEST_INVALID, `token scopes: at least one of ${SCOPES.join(', ')} is required`, 400);
  }
  for (const scope of scopes) {
    if (!isScope(scope)) {
      throw new FinmonError(
        ErrorCodes.REQUEST_INVALID,
        `token scopes: unknown scope "${scope}" (expected one of ${SCOPES.join(', ')})`,
        400,
      );
    }
  }
  return SCOPES.filter((s) => scopes.includes(s));
}
