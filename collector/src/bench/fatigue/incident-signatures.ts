import type { Incident as DemoIncident, IncidentKind } from '../../sources/demo-company';

/**
 * Which alerts count as showing an injected demo incident: an alert of a KPI the incident's kind
 * affects, on a series compatible with the incident's entity, raised between the incident's start
 * and its end plus that KPI's grace period.
 *
 * The grace period is how long the KPI's data still shows the incident after it ended: a few
 * minutes for platform health, a day or two for balances, and a month for KPIs read through
 * 30-day windows (burn rate, runway, gross margin) or month-to-date variance rules (revenue,
 * expenses, EBITDA: the month's projection stays short until the month ends).
 */

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

/** How a KPI shows an incident. */
export interface SignatureEntry {
  /** Ms after the incident's end during which the KPI's alerts still count. */
  readonly graceMs: number;
  /** Alerts of every series count, not only those of the incident's entity (money moved between accounts). */
  readonly anySeries?: boolean;
}

/** KPI id → how it shows the incident. */
export type IncidentSignature = Readonly<Record<string, SignatureEntry>>;

const within = (graceMs: number): SignatureEntry => ({ graceMs });

/**
 * Per incident kind, the KPIs that show it (the demo's own `incident.kpis` plus the KPIs derived
 * from them or moved by the same simulated cause), each with its grace period.
 */
export const INCIDENT_SIGNATURES: Readonly<Record<IncidentKind, IncidentSignature>> = {
  // A wire drains ops-usd: balances at once (treasury refills ops-usd from the reserve account the
  // next business day, so every account's balance counts), the day's net cash flow, the 30-day
  // burn rate and the runway computed from it for the next 30 days, the current ratio.
  cash_drop: {
    bank_balance: { graceMs: DAY, anySeries: true },
    cash_position: within(DAY),
    net_cash_flow: within(2 * DAY),
    burn_rate: within(31 * DAY),
    runway_months: within(31 * DAY),
    current_ratio: within(2 * DAY),
    cash_forecast_13w: within(7 * DAY),
  },
  // A region sells less: revenue (week and month-to-date variance, anomaly), EBITDA, and the
  // ratios computed from revenue windows.
  revenue_shortfall: {
    revenue: within(31 * DAY),
    ebitda: within(31 * DAY),
    gross_margin: within(31 * DAY),
    dso: within(31 * DAY),
    revenue_per_employee: within(31 * DAY),
  },
  // A department overspends: expenses vs budget (week, month to date), EBITDA, cash going out.
  expense_spike: {
    expenses: within(31 * DAY),
    ebitda: within(31 * DAY),
    net_cash_flow: within(7 * DAY),
    burn_rate: within(31 * DAY),
    runway_months: within(31 * DAY),
  },
  // A service goes down: uptime and latency of that service.
  outage: {
    platform_uptime: within(HOUR),
    response_time_p95: within(HOUR),
  },
  // A bank feed stops: the account's balance goes silent (no-data alert), the cash position built
  // from it, and the feed's source-failure alert if a scheduler reports one.
  data_outage: {
    bank_balance: within(HOUR),
    cash_position: within(HOUR),
    'source:bank': within(HOUR),
  },
  // Revenue soft, hardware costs up, revolver drawn and repaid (the repayments come out of ops-usd):
  // the covenants and everything feeding them, and the balances the revolver moves.
  covenant_squeeze: {
    bank_balance: within(DAY),
    cash_position: within(DAY),
    ebitda: within(31 * DAY),
    revenue: within(31 * DAY),
    cogs: within(31 * DAY),
    gross_margin: within(31 * DAY),
    total_debt: within(31 * DAY),
    interest_expense: within(31 * DAY),
    debt_to_ebitda: within(31 * DAY),
    interest_coverage: within(31 * DAY),
    current_ratio: within(31 * DAY),
    burn_rate: within(31 * DAY),
    runway_months: within(31 * DAY),
    dso: within(31 * DAY),
    revenue_per_employee: within(31 * DAY),
  },
};

/** What attribution needs of an alert. */
export interface AlertRef {
  readonly kpi: string;
  readonly series: Readonly<Record<string, string>>;
}

/**
 * Whether an alert raised (or notified) at `at` shows `incident`: its KPI is in the kind's
 * signature, `at` lies in [start, end + grace), and every entity tag the alert's series carries
 * has the incident's value (a company-wide alert, without the tag, matches any entity; with
 * `anySeries`, every series matches).
 */
export function alertShowsIncident(
  alert: AlertRef,
  at: number,
  incident: DemoIncident,
  signatures: Readonly<Record<IncidentKind, IncidentSignature>> = INCIDENT_SIGNATURES,
): boolean {
  const entry = signatures[incident.kind][alert.kpi];
  if (entry === undefined) return false;
  if (at < incident.start || at >= incident.end + entry.graceMs) return false;
  if (entry.anySeries) return true;
  for (const [name, value] of Object.entries(incident.entity)) {
    const own = alert.series[name];
    if (own !== undefined && own !== value) return false;
  }
  return true;
}

/** The demo's severity for an incident kind's records: which kinds the goal requires to be detected. */
export function isCriticalIncident(incident: DemoIncident): boolean {
  return incident.expectedSeverity === 'critical';
}
