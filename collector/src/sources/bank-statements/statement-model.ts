/**
 * What every bank statement parser (BAI2, MT940, MT942, camt.053, camt.052) produces: balances per
 * account and currency, and booked entries (transactions). Parsers are pure: text in, this out, or a
 * {@link StatementFormatError} naming the line or element that is wrong.
 */

export type StatementFormat = 'bai2' | 'mt940' | 'mt942' | 'camt.053' | 'camt.052';

export const STATEMENT_FORMATS: readonly StatementFormat[] = ['bai2', 'mt940', 'mt942', 'camt.053', 'camt.052'];

/**
 * The balance types the formats share (ISO 20022 names): booked = ledger, available = cleared funds.
 * BAI2 010/015/030 and 040/045/060, MT940 60/62/64/65 and camt OPBD/CLBD/ITBD/OPAV/CLAV/ITAV/FWAV map here.
 */
export type BalanceKind =
  | 'opening_booked'
  | 'closing_booked'
  | 'interim_booked'
  | 'opening_available'
  | 'closing_available'
  | 'interim_available'
  | 'forward_available';

export const BALANCE_KINDS: readonly BalanceKind[] = [
  'opening_booked',
  'closing_booked',
  'interim_booked',
  'opening_available',
  'closing_available',
  'interim_available',
  'forward_available',
];

/**
 * A point in time as a statement states it: a calendar date, optionally a wall-clock time, and the
 * UTC offset when the file gives one. Without an offset the time is read in the configured zone.
 */
export interface StatementInstant {
  /** YYYY-MM-DD. */
  readonly date: string;
  /** HH:MM:SS, when the file gives a time of day. */
  readonly time?: string;
  /** Minutes east of UTC, when the file gives an offset (camt `+01:00`, MT942 13D `+0100`). */
  readonly offsetMinutes?: number;
}

/** The account a balance or entry belongs to, as the file identifies it. */
export interface StatementAccount {
  /** IBAN, account number or BBAN exactly as in the file (trimmed). */
  readonly id: string;
  /** The servicing bank's identifier when the file names one (BIC, routing number, BAI2 originator). */
  readonly bankId?: string;
}

export interface StatementBalance {
  readonly account: StatementAccount;
  /** ISO 4217 code. */
  readonly currency: string;
  readonly kind: BalanceKind;
  /** Signed amount in major units (negative = overdrawn). */
  readonly amount: number;
  readonly at: StatementInstant;
  /** Where in the file it was read ("line 12", "Stmt[1]/Bal[2]"). */
  readonly location: string;
}

export interface StatementEntry {
  readonly account: StatementAccount;
  readonly currency: string;
  /** Signed amount in major units: credits (receipts) positive, debits (payments) negative. */
  readonly amount: number;
  /** The day the entry is booked on. */
  readonly bookingDate: string;
  readonly valueDate?: string;
  /** The account owner's reference (MT :61: customer reference, camt EndToEndId / NtryRef). */
  readonly reference?: string;
  /** The bank's own reference (MT `//` bank reference, camt AcctSvcrRef, BAI2 bank reference). */
  readonly bankReference?: string;
  /** Transaction type: BAI2 type code, SWIFT transaction type, camt bank transaction code. */
  readonly typeCode?: string;
  readonly description?: string;
  /** True for a reversal (MT RC/RD, camt RvslInd). The sign of `amount` already reflects it. */
  readonly reversal?: boolean;
  readonly location: string;
}

/** One parsed file. */
export interface ParsedStatementFile {
  readonly format: StatementFormat;
  /** Statements, reports or BAI2 accounts read. */
  readonly statements: number;
  readonly balances: StatementBalance[];
  /** Booked entries only; pending or informational entries are left out. */
  readonly entries: StatementEntry[];
}
