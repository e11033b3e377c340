import { z } from 'zod';
import { ErrorCodes, FinmonError } from '../../core/errors';
import {
  addBusinessDays,
  businessDayOnOrAfter,
  calendarDay,
  dayIndexOf,
  isBusinessDay,
  isPayrollDay,
  localTimeMs,
  nthBusinessDayOfMonth,
} from './calendar';
import { ACCOUNTS, BANK_ACCOUNTS, DEPARTMENTS, REGIONS, SERVICES } from './company-profile';
import type { AccountId, Department, Region, Service } from './company-profile';

/**
 * Injected incidents: what can go wrong in the demo company, when, and which KPIs should show it.
 * Specs (input, validated) resolve to `Incident` records (what alerting is scored against) and to
 * `IncidentEffects`, the per-day and per-instant adjustments the simulation applies.
 */

const HOUR = 3_600_000;

export type IncidentKind =
  | 'cash_drop'
  | 'revenue_shortfall'
  | 'expense_spike'
  | 'outage'
  | 'data_outage'
  | 'covenant_squeeze';

export type IncidentSeverity = 'warning' | 'critical';

/** A recorded incident: alerting is expected to fire on `kpis` (for `entity`) between `start` and `end`. */
export interface Incident {
  readonly id: string;
  readonly kind: IncidentKind;
  /** KPI ids expected to show the incident (direct and derived). */
  readonly kpis: readonly string[];
  /** Tags of the affected series ({} when the company as a whole is affected). */
  readonly entity: Readonly<Record<string, string>>;
  /** Epoch ms, inclusive. */
  readonly start: number;
  /** Epoch ms, exclusive. */
  readonly end: number;
  readonly expectedSeverity: IncidentSeverity;
  readonly description: string;
}

const startField = z.number().int().describe('epoch ms; day-based incidents start at the local midnight of that day');
const idField = z.string().min(1).optional();

export const incidentSpecSchema = z.discriminatedUnion('kind', [
  z
    .object({
      kind: z.literal('cash_drop'),
      id: idField,
      start: startField,
      /** Outflow from ops-usd; default: drains ops-usd down to $250k. */
      amountUsd: z.number().positive().optional(),
      recoveredFraction: z.number().min(0).max(1).default(0.7),
      recoveryBusinessDays: z.number().int().min(1).max(20).default(3),
    })
    .strict(),
  z
    .object({
      kind: z.literal('revenue_shortfall'),
      id: idField,
      start: startField,
      region: z.enum(REGIONS),
      days: z.number().int().min(1).max(90).default(10),
      depth: z.number().gt(0).max(0.95).default(0.4),
    })
    .strict(),
  z
    .object({
      kind: z.literal('expense_spike'),
      id: idField,
      start: startField,
      department: z.enum(DEPARTMENTS),
      days: z.number().int().min(1).max(60).default(7),
      factor: z.number().gt(1).max(20).default(3),
    })
    .strict(),
  z
    .object({
      kind: z.literal('outage'),
      id: idField,
      start: startField,
      service: z.enum(SERVICES),
      durationMs: z.number().int().min(300_000).max(72 * HOUR).default(2 * HOUR),
    })
    .strict(),
  z
    .object({
      kind: z.literal('data_outage'),
      id: idField,
      start: startField,
      account: z.enum(ACCOUNTS),
      durationMs: z.number().int().min(900_000).max(72 * HOUR).default(3 * HOUR),
    })
    .strict(),
  z
    .object({
      kind: z.literal('covenant_squeeze'),
      id: idField,
      start: startField,
      days: z.number().int().min(7).max(120).default(28),
      revolverDrawUsd: z.number().min(0).default(10_000_000),
      revenueDepth: z.number().min(0).max(0.9).default(0.3),
      hardwareCostOverrun: z.number().min(0).max(3).default(0.6),
      recoveryDays: z.number().int().min(2).max(120).default(21),
    })
    .strict(),
]);

/** An incident as configured (optional fields take the defaults shown in the schema). */
export type IncidentSpec = z.input<typeof incidentSpecSchema>;
type ParsedSpec = z.output<typeof incidentSpecSchema>;

interface CashDropEffect {
  readonly timeMs: number;
  readonly amountUsd: number | undefined;
  readonly recoveredFraction: number;
  readonly recoveryDay: number;
  readonly recoveryTimeMs: number;
}

interface RevolverEvent {
  readonly dayIndex: number;
  readonly timeMs: number;
  /** Positive = draw, negative = repayment. */
  readonly amountUsd: number;
}

interface Resolved {
  readonly incident: Incident;
  readonly spec: ParsedSpec;
  readonly firstDay: number;
  /** Exclusive. */
  readonly endDay: number;
  readonly cashDrop?: CashDropEffect;
  readonly revolver?: readonly RevolverEvent[];
}

/** Validates specs and resolves them into incident records and simulation effects. */
export function resolveIncidents(specs: readonly IncidentSpec[], historyStartMs: number): IncidentEffects {
  const resolved: Resolved[] = [];
  const ids = new Set<string>();
  specs.forEach((raw, i) => {
    const parsed = incidentSpecSchema.safeParse(raw);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const where = issue ? `${issue.path.join('.') || '(root)'}: ${issue.message}` : 'invalid';
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `demo-company incidents[${i}] ${where}`, 400);
    }
    const spec = parsed.data;
    if (spec.start < historyStartMs) {
      throw new FinmonError(
        ErrorCodes.CONFIG_INVALID,
        `demo-company incidents[${i}].start: ${new Date(spec.start).toISOString()} is before the simulated history starts (${new Date(historyStartMs).toISOString()})`,
        400,
      );
    }
    const r = resolveOne(spec, `${spec.kind}-${i + 1}`);
    if (ids.has(r.incident.id)) {
      throw new FinmonError(ErrorCodes.CONFIG_INVALID, `demo-company incidents[${i}].id: duplicate id "${r.incident.id}"`, 400);
    }
    ids.add(r.incident.id);
    resolved.push(r);
  });
  return new IncidentEffects(resolved);
}

function resolveOne(spec: ParsedSpec, defaultId: string): Resolved {
  const id = spec.id ?? defaultId;
  const firstDay = dayIndexOf(spec.start);
  const dayStart = calendarDay(firstDay).startMs;
  switch (spec.kind) {
    case 'cash_drop': {
      const recoveryDay = addBusinessDays(firstDay, spec.recoveryBusinessDays);
      const recoveryTimeMs = localTimeMs(calendarDay(recoveryDay), 11, 0);
      const amount = spec.amountUsd === undefined ? 'draining ops-usd to $250k' : `of $${Math.round(spec.amountUsd).toLocaleString('en-US')}`;
      return {
        spec,
        firstDay,
        endDay: recoveryDay + 1,
        cashDrop: { timeMs: spec.start, amountUsd: spec.amountUsd, recoveredFraction: spec.recoveredFraction, recoveryDay, recoveryTimeMs },
        incident: {
          id,
          kind: 'cash_drop',
          kpis: ['bank_balance', 'cash_position', 'net_cash_flow', 'burn_rate', 'runway_months', 'current_ratio'],
          entity: { account: 'ops-usd', bank: BANK_ACCOUNTS['ops-usd'].bank, currency: 'USD' },
          start: spec.start,
          end: recoveryTimeMs,
          expectedSeverity: 'critical',
          description: `Fraudulent wire ${amount} leaves ops-usd; treasury refills from reserve and revolver the next business day; ${Math.round(spec.recoveredFraction * 100)}% recalled after ${spec.recoveryBusinessDays} business days`,
        },
      };
    }
    case 'revenue_shortfall':
      return {
        spec,
        firstDay,
        endDay: firstDay + spec.days,
        incident: {
          id,
          kind: 'revenue_shortfall',
          kpis: ['revenue'],
          entity: { region: spec.region },
          start: dayStart,
          end: calendarDay(firstDay + spec.days).startMs,
          expectedSeverity: 'warning',
          description: `Revenue in ${spec.region} ${Math.round(spec.depth * 100)}% below normal for ${spec.days} days (lost deals, delayed renewals)`,
        },
      };
    case 'expense_spike':
      return {
        spec,
        firstDay,
        endDay: firstDay + spec.days,
        incident: {
          id,
          kind: 'expense_spike',
          kpis: ['expenses'],
          entity: { department: spec.department },
          start: dayStart,
          end: calendarDay(firstDay + spec.days).startMs,
          expectedSeverity: 'warning',
          description: `${spec.department} spend at ${spec.factor}x its normal daily level for ${spec.days} days (unplanned contractors and cloud overrun)`,
        },
      };
    case 'outage':
      return {
        spec,
        firstDay,
        endDay: dayIndexOf(spec.start + spec.durationMs - 1) + 1,
        incident: {
          id,
          kind: 'outage',
          kpis: ['platform_uptime', 'response_time_p95'],
          entity: { service: spec.service },
          start: spec.start,
          end: spec.start + spec.durationMs,
          expectedSeverity: 'critical',
          description: `${spec.service} outage: uptime collapses and p95 latency soars for ${Math.round(spec.durationMs / 60_000)} minutes`,
        },
      };
    case 'data_outage': {
      const account = BANK_ACCOUNTS[spec.account];
      return {
        spec,
        firstDay,
        endDay: dayIndexOf(spec.start + spec.durationMs - 1) + 1,
        incident: {
          id,
          kind: 'data_outage',
          kpis: ['bank_balance', 'cash_position'],
          entity: { account: account.id, bank: account.bank, currency: account.currency },
          start: spec.start,
          end: spec.start + spec.durationMs,
          expectedSeverity: 'warning',
          description: `Bank feed of ${account.id} (${account.bank}) stops reporting for ${Math.round(spec.durationMs / 60_000)} minutes`,
        },
      };
    }
    case 'covenant_squeeze': {
      const events: RevolverEvent[] = [];
      const third = spec.revolverDrawUsd / 3;
      for (const k of [1, 2, 3]) {
        const d = businessDayOnOrAfter(firstDay + Math.round((spec.days * k) / 4));
        events.push({ dayIndex: d, timeMs: localTimeMs(calendarDay(d), 10, 0), amountUsd: third });
      }
      const repay1 = businessDayOnOrAfter(firstDay + spec.days + Math.floor(spec.recoveryDays / 2));
      const repay2Day = businessDayOnOrAfter(Math.max(repay1 + 1, firstDay + spec.days + spec.recoveryDays));
      for (const d of [repay1, repay2Day]) {
        events.push({ dayIndex: d, timeMs: localTimeMs(calendarDay(d), 10, 0), amountUsd: -spec.revolverDrawUsd / 2 });
      }
      return {
        spec,
        firstDay,
        endDay: repay2Day + 1,
        revolver: events,
        incident: {
          id,
          kind: 'covenant_squeeze',
          kpis: ['ebitda', 'revenue', 'total_debt', 'debt_to_ebitda', 'interest_coverage'],
          entity: {},
          start: dayStart,
          end: calendarDay(repay2Day + 1).startMs,
          expectedSeverity: 'critical',
          description: `Covenant squeeze: revenue ${Math.round(spec.revenueDepth * 100)}% soft and hardware costs +${Math.round(spec.hardwareCostOverrun * 100)}% for ${spec.days} days while $${Math.round(spec.revolverDrawUsd / 1e6)}M is drawn on the revolver; debt_to_ebitda rises above 3.5, then recovers as the revolver is repaid`,
        },
      };
    }
  }
}

/** The adjustments incidents make to the simulation, looked up by day or instant. */
export class IncidentEffects {
  readonly records: readonly Incident[];

  constructor(private readonly resolved: readonly Resolved[]) {
    this.records = Object.freeze(resolved.map((r) => Object.freeze({ ...r.incident })));
  }

  private activeOn(dayIndex: number): Resolved[] {
    return this.resolved.filter((r) => dayIndex >= r.firstDay && dayIndex < r.endDay);
  }

  /** Multiplier on a region's revenue that day (1 = unaffected). */
  revenueFactor(dayIndex: number, region: Region): number {
    let f = 1;
    for (const r of this.activeOn(dayIndex)) {
      const s = r.spec;
      if (s.kind === 'revenue_shortfall' && s.region === region) f *= 1 - s.depth;
      if (s.kind === 'covenant_squeeze' && dayIndex < r.firstDay + s.days) f *= 1 - s.revenueDepth;
    }
    return f;
  }

  /** Multiplier on hardware COGS per unit of revenue that day. */
  hardwareCogsFactor(dayIndex: number): number {
    let f = 1;
    for (const r of this.activeOn(dayIndex)) {
      const s = r.spec;
      if (s.kind === 'covenant_squeeze' && dayIndex < r.firstDay + s.days) f *= 1 + s.hardwareCostOverrun;
    }
    return f;
  }

  /** Multiplier on hiring (a hiring freeze during a covenant squeeze). */
  hiringFactor(dayIndex: number): number {
    return this.activeOn(dayIndex).some((r) => r.spec.kind === 'covenant_squeeze') ? 0.25 : 1;
  }

  /** Multiplier on a department's normal daily spend that day (1 = unaffected). */
  expenseFactor(dayIndex: number, department: Department): number {
    let f = 1;
    for (const r of this.activeOn(dayIndex)) {
      if (r.spec.kind === 'expense_spike' && r.spec.department === department) f *= r.spec.factor;
    }
    return f;
  }

  /** Cash drops occurring that day. */
  cashDrops(dayIndex: number): CashDropEffect[] {
    return this.resolved.filter((r) => r.cashDrop && r.firstDay === dayIndex).map((r) => r.cashDrop as CashDropEffect);
  }

  /** Incident-driven revolver draws (+) and repayments (−) that day. */
  revolverEvents(dayIndex: number): RevolverEvent[] {
    return this.resolved.flatMap((r) => (r.revolver ?? []).filter((e) => e.dayIndex === dayIndex));
  }

  /** Revolver balance held by incidents after the day's events (the treasury never repays below it). */
  revolverHeld(dayIndex: number): number {
    let held = 0;
    for (const r of this.resolved) for (const e of r.revolver ?? []) if (e.dayIndex <= dayIndex) held += e.amountUsd;
    return Math.max(0, held);
  }

  /** True while `service` is in an injected outage. */
  serviceDown(service: Service, timeMs: number): boolean {
    return this.resolved.some(
      (r) => r.spec.kind === 'outage' && r.spec.service === service && timeMs >= r.incident.start && timeMs < r.incident.end,
    );
  }

  /** True while the bank feed of `account` is not reporting. */
  feedDown(account: AccountId, timeMs: number): boolean {
    return this.resolved.some(
      (r) => r.spec.kind === 'data_outage' && r.spec.account === account && timeMs >= r.incident.start && timeMs < r.incident.end,
    );
  }

  /** True when any incident touches the day (used to skip per-slot checks on quiet days). */
  touches(dayIndex: number): boolean {
    return this.activeOn(dayIndex).length > 0;
  }
}

/**
 * The default incident set, spread over the first simulated year and placed relative to `anchorMs`
 * (normally the history start): revenue shortfall (day ~55), expense spike (~108), API outage
 * (~150), bank-feed outage (~185), cash drop (~228) and covenant squeeze (~300–350).
 */
export function defaultIncidentSpecs(anchorMs: number): IncidentSpec[] {
  const d0 = dayIndexOf(anchorMs);
  const weekdayOnOrAfter = (index: number, weekday: number): number => {
    let d = index;
    while (calendarDay(d).weekday !== weekday || !isBusinessDay(d)) d++;
    return d;
  };
  const at = (index: number, hour: number, minute = 0): number => localTimeMs(calendarDay(index), hour, minute);
  let dropDay = businessDayOnOrAfter(d0 + 228);
  const quiet = (d: number): boolean => {
    const { year, month } = calendarDay(d);
    const funding = isPayrollDay(businessDayOnOrAfter(d + 1));
    return !isPayrollDay(d) && !funding && d > nthBusinessDayOfMonth(year, month, 2) && calendarDay(d).weekday <= 3;
  };
  while (!quiet(dropDay)) dropDay = businessDayOnOrAfter(dropDay + 1);
  return [
    { kind: 'revenue_shortfall', id: 'revenue-shortfall-emea', start: calendarDay(d0 + 55).startMs, region: 'emea', days: 10, depth: 0.4 },
    { kind: 'expense_spike', id: 'expense-spike-engineering', start: calendarDay(d0 + 108).startMs, department: 'engineering', days: 7, factor: 3 },
    { kind: 'outage', id: 'outage-api', start: at(weekdayOnOrAfter(d0 + 150, 2), 14, 0), service: 'api', durationMs: 2 * HOUR },
    { kind: 'data_outage', id: 'feed-outage-ops-eur', start: at(weekdayOnOrAfter(d0 + 185, 3), 10, 0), account: 'ops-eur', durationMs: 3 * HOUR },
    // Sized so cash_position falls below the $4M critical level a year into the simulation.
    { kind: 'cash_drop', id: 'cash-drop-ops-usd', start: at(dropDay, 10, 40), amountUsd: 11_500_000, recoveredFraction: 0.7, recoveryBusinessDays: 3 },
    // Sized so the full 365-day debt_to_ebitda breaches the 3.5 covenant (peaks near 4.9).
    { kind: 'covenant_squeeze', id: 'covenant-squeeze', start: calendarDay(d0 + 300).startMs, days: 42, revolverDrawUsd: 26_000_000, revenueDepth: 0.5, recoveryDays: 21 },
  ];
}
