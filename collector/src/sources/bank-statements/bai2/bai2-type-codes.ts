import type { BalanceKind } from '../statement-model';

/**
 * BAI2 type codes (Cash Management Balance Reporting Specifications, version 2):
 * 001–099 account status (balances, float), 100 total credits, 101–399 credit summary and detail,
 * 400 total debits, 401–699 debit summary and detail, 700–899 not used by BAI (banks put loan and
 * non-monetary information there, e.g. 890), 900–919 custom status, 920–959 custom credits,
 * 960–999 custom debits.
 */
export type Bai2TypeClass = 'status' | 'credit' | 'debit' | 'other';

/** The class of a three-digit type code, or undefined when it is not three digits. */
export function bai2TypeClass(code: string): Bai2TypeClass | undefined {
  if (!/^[0-9]{3}$/.test(code)) return undefined;
  const n = Number(code);
  if (n >= 1 && n <= 99) return 'status';
  if (n >= 100 && n <= 399) return 'credit';
  if (n >= 400 && n <= 699) return 'debit';
  if (n >= 900 && n <= 919) return 'status';
  if (n >= 920 && n <= 959) return 'credit';
  if (n >= 960 && n <= 999) return 'debit';
  return n === 0 ? undefined : 'other';
}

/** Totals that summarise detail records (100 total credits, 400 total debits); never entries. */
export function isBai2Total(code: string): boolean {
  return code === '100' || code === '400';
}

/**
 * The status codes finmon reads as balances: 010 opening ledger, 015 closing ledger, 030 current
 * ledger, 040 opening available, 045 closing available, 060 current available. Averages, float
 * and the other status codes are not balances of the day and are ignored.
 */
export const BAI2_BALANCE_CODES: Readonly<Record<string, BalanceKind>> = Object.freeze({
  '010': 'opening_booked',
  '015': 'closing_booked',
  '030': 'interim_booked',
  '040': 'opening_available',
  '045': 'closing_available',
  '060': 'interim_available',
});
