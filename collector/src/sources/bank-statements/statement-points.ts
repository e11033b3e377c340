import { createHash } from 'node:crypto';
import { DateTime } from 'luxon';
import { pointAt, seriesKey, type Point } from '../../core/point';
import { toMinorUnits } from './money';
import type { BalanceKind, StatementAccount, StatementBalance, StatementEntry, StatementInstant } from './statement-model';

/**
 * Parsed statements → KPI points. Pure: no I/O, no clock.
 *
 * Balances of the configured kinds (default closing and interim booked) become points of the
 * balance KPI (`bank_balance`) tagged account, bank and currency — as many of these as the KPI
 * declares as dimensions — at the balance's time (an opening balance at 00:00, a closing one at
 * 23:59:59 of its date, in the configured zone unless the file gives an offset).
 *
 * Entries become points of the cash-flow KPI, when one is configured: one point per entry, value
 * = its signed amount in the account currency, at 12:00 of its booking date (in the zone) plus
 * `seq` milliseconds, `seq` being the entry's number among the entries of its series and day.
 * Distinct times keep every entry (InfluxDB keeps one value per series and time) while the point
 * stays on its booking day; a flow KPI then sums them per day.
 */

export interface KpiTarget {
  readonly id: string;
  readonly dimensions: readonly string[];
}

/** Names an account of a file in finmon: account id as in the file → account and bank tags. */
export interface AccountMapping {
  /** Account identifier as the file gives it (IBAN, account number); spaces and case are ignored. */
  readonly id: string;
  readonly account: string;
  readonly bank?: string;
}

export interface StatementPointOptions {
  readonly balanceKpi: KpiTarget;
  readonly balanceKinds: readonly BalanceKind[];
  readonly cashFlowKpi?: KpiTarget;
  readonly accounts: readonly AccountMapping[];
  /** Bank tag for accounts neither mapped nor named by the file. */
  readonly defaultBank: string;
  /** IANA zone for times given without an offset. */
  readonly timezone: string;
}

/** The account, bank and currency tags of a balance or entry (before restricting to a KPI's dimensions). */
export function statementTags(account: StatementAccount, currency: string, options: StatementPointOptions): Record<string, string> {
  const mapped = options.accounts.find((a) => normalizeAccountId(a.id) === normalizeAccountId(account.id));
  return {
    account: tagValue(mapped?.account ?? account.id),
    bank: tagValue(mapped?.bank ?? account.bankId ?? options.defaultBank),
    currency,
  };
}

/** Epoch ms of a statement instant: its offset when given, else the wall time in `zone`. */
export function instantMs(at: StatementInstant, zone: string, defaultTime = '23:59:59'): number {
  const time = at.time ?? defaultTime;
  if (at.offsetMinutes !== undefined) return Date.parse(`${at.date}T${time}Z`) - at.offsetMinutes * 60_000;
  const local = DateTime.fromISO(`${at.date}T${time}`, { zone });
  if (!local.isValid) throw new Error(`instantMs: ${at.date}T${time} in ${zone}: ${local.invalidExplanation ?? 'invalid'}`);
  return local.toMillis();
}

/** Points of the balance KPI for the balances of the configured kinds. */
export function balancePoints(balances: readonly StatementBalance[], options: StatementPointOptions): Point[] {
  const kinds = new Set(options.balanceKinds);
  const points: Point[] = [];
  for (const balance of balances) {
    if (!kinds.has(balance.kind)) continue;
    const tags = restrict(statementTags(balance.account, balance.currency, options), options.balanceKpi.dimensions);
    points.push(pointAt(options.balanceKpi.id, tags, balance.amount, instantMs(balance.at, options.timezone)));
  }
  return points;
}

/** An entry with its idempotency key and the series-day it counts in. */
export interface KeyedEntry {
  readonly entry: StatementEntry;
  /** SHA-256 hex of the entry's identity (see {@link keyEntries}). */
  readonly key: string;
  /** The cash-flow KPI series the entry's point belongs to (entries are numbered per series and day). */
  readonly series: string;
}

/**
 * Gives every entry a key that is the same whenever the bank reports the same entry again — in
 * a re-sent file, or intraday (MT942, camt.052) and again at the end of the day (MT940, camt.053):
 * account as in the file, currency, booking date, amount in minor units, the bank's reference when
 * there is one (else the owner's reference), and the entry's occurrence number among identical
 * entries of this file (two equal fees on one day are two entries).
 */
export function keyEntries(entries: readonly StatementEntry[], options: StatementPointOptions): KeyedEntry[] {
  const seen = new Map<string, number>();
  return entries.map((entry) => {
    const identity = [
      normalizeAccountId(entry.account.id),
      entry.currency,
      entry.bookingDate,
      toMinorUnits(entry.amount, entry.currency),
      entry.bankReference !== undefined ? `b:${entry.bankReference}` : `r:${entry.reference ?? ''}`,
    ].join('\u001f');
    const occurrence = (seen.get(identity) ?? 0) + 1;
    seen.set(identity, occurrence);
    const key = createHash('sha256').update(`${identity}\u001f${occurrence}`).digest('hex');
    const tags = statementTags(entry.account, entry.currency, options);
    const kpi = options.cashFlowKpi;
    const series = kpi ? seriesKey(kpi.id, restrict(tags, kpi.dimensions)) : seriesKey('cash_flow', { account: tags.account!, currency: entry.currency });
    return { entry, key, series };
  });
}

/** Points of the cash-flow KPI, one per entry, `seq` being its number in its series and day. */
export function cashFlowPoints(entries: readonly { entry: StatementEntry; seq: number }[], options: StatementPointOptions): Point[] {
  const kpi = options.cashFlowKpi;
  if (kpi === undefined) return [];
  const noon = new Map<string, number>();
  return entries.map(({ entry, seq }) => {
    const tags = restrict(statementTags(entry.account, entry.currency, options), kpi.dimensions);
    let at = noon.get(entry.bookingDate);
    if (at === undefined) {
      at = instantMs({ date: entry.bookingDate, time: '12:00:00' }, options.timezone);
      noon.set(entry.bookingDate, at);
    }
    return pointAt(kpi.id, tags, entry.amount, at + seq);
  });
}

function restrict(tags: Record<string, string>, dimensions: readonly string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const dimension of dimensions) {
    const value = tags[dimension];
    if (value !== undefined) out[dimension] = value;
  }
  return out;
}

/** IBANs are written with or without spaces, upper or lower case. */
export function normalizeAccountId(id: string): string {
  return id.replace(/\s+/g, '').toUpperCase();
}

/** A tag value line protocol can carry: no line breaks, no trailing backslash, at most 256 characters. */
function tagValue(text: string): string {
  const cleaned = text.replace(/[\r\n\t]+/g, ' ').trim().replace(/\\+$/, '').slice(0, 256);
  return cleaned === '' ? 'unknown' : cleaned;
}
