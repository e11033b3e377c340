import { TagFactory } from 'mt940js/lib/tags';
import { fromMinorUnits, isCurrencyCode, parseUnsignedDecimal, toMinorUnits } from '../money';
import { dateFromYymmdd, nearestDateForMmdd, timeFromHhmm } from '../statement-dates';
import { StatementFormatError } from '../statement-error';
import type { ParsedStatementFile, StatementAccount, StatementBalance, StatementEntry, StatementInstant } from '../statement-model';
import { checkDates, isoOf } from './parse-mt940';
import { splitAccountIdentification, splitSwiftMessages, type SwiftMessage, type SwiftTag } from './swift-messages';

/**
 * SWIFT MT942 (interim transaction report, intraday) → booked entries and, when the bank adds
 * them, interim balances. mt940js reads MT940 only (it rejects 13D, 34F and 90D/C and requires the
 * 60/62 balances MT942 has not), so finmon reads the MT942 structure itself and reuses mt940js's
 * readers for the fields both share (61 statement line, 86 details).
 *
 * Tags: 20 reference, 21 related reference (optional), 25 account, 28C sequence, 34F floor limit
 * (one, or two: debit then credit), 13D date and time of the report with its UTC offset, 61/86
 * entries, 90D/90C number and sum of debit/credit entries (checked when present), 86 information.
 * Non-standard but common: 62F/62M (interim booked) and 64 (interim available) balances, stamped
 * with the 13D time. Throws {@link StatementFormatError} naming the line. O(length).
 */
export function parseMt942(text: string): ParsedStatementFile {
  const messages = splitSwiftMessages(text, 'mt942');
  const balances: StatementBalance[] = [];
  const entries: StatementEntry[] = [];
  const factory = new TagFactory();
  for (const message of messages) readMessage(message, factory, balances, entries);
  return { format: 'mt942', statements: messages.length, balances, entries };
}

const ALLOWED = new Set(['20', '21', '25', '28C', '34F', '13D', '61', '86', '90D', '90C', '62F', '62M', '64', 'NS']);

function readMessage(message: SwiftMessage, factory: TagFactory, balances: StatementBalance[], entries: StatementEntry[]): void {
  for (const tag of message.tags) {
    if (!ALLOWED.has(tag.id)) fail(tag, `tag :${tag.id}: is not part of an MT942 report`);
  }
  checkDates(message, 'mt942');
  const one = (id: string): SwiftTag => {
    const found = message.tags.filter((t) => t.id === id);
    if (found.length === 0) throw new StatementFormatError('mt942', `line ${message.line}`, `the report starting here has no mandatory tag :${id}:`);
    if (found.length > 1) fail(found[1]!, `tag :${id}: appears more than once`);
    return found[0]!;
  };
  one('20');
  const tag25 = one('25');
  const { id, bic } = splitAccountIdentification(tag25.value);
  if (id === '') fail(tag25, 'field 25 (account identification) is empty');
  const bankId = bic ?? message.senderBic;
  const account: StatementAccount = bankId === undefined ? { id } : { id, bankId };
  const tag28 = one('28C');
  if (!/^[0-9]{1,5}(\/[0-9]{1,5})?$/.test(tag28.value.trim())) fail(tag28, `field 28C ${JSON.stringify(tag28.value)} is not a statement number (nnnnn or nnnnn/nnnnn)`);

  const floors = message.tags.filter((t) => t.id === '34F');
  if (floors.length === 0) throw new StatementFormatError('mt942', `line ${message.line}`, 'the report starting here has no mandatory tag :34F: (floor limit)');
  if (floors.length > 2) fail(floors[2]!, 'tag :34F: appears more than twice');
  let currency = '';
  for (const floor of floors) {
    const m = /^([A-Z]{3})([DC]?)([0-9]{1,12},[0-9]{0,3})$/.exec(floor.value.trim());
    if (!m || !isCurrencyCode(m[1]!)) fail(floor, `field 34F ${JSON.stringify(floor.value)} is not a floor limit (currency, optional D/C, amount such as EUR0,)`);
    if (currency !== '' && m[1] !== currency) fail(floor, `floor limit currency ${m[1]} differs from ${currency}`);
    currency = m[1]!;
  }

  const tag13 = one('13D');
  const at = reportInstant(tag13);

  let debits = { count: 0, minor: 0 };
  let credits = { count: 0, minor: 0 };
  let previous: SwiftTag | undefined;
  let lastEntry: { entry: Omit<StatementEntry, 'description'>; details: string[] } | undefined;
  const flush = () => {
    if (!lastEntry) return;
    const description = lastEntry.details.join(' ').replace(/\n/g, ' ').trim();
    entries.push({ ...lastEntry.entry, ...(description === '' ? {} : { description }) });
    lastEntry = undefined;
  };
  for (const tag of message.tags) {
    if (tag.id === '61') {
      flush();
      let fields: Record<string, unknown>;
      try {
        fields = factory.createTag('61', '', tag.value).fields;
      } catch {
        fail(tag, `tag :61: cannot be read: ${JSON.stringify(tag.value.slice(0, 60))}`);
      }
      const amount = fields.amount as number;
      const valueDate = isoOf(fields.date as Date);
      const entryMmdd = /^[0-9]{6}([0-9]{4})/.exec(tag.value)?.[1];
      const bookingDate = entryMmdd ? (nearestDateForMmdd(entryMmdd, valueDate) ?? valueDate) : valueDate;
      const minor = Math.abs(toMinorUnits(amount, currency));
      if (amount < 0) debits = { count: debits.count + 1, minor: debits.minor + minor };
      else credits = { count: credits.count + 1, minor: credits.minor + minor };
      const reference = String(fields.reference ?? '').trim();
      const bankReference = String(fields.bankReference ?? '').trim();
      lastEntry = {
        entry: {
          account,
          currency,
          amount,
          bookingDate,
          valueDate,
          ...(reference !== '' && reference !== 'NONREF' ? { reference } : {}),
          ...(bankReference !== '' ? { bankReference } : {}),
          typeCode: String(fields.transactionType),
          ...(fields.isReversal === true ? { reversal: true } : {}),
          location: `line ${tag.line}`,
        },
        details: [],
      };
    } else if (tag.id === '86' && previous?.id === '61' && lastEntry) {
      lastEntry.details.push(tag.value);
    } else if (tag.id === '62F' || tag.id === '62M' || tag.id === '64') {
      flush();
      balances.push(balanceOf(tag, account, currency, at));
    } else if (tag.id !== 'NS' && tag.id !== '86') {
      flush();
    }
    if (tag.id !== 'NS') previous = tag;
  }
  flush();

  for (const [id, expected, side] of [['90D', debits, 'debit'], ['90C', credits, 'credit']] as const) {
    const tags = message.tags.filter((t) => t.id === id);
    if (tags.length > 1) fail(tags[1]!, `tag :${id}: appears more than once`);
    const tag = tags[0];
    if (!tag) continue;
    const m = /^([0-9]{1,5})([A-Z]{3})([0-9]{1,12},[0-9]{0,3})$/.exec(tag.value.trim());
    if (!m) fail(tag, `field ${id} ${JSON.stringify(tag.value)} is not a count, currency and amount (e.g. 3EUR1500,00)`);
    if (m[2] !== currency) fail(tag, `field ${id} currency ${m[2]} differs from ${currency}`);
    const count = Number(m[1]);
    const minor = toMinorUnits(parseUnsignedDecimal(m[3]!) ?? NaN, currency);
    if (count !== expected.count || minor !== expected.minor) {
      fail(tag, `field ${id} says ${count} ${side} entries totalling ${m[3]}, the report holds ${expected.count} totalling ${fromMinorUnits(expected.minor, currency)}`);
    }
  }
}

/** 13D: YYMMDDHHMM±HHMM. */
function reportInstant(tag: SwiftTag): StatementInstant {
  const m = /^([0-9]{6})([0-9]{4})([+-])([0-9]{2})([0-9]{2})$/.exec(tag.value.trim());
  const date = m ? dateFromYymmdd(m[1]!) : undefined;
  const time = m ? timeFromHhmm(m[2]!) : undefined;
  if (!m || date === undefined || time === undefined || Number(m[4]) > 14 || Number(m[5]) > 59) {
    fail(tag, `field 13D ${JSON.stringify(tag.value)} is not a date and time with offset (YYMMDDHHMM+HHMM)`);
  }
  const offset = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  return { date, time, offsetMinutes: offset };
}

function balanceOf(tag: SwiftTag, account: StatementAccount, currency: string, at: StatementInstant): StatementBalance {
  const m = /^([DC])([0-9]{6})([A-Z]{3})([0-9]{1,12},[0-9]{0,3})$/.exec(tag.value.trim());
  if (!m) fail(tag, `field ${tag.id} ${JSON.stringify(tag.value)} is not a balance (D/C, YYMMDD, currency, amount)`);
  if (m[3] !== currency) fail(tag, `balance currency ${m[3]} differs from ${currency} of the floor limit`);
  const amount = (m[1] === 'D' ? -1 : 1) * (parseUnsignedDecimal(m[4]!) ?? NaN);
  const date = dateFromYymmdd(m[2]!)!;
  return {
    account,
    currency,
    kind: tag.id === '64' ? 'interim_available' : 'interim_booked',
    amount,
    at: date === at.date ? at : { date, time: '23:59:59' },
    location: `line ${tag.line}`,
  };
}

function fail(tag: SwiftTag, problem: string): never {
  throw new StatementFormatError('mt942', `line ${tag.line}`, problem);
}
