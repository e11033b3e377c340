import { Parser, type Mt940Statement, type Mt940Transaction } from 'mt940js';
import { TagFactory } from 'mt940js/lib/tags';
import { dateFromYymmdd, nearestDateForMmdd } from '../statement-dates';
import { StatementFormatError } from '../statement-error';
import type { ParsedStatementFile, StatementAccount, StatementBalance, StatementEntry } from '../statement-model';
import { splitAccountIdentification, splitSwiftMessages, type SwiftMessage, type SwiftTag } from './swift-messages';

/**
 * SWIFT MT940 (customer statement, end of day) → balances and booked entries, read with mt940js.
 * finmon splits the file into messages itself (keeping line numbers) and hands mt940js one message
 * at a time; mt940js checks the mandatory tags (20, 25, 28C, 60, 62), one currency throughout and
 * opening balance + entries = closing balance. When it refuses a message, the tag at fault is
 * found again to name its line.
 *
 * Balances: 60F/60M opening booked, 62F/62M closing booked, 64 closing available, 65 forward
 * available (only when present). Entries (61 + 86): signed (credit +, debit −, reversals flipped),
 * booked on the entry date when given (its year taken nearest the value date), else the value date.
 * Amounts are rounded to cents by mt940js. Throws {@link StatementFormatError}. O(length).
 */
export function parseMt940(text: string): ParsedStatementFile {
  const messages = splitSwiftMessages(text, 'mt940');
  const balances: StatementBalance[] = [];
  const entries: StatementEntry[] = [];
  const parser = new Parser();
  for (const message of messages) {
    const statement = parseMessage(parser, message);
    const tag25 = message.tags.find((t) => t.id === '25')!;
    const { id, bic } = splitAccountIdentification(statement.accountIdentification);
    if (id === '') fail(tag25.line, 'field 25 (account identification) is empty');
    const bankId = bic ?? message.senderBic;
    const account: StatementAccount = bankId === undefined ? { id } : { id, bankId };
    const currency = statement.currency;
    const tagLine = (prefix: string) => message.tags.find((t) => t.id.startsWith(prefix))?.line ?? message.line;
    const has = (prefix: string) => message.tags.some((t) => t.id.startsWith(prefix));

    balances.push({
      account,
      currency,
      kind: 'opening_booked',
      amount: statement.openingBalance,
      at: { date: isoOf(statement.openingBalanceDate), time: '00:00:00' },
      location: `line ${tagLine('60')}`,
    });
    balances.push({
      account,
      currency,
      kind: 'closing_booked',
      amount: statement.closingBalance,
      at: { date: isoOf(statement.closingBalanceDate), time: '23:59:59' },
      location: `line ${tagLine('62')}`,
    });
    if (has('64')) {
      balances.push({
        account,
        currency,
        kind: 'closing_available',
        amount: statement.closingAvailableBalance,
        at: { date: isoOf(statement.closingAvailableBalanceDate), time: '23:59:59' },
        location: `line ${tagLine('64')}`,
      });
    }
    if (has('65')) {
      balances.push({
        account,
        currency,
        kind: 'forward_available',
        amount: statement.forwardAvailableBalance,
        at: { date: isoOf(statement.forwardAvailableBalanceDate), time: '23:59:59' },
        location: `line ${tagLine('65')}`,
      });
    }
    const lines61 = message.tags.filter((t) => t.id === '61');
    statement.transactions.forEach((t, i) => entries.push(entryOf(t, account, currency, lines61[i]?.line ?? message.line)));
  }
  return { format: 'mt940', statements: messages.length, balances, entries };
}

function parseMessage(parser: Parser, message: SwiftMessage): Mt940Statement {
  checkDates(message, 'mt940');
  const body = message.tags.map((t) => `:${t.id}:${t.value}`).join('\n');
  let statements: Mt940Statement[];
  try {
    statements = parser.parse(body);
  } catch (error) {
    throw diagnose(message, error instanceof Error ? error.message : String(error));
  }
  if (statements.length !== 1) fail(message.line, `expected one statement in the message, found ${statements.length}`);
  return statements[0]!;
}

/** Turns an mt940js error into one naming the line of the tag at fault. */
function diagnose(message: SwiftMessage, reason: string): StatementFormatError {
  const factory = new TagFactory();
  for (const tag of message.tags) {
    const [, id = '', sub = ''] = /^([0-9]{2}|NS)([A-Z]?)$/.exec(tag.id) ?? [];
    try {
      factory.createTag(id, sub, tag.value);
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (/^Unknown tag/.test(why)) return located(tag, `tag :${tag.id}: is not part of an MT940 statement`);
      return located(tag, `tag :${tag.id}: cannot be read: ${JSON.stringify(tag.value.slice(0, 60))}`);
    }
  }
  const missing = /Mandatory tag (\S+) is missing/.exec(reason);
  if (missing) return new StatementFormatError('mt940', `line ${message.line}`, `the statement starting here has no mandatory tag :${missing[1]}:`);
  const closing = message.tags.find((t) => t.id.startsWith('62'));
  if (/Sum of lines/.test(reason) && closing) {
    return located(closing, `opening balance plus the entries does not give the closing balance (${reason.replace(/ in group \d+$/, '')})`);
  }
  if (/Currency markers/.test(reason)) {
    const balanceTags = message.tags.filter((t) => /^6[0245]/.test(t.id));
    const currencyOf = (t: SwiftTag) => t.value.slice(7, 10);
    const odd = balanceTags.find((t) => currencyOf(t) !== currencyOf(balanceTags[0]!));
    if (odd) return located(odd, `balance currency ${currencyOf(odd)} differs from ${currencyOf(balanceTags[0]!)} of the opening balance`);
  }
  return new StatementFormatError('mt940', `line ${message.line}`, reason);
}

function entryOf(t: Mt940Transaction, account: StatementAccount, currency: string, line: number): StatementEntry {
  const valueDate = isoOf(t.date);
  const bookingDate =
    t.entryDate instanceof Date ? (nearestDateForMmdd(isoOf(t.entryDate).slice(5).replace('-', ''), valueDate) ?? valueDate) : valueDate;
  const reference = t.reference.trim();
  const description = t.details.replace(/\n/g, ' ').trim();
  return {
    account,
    currency,
    amount: t.amount,
    bookingDate,
    valueDate,
    ...(reference !== '' && reference !== 'NONREF' ? { reference } : {}),
    ...(t.bankReference.trim() !== '' ? { bankReference: t.bankReference.trim() } : {}),
    typeCode: t.transactionType,
    ...(description !== '' ? { description } : {}),
    ...(t.isReversal ? { reversal: true } : {}),
    location: `line ${line}`,
  };
}

/** YYYY-MM-DD of an mt940js date; mt940js reads every two-digit year as 20yy, SWIFT's century slides (80–99 → 19yy). */
export function isoOf(date: Date): string {
  const iso = date.toISOString().slice(0, 10);
  const year = Number(iso.slice(0, 4));
  return year >= 2080 ? `${year - 100}${iso.slice(4)}` : iso;
}

function located(tag: SwiftTag, problem: string): StatementFormatError {
  return new StatementFormatError('mt940', `line ${tag.line}`, problem);
}

function fail(line: number, problem: string): never {
  throw new StatementFormatError('mt940', `line ${line}`, problem);
}

/**
 * mt940js turns an impossible date (31 April) into another day without a word; these checks name
 * the tag instead: balances (60, 62, 64, 65) and entries (61, value date and optional entry date).
 */
export function checkDates(message: SwiftMessage, format: 'mt940' | 'mt942'): void {
  for (const tag of message.tags) {
    let date: string | undefined;
    let entryDate: string | undefined;
    if (/^6[0245]/.test(tag.id)) date = /^[DC]([0-9]{6})/.exec(tag.value)?.[1];
    else if (tag.id === '61') {
      const m = /^([0-9]{6})([0-9]{4})?/.exec(tag.value);
      date = m?.[1];
      entryDate = m?.[2];
    } else continue;
    if (date === undefined) continue; // the format check reports it
    const iso = dateFromYymmdd(date);
    if (iso === undefined) throw new StatementFormatError(format, `line ${tag.line}`, `tag :${tag.id}: date ${date} is not a valid YYMMDD date`);
    if (entryDate !== undefined && nearestDateForMmdd(entryDate, iso) === undefined) {
      throw new StatementFormatError(format, `line ${tag.line}`, `tag :${tag.id}: entry date ${entryDate} is not a valid MMDD date`);
    }
  }
}
