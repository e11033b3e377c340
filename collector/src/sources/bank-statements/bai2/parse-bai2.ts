import { fromMinorUnits, isCurrencyCode } from '../money';
import { dateFromYymmdd, timeFromHhmm } from '../statement-dates';
import { StatementFormatError } from '../statement-error';
import type { ParsedStatementFile, StatementAccount, StatementBalance, StatementEntry, StatementInstant } from '../statement-model';
import { BAI2_BALANCE_CODES, bai2TypeClass, isBai2Total } from './bai2-type-codes';

/**
 * A BAI2 (Cash Management Balance Reporting Specifications, version 2) file → balances and
 * booked entries, checked against every control total and record count of the 49, 98 and 99
 * trailers. Hand-written: no maintained npm parser exists.
 *
 * Records: 01 file header, 02 group header (originator, as-of date/time, currency, modifier),
 * 03 account (account number, currency, then repeated type code / amount / item count / funds
 * type), 16 transaction detail (type code, amount, funds type, bank and customer reference, text),
 * 88 continuation of the record before it, 49 account trailer, 98 group trailer, 99 file trailer.
 * A record ends at "/" (the 16 record's text runs to the end of the line). Amounts are integers in
 * the currency's minor unit (cents); 03 amounts may be signed. Funds types Z/0/1/2 carry no extra
 * fields, S three amounts, V a value date and time, D a count and that many (days, amount) pairs.
 * Groups with status 2 (deletion) or 4 (test only) are checked but yield nothing.
 *
 * Throws {@link StatementFormatError} naming the line. O(length of the file).
 */
export function parseBai2(text: string): ParsedStatementFile {
  return new Bai2Reader(text).read();
}

interface Segment {
  readonly text: string;
  readonly line: number;
}

interface LogicalRecord {
  readonly code: string;
  readonly segments: Segment[];
}

interface Field {
  readonly value: string;
  readonly line: number;
}

const RECORD_CODES = new Set(['01', '02', '03', '16', '88', '49', '98', '99']);

/** Reads the fields of one logical record across its 88 continuations. */
class FieldCursor {
  private seg = 0;
  private pos = 0;
  private segmentEnded = false;

  constructor(
    private readonly segments: readonly Segment[],
    private readonly fail: (line: number, problem: string) => never,
  ) {}

  /** The next field, or undefined at the end of the record. */
  next(): Field | undefined {
    while (this.seg < this.segments.length) {
      const s = this.segments[this.seg]!;
      if (this.segmentEnded || this.pos >= s.text.length) {
        this.seg += 1;
        this.pos = 0;
        this.segmentEnded = false;
        continue;
      }
      let i = this.pos;
      while (i < s.text.length && s.text[i] !== ',' && s.text[i] !== '/') i++;
      const value = s.text.slice(this.pos, i).trim();
      if (i >= s.text.length) this.pos = s.text.length;
      else if (s.text[i] === '/') this.segmentEnded = true;
      else this.pos = i + 1;
      return { value, line: s.line };
    }
    return undefined;
  }

  /** The next field, which must be there. */
  required(what: string, lineIfMissing: number): Field {
    const field = this.next();
    if (field === undefined) this.fail(this.lastLine(lineIfMissing), `record ends before its ${what}`);
    return field;
  }

  /** The free text that ends a 16 record: the rest of the line and the text of its continuations. */
  rest(): string {
    const parts: string[] = [];
    for (; this.seg < this.segments.length; this.seg++, this.pos = 0) {
      const s = this.segments[this.seg]!;
      if (!this.segmentEnded) parts.push(stripTerminator(s.text.slice(this.pos)));
      this.segmentEnded = false;
    }
    return parts.filter((p) => p !== '').join(' ');
  }

  /** True when only empty fields remain. */
  onlyEmptyLeft(): boolean {
    for (;;) {
      const field = this.next();
      if (field === undefined) return true;
      if (field.value !== '') return false;
    }
  }

  private lastLine(fallback: number): number {
    return this.segments[Math.min(this.seg, this.segments.length - 1)]?.line ?? fallback;
  }
}

function stripTerminator(text: string): string {
  const trimmed = text.trim();
  return trimmed.endsWith('/') ? trimmed.slice(0, -1).trim() : trimmed;
}

interface GroupState {
  readonly line: number;
  readonly originator: string;
  readonly currency: string;
  readonly asOf: StatementInstant;
  readonly ignored: boolean;
  accounts: number;
  records: number;
  controlTotal: number;
}

interface AccountState {
  readonly line: number;
  readonly account: StatementAccount;
  readonly currency: string;
  records: number;
  controlTotal: number;
}

class Bai2Reader {
  private readonly balances: StatementBalance[] = [];
  private readonly entries: StatementEntry[] = [];
  private accountsRead = 0;

  constructor(private readonly text: string) {}

  read(): ParsedStatementFile {
    const records = this.logicalRecords();
    const first = records[0];
    if (first === undefined) this.fail(1, 'the file is empty');
    if (first.code !== '01') this.fail(first.segments[0]!.line, `expected the 01 file header first, found record ${first.code}`);
    this.readFileHeader(first);

    let fileRecords = physicalCount(first);
    let fileTotal = 0;
    let groups = 0;
    let group: GroupState | undefined;
    let account: AccountState | undefined;
    let trailer: LogicalRecord | undefined;

    for (let i = 1; i < records.length; i++) {
      const record = records[i]!;
      const line = record.segments[0]!.line;
      if (trailer !== undefined) this.fail(line, `record ${record.code} after the 99 file trailer`);
      const count = physicalCount(record);
      fileRecords += count;
      if (group !== undefined) group.records += count;
      if (account !== undefined) account.records += count;
      switch (record.code) {
        case '02':
          if (group !== undefined) this.fail(line, `02 group header before the 98 trailer of the group at line ${group.line}`);
          group = this.readGroupHeader(record);
          groups += 1;
          break;
        case '03':
          if (group === undefined) this.fail(line, '03 account record outside a group (no 02 group header before it)');
          if (account !== undefined) this.fail(line, `03 account record before the 49 trailer of the account at line ${account.line}`);
          account = this.readAccount(record, group);
          break;
        case '16':
          if (account === undefined || group === undefined) this.fail(line, '16 transaction detail outside an account (no 03 record before it)');
          this.readDetail(record, account, group);
          break;
        case '49':
          if (account === undefined || group === undefined) this.fail(line, '49 account trailer without an open account');
          this.readAccountTrailer(record, account);
          group.controlTotal += account.controlTotal;
          group.accounts += 1;
          this.accountsRead += 1;
          account = undefined;
          break;
        case '98':
          if (group === undefined) this.fail(line, '98 group trailer without an open group');
          if (account !== undefined) this.fail(line, `98 group trailer before the 49 trailer of the account at line ${account.line}`);
          this.readGroupTrailer(record, group);
          fileTotal += group.controlTotal;
          group = undefined;
          break;
        case '99':
          if (group !== undefined) this.fail(line, `99 file trailer before the 98 trailer of the group at line ${group.line}`);
          this.readFileTrailer(record, fileTotal, groups, fileRecords);
          trailer = record;
          break;
        case '01':
          this.fail(line, 'a second 01 file header');
          break;
        default:
          this.fail(line, `unexpected record ${record.code}`);
      }
    }
    const lastLine = this.text.split(/\r?\n/).length;
    if (account !== undefined) this.fail(lastLine, `the file ends inside the account opened at line ${account.line} (no 49 trailer)`);
    if (group !== undefined) this.fail(lastLine, `the file ends inside the group opened at line ${group.line} (no 98 trailer)`);
    if (trailer === undefined) this.fail(lastLine, 'the file ends without a 99 file trailer');
    return { format: 'bai2', statements: this.accountsRead, balances: this.balances, entries: this.entries };
  }

  /** Physical lines → logical records (a record plus its 88 continuations). */
  private logicalRecords(): LogicalRecord[] {
    const lines = this.text.split(/\r?\n/);
    const records: LogicalRecord[] = [];
    for (let i = 0; i < lines.length; i++) {
      const raw = lines[i]!.replace(/^\uFEFF/, '').trimEnd();
      if (raw.trim() === '') continue;
      const line = i + 1;
      const match = /^([0-9]{2}),/.exec(raw);
      if (!match) this.fail(line, `not a BAI2 record: expected a two-digit record code and a comma, got ${excerpt(raw)}`);
      const code = match[1]!;
      if (!RECORD_CODES.has(code)) this.fail(line, `unknown record code ${code} (expected 01, 02, 03, 16, 88, 49, 98 or 99)`);
      const segment = { text: raw.slice(3), line };
      if (code === '88') {
        const previous = records[records.length - 1];
        if (previous === undefined) this.fail(line, '88 continuation record with no record before it');
        previous.segments.push(segment);
      } else {
        records.push({ code, segments: [segment] });
      }
    }
    return records;
  }

  private cursor(record: LogicalRecord): FieldCursor {
    return new FieldCursor(record.segments, (line, problem) => this.fail(line, `${record.code} record: ${problem}`));
  }

  private readFileHeader(record: LogicalRecord): void {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    const sender = c.required('sender identification', line);
    c.required('receiver identification', line);
    const date = c.required('file creation date', line);
    if (dateFromYymmdd(date.value) === undefined) this.fail(date.line, `01 record: file creation date ${excerpt(date.value)} is not a YYMMDD date`);
    const time = c.required('file creation time', line);
    if (time.value !== '' && timeFromHhmm(time.value) === undefined) this.fail(time.line, `01 record: file creation time ${excerpt(time.value)} is not HHMM`);
    c.required('file identification number', line);
    c.next(); // physical record length
    c.next(); // block size
    const version = c.next();
    if (version === undefined || version.value !== '2') {
      this.fail(version?.line ?? line, `01 record: version number ${excerpt(version?.value ?? '')} is not supported; only BAI version 2 files are read`);
    }
    if (sender.value === '') this.fail(sender.line, '01 record: sender identification is empty');
  }

  private readGroupHeader(record: LogicalRecord): GroupState {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    c.required('ultimate receiver identification', line);
    const originator = c.required('originator identification', line);
    const status = c.required('group status', line);
    if (!['1', '2', '3', '4'].includes(status.value)) {
      this.fail(status.line, `02 record: group status ${excerpt(status.value)} must be 1 (update), 2 (deletion), 3 (correction) or 4 (test only)`);
    }
    const dateField = c.required('as-of date', line);
    const date = dateFromYymmdd(dateField.value);
    if (date === undefined) this.fail(dateField.line, `02 record: as-of date ${excerpt(dateField.value)} is not a YYMMDD date`);
    const timeField = c.next();
    let time: string | undefined;
    if (timeField !== undefined && timeField.value !== '') {
      time = timeFromHhmm(timeField.value);
      if (time === undefined) this.fail(timeField.line, `02 record: as-of time ${excerpt(timeField.value)} is not HHMM`);
    }
    const currencyField = c.next();
    const currency = currencyField === undefined || currencyField.value === '' ? 'USD' : currencyField.value;
    if (!isCurrencyCode(currency)) this.fail(currencyField?.line ?? line, `02 record: currency ${excerpt(currency)} is not an ISO 4217 code`);
    const modifier = c.next();
    if (modifier !== undefined && modifier.value !== '' && !['1', '2', '3', '4'].includes(modifier.value)) {
      this.fail(modifier.line, `02 record: as-of-date modifier ${excerpt(modifier.value)} must be 1, 2, 3 or 4`);
    }
    return {
      line,
      originator: originator.value,
      currency,
      asOf: time === undefined ? { date } : { date, time },
      ignored: status.value === '2' || status.value === '4',
      accounts: 0,
      records: physicalCount(record),
      controlTotal: 0,
    };
  }

  private readAccount(record: LogicalRecord, group: GroupState): AccountState {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    const number = c.required('customer account number', line);
    if (number.value === '') this.fail(number.line, '03 record: customer account number is empty');
    const currencyField = c.next();
    const currency = currencyField === undefined || currencyField.value === '' ? group.currency : currencyField.value;
    if (!isCurrencyCode(currency)) this.fail(currencyField?.line ?? line, `03 record: currency ${excerpt(currency)} is not an ISO 4217 code`);
    const account: StatementAccount = group.originator === '' ? { id: number.value } : { id: number.value, bankId: group.originator };
    const state: AccountState = { line, account, currency, records: physicalCount(record), controlTotal: 0 };
    for (;;) {
      const typeField = c.next();
      if (typeField === undefined) break;
      if (typeField.value === '') {
        if (c.onlyEmptyLeft()) break;
        this.fail(typeField.line, '03 record: empty type code followed by more fields');
      }
      const typeClass = bai2TypeClass(typeField.value);
      if (typeClass === undefined) this.fail(typeField.line, `03 record: type code ${excerpt(typeField.value)} is not a three-digit BAI type code`);
      const amountField = c.required(`amount of type code ${typeField.value}`, typeField.line);
      const amount = this.amount(amountField, true, `03 record: amount of type code ${typeField.value}`);
      const itemCount = c.required(`item count of type code ${typeField.value}`, typeField.line);
      if (itemCount.value !== '' && !/^[0-9]+$/.test(itemCount.value)) {
        this.fail(itemCount.line, `03 record: item count ${excerpt(itemCount.value)} of type code ${typeField.value} is not a number`);
      }
      this.fundsType(c, typeField, '03');
      if (amount === undefined) continue;
      state.controlTotal += amount;
      const kind = BAI2_BALANCE_CODES[typeField.value];
      if (kind !== undefined && !group.ignored) {
        this.balances.push({
          account,
          currency,
          kind,
          amount: fromMinorUnits(amount, currency),
          at: balanceInstant(kind, group.asOf),
          location: `line ${typeField.line}, type code ${typeField.value}`,
        });
      }
    }
    return state;
  }

  private readDetail(record: LogicalRecord, account: AccountState, group: GroupState): void {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    const typeField = c.required('type code', line);
    const typeClass = bai2TypeClass(typeField.value);
    if (typeClass === undefined) this.fail(typeField.line, `16 record: type code ${excerpt(typeField.value)} is not a three-digit BAI type code`);
    if (typeClass === 'status' || isBai2Total(typeField.value)) {
      this.fail(typeField.line, `16 record: type code ${typeField.value} is a ${typeClass === 'status' ? 'status (balance)' : 'total'} code; it belongs in the 03 record`);
    }
    const amountField = c.required('amount', line);
    const amount = this.amount(amountField, false, '16 record: amount');
    if (amount === undefined && typeClass !== 'other') this.fail(amountField.line, `16 record: amount is missing for type code ${typeField.value}`);
    const valueDate = this.fundsType(c, typeField, '16');
    const bankRef = c.next();
    const customerRef = c.next();
    const text = c.rest();
    if (amount === undefined) return;
    account.controlTotal += amount;
    if (group.ignored || typeClass === 'other') return;
    const signed = typeClass === 'credit' ? amount : -amount;
    this.entries.push({
      account: account.account,
      currency: account.currency,
      amount: fromMinorUnits(signed, account.currency),
      bookingDate: group.asOf.date,
      ...(valueDate === undefined ? {} : { valueDate }),
      ...(customerRef !== undefined && customerRef.value !== '' ? { reference: customerRef.value } : {}),
      ...(bankRef !== undefined && bankRef.value !== '' ? { bankReference: bankRef.value } : {}),
      typeCode: typeField.value,
      ...(text === '' ? {} : { description: text }),
      location: `line ${line}`,
    });
  }

  /**
   * Reads the funds type and the fields it brings; returns the value date of type V.
   * Z, 0, 1, 2 or empty: nothing more; S: immediate, one-day and two-or-more-day amounts;
   * V: value date YYMMDD and time HHMM; D: a count n and n pairs of (days, amount).
   */
  private fundsType(c: FieldCursor, type: Field, record: '03' | '16'): string | undefined {
    const field = c.required(`funds type of type code ${type.value}`, type.line);
    const where = `${record} record: type code ${type.value}`;
    switch (field.value) {
      case '':
      case 'Z':
      case '0':
      case '1':
      case '2':
        return undefined;
      case 'S':
        for (const what of ['immediate', 'one-day', 'two-or-more-day']) {
          this.amount(c.required(`${what} availability amount (funds type S)`, field.line), true, `${where}: ${what} availability amount`);
        }
        return undefined;
      case 'V': {
        const dateField = c.required('value date (funds type V)', field.line);
        const date = dateFromYymmdd(dateField.value);
        if (date === undefined) this.fail(dateField.line, `${where}: value date ${excerpt(dateField.value)} (funds type V) is not a YYMMDD date`);
        const timeField = c.required('value time (funds type V)', field.line);
        if (timeField.value !== '' && timeFromHhmm(timeField.value) === undefined) {
          this.fail(timeField.line, `${where}: value time ${excerpt(timeField.value)} (funds type V) is not HHMM`);
        }
        return date;
      }
      case 'D': {
        const countField = c.required('number of distributions (funds type D)', field.line);
        if (!/^[0-9]{1,3}$/.test(countField.value)) {
          this.fail(countField.line, `${where}: number of distributions ${excerpt(countField.value)} (funds type D) is not a number`);
        }
        const count = Number(countField.value);
        for (let i = 1; i <= count; i++) {
          const days = c.required(`availability days of distribution ${i} (funds type D)`, field.line);
          if (!/^[0-9]+$/.test(days.value)) this.fail(days.line, `${where}: availability days ${excerpt(days.value)} of distribution ${i} is not a number`);
          this.amount(c.required(`amount of distribution ${i} (funds type D)`, field.line), true, `${where}: amount of distribution ${i}`);
        }
        return undefined;
      }
      default:
        return this.fail(field.line, `${where}: funds type ${excerpt(field.value)} is not one of Z, 0, 1, 2, S, V, D`);
    }
  }

  private readAccountTrailer(record: LogicalRecord, account: AccountState): void {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    const total = this.amount(c.required('account control total', line), true, '49 record: account control total');
    const records = this.count(c.required('number of records', line), '49 record: number of records');
    if (total !== account.controlTotal) {
      this.fail(line, `49 record: account control total ${total ?? '(empty)'} does not match the sum of the account's amounts ${account.controlTotal} (account ${account.account.id}, line ${account.line})`);
    }
    if (records !== account.records) {
      this.fail(line, `49 record: number of records ${records} does not match the ${account.records} records of the account (account ${account.account.id}, line ${account.line})`);
    }
  }

  private readGroupTrailer(record: LogicalRecord, group: GroupState): void {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    const total = this.amount(c.required('group control total', line), true, '98 record: group control total');
    const accounts = this.count(c.required('number of accounts', line), '98 record: number of accounts');
    const records = this.count(c.required('number of records', line), '98 record: number of records');
    if (total !== group.controlTotal) {
      this.fail(line, `98 record: group control total ${total ?? '(empty)'} does not match the sum of its account control totals ${group.controlTotal} (group at line ${group.line})`);
    }
    if (accounts !== group.accounts) this.fail(line, `98 record: number of accounts ${accounts} does not match the ${group.accounts} accounts of the group at line ${group.line}`);
    if (records !== group.records) this.fail(line, `98 record: number of records ${records} does not match the ${group.records} records of the group at line ${group.line}`);
  }

  private readFileTrailer(record: LogicalRecord, fileTotal: number, groups: number, fileRecords: number): void {
    const c = this.cursor(record);
    const line = record.segments[0]!.line;
    const total = this.amount(c.required('file control total', line), true, '99 record: file control total');
    const groupCount = this.count(c.required('number of groups', line), '99 record: number of groups');
    const records = this.count(c.required('number of records', line), '99 record: number of records');
    if (total !== fileTotal) this.fail(line, `99 record: file control total ${total ?? '(empty)'} does not match the sum of the group control totals ${fileTotal}`);
    if (groupCount !== groups) this.fail(line, `99 record: number of groups ${groupCount} does not match the ${groups} groups in the file`);
    if (records !== fileRecords) this.fail(line, `99 record: number of records ${records} does not match the ${fileRecords} records in the file`);
  }

  /** An amount in minor units (cents); undefined when the field is empty. */
  private amount(field: Field, signed: boolean, what: string): number | undefined {
    if (field.value === '') return undefined;
    const pattern = signed ? /^[+-]?[0-9]+$/ : /^[0-9]+$/;
    if (!pattern.test(field.value)) {
      this.fail(field.line, `${what} ${excerpt(field.value)} is not ${signed ? 'a whole number of minor units (cents), optionally signed' : 'an unsigned whole number of minor units (cents)'}`);
    }
    const value = Number(field.value);
    if (!Number.isSafeInteger(value)) this.fail(field.line, `${what} ${excerpt(field.value)} is too large`);
    return value;
  }

  private count(field: Field, what: string): number {
    if (!/^[0-9]+$/.test(field.value)) this.fail(field.line, `${what} ${excerpt(field.value)} is not a number`);
    return Number(field.value);
  }

  private fail(line: number, problem: string): never {
    throw new StatementFormatError('bai2', `line ${line}`, problem);
  }
}

/** Opening balances are as of the start of the as-of date, closing ones its end, current ones its time. */
function balanceInstant(kind: string, asOf: StatementInstant): StatementInstant {
  if (kind === 'opening_booked' || kind === 'opening_available') return { date: asOf.date, time: '00:00:00' };
  if (kind === 'closing_booked' || kind === 'closing_available') return { date: asOf.date, time: '23:59:59' };
  return asOf.time === undefined ? { date: asOf.date, time: '23:59:59' } : asOf;
}

function physicalCount(record: LogicalRecord): number {
  return record.segments.length;
}

function excerpt(text: string): string {
  return JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
}
