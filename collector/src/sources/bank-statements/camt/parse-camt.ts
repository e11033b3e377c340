import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { fromMinorUnits, isCurrencyCode, parseSignedDecimal, toMinorUnits } from '../money';
import { checkedIsoDate } from '../statement-dates';
import { StatementFormatError } from '../statement-error';
import type {
  BalanceKind,
  ParsedStatementFile,
  StatementAccount,
  StatementBalance,
  StatementEntry,
  StatementInstant,
} from '../statement-model';

/**
 * ISO 20022 camt.053 (bank to customer statement) and camt.052 (account report, intraday) →
 * balances and booked entries, read with fast-xml-parser. Any version (001.02 … 001.13): elements
 * are matched without their namespace, and entry status may be text (`<Sts>BOOK</Sts>`, up to
 * version 7) or a code (`<Sts><Cd>BOOK</Cd></Sts>`, version 8 on).
 *
 * Checked: well-formed XML (line and column from the validator), the root element, every amount,
 * currency, credit/debit indicator and date, the entry counts and sums of TxsSummry when present,
 * and for camt.053 that the opening balance plus the booked entries gives the closing balance.
 * Errors name the line and the element path, e.g. `line 41, element Document/BkToCstmrStmt/Stmt[1]/Ntry[3]/Amt`;
 * the locations of balances and entries read without error name the element.
 *
 * Balance types: OPBD and PRCD opening booked, CLBD closing booked, ITBD interim booked, OPAV
 * opening available, CLAV closing available, ITAV interim available, FWAV forward available; others
 * (INFO, …) are skipped. Pending (PDNG) and informational (INFO) entries are left out.
 * O(length of the document).
 */
export function parseCamt(text: string): ParsedStatementFile {
  const checked = XMLValidator.validate(text, { allowBooleanAttributes: true });
  if (checked !== true) {
    throw new StatementFormatError(guessFormat(text), `line ${checked.err.line}, column ${checked.err.col}`, `not well-formed XML: ${checked.err.msg}`);
  }
  // The fast pass keeps no source offsets; a document that turns out to be wrong is read again
  // with them, so the error can name the line as well as the element.
  try {
    return new CamtReader(text, PARSER.parse(text) as XmlNode, false).read();
  } catch (error) {
    if (!(error instanceof StatementFormatError)) throw error;
    new CamtReader(text, PARSER_WITH_OFFSETS.parse(text) as XmlNode, true).read();
    throw error;
  }
}

type XmlNode = { [key: string]: unknown };

const ARRAY_ELEMENTS = new Set(['Stmt', 'Rpt', 'Bal', 'Ntry', 'NtryDtls', 'TxDtls', 'Ustrd', 'AddtlNtryInf']);

const PARSER_OPTIONS = {
  ignoreAttributes: false,
  attributeNamePrefix: '@',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  ignoreDeclaration: true,
  ignorePiTags: true,
  jPath: false,
  isArray: (name: string) => ARRAY_ELEMENTS.has(name),
};
const PARSER = new XMLParser(PARSER_OPTIONS);
const PARSER_WITH_OFFSETS = new XMLParser({ ...PARSER_OPTIONS, captureMetaData: true });

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

const BALANCE_TYPES: Readonly<Record<string, BalanceKind>> = {
  OPBD: 'opening_booked',
  PRCD: 'opening_booked',
  CLBD: 'closing_booked',
  ITBD: 'interim_booked',
  OPAV: 'opening_available',
  CLAV: 'closing_available',
  ITAV: 'interim_available',
  FWAV: 'forward_available',
};

function guessFormat(text: string): 'camt.053' | 'camt.052' {
  return /camt\.052|BkToCstmrAcctRpt/.test(text.slice(0, 2000)) ? 'camt.052' : 'camt.053';
}

interface EntryTotals {
  readonly all: { count: number; sum: number };
  readonly credit: { count: number; sum: number };
  readonly debit: { count: number; sum: number };
}

/** An element and where it is: its path from the root and the node it came from (for the line). */
interface Located {
  readonly node: unknown;
  readonly path: string;
  /** The nearest enclosing object node, whose start offset gives the line. */
  readonly anchor: XmlNode;
}

class CamtReader {
  private format: 'camt.053' | 'camt.052' = 'camt.053';
  private lineStarts: number[] | undefined;
  private readonly balances: StatementBalance[] = [];
  private readonly entries: StatementEntry[] = [];

  constructor(
    private readonly source: string,
    private readonly root: XmlNode,
    /** Whether the tree carries source offsets (then locations name the line too). */
    private readonly withLines: boolean,
  ) {}

  read(): ParsedStatementFile {
    const document = this.root.Document;
    if (!isObject(document)) {
      this.format = guessFormat(this.source);
      throw new StatementFormatError(this.format, 'line 1, element Document', 'the root element must be Document (ISO 20022 camt.053 or camt.052)');
    }
    const doc: Located = { node: document, path: 'Document', anchor: document };
    let statements: Located[];
    if (isObject(document.BkToCstmrStmt)) {
      this.format = 'camt.053';
      statements = this.many(this.child(doc, 'BkToCstmrStmt'), 'Stmt', true);
    } else if (isObject(document.BkToCstmrAcctRpt)) {
      this.format = 'camt.052';
      statements = this.many(this.child(doc, 'BkToCstmrAcctRpt'), 'Rpt', true);
    } else {
      this.format = guessFormat(this.source);
      this.fail(doc, 'expected BkToCstmrStmt (camt.053) or BkToCstmrAcctRpt (camt.052) inside Document');
    }
    for (const statement of statements) this.readStatement(statement);
    return { format: this.format, statements: statements.length, balances: this.balances, entries: this.entries };
  }

  private readStatement(stmt: Located): void {
    const acct = this.child(stmt, 'Acct');
    const id = this.child(acct, 'Id');
    const iban = this.optional(id, 'IBAN');
    const accountId = iban ? this.text(iban) : this.text(this.child(this.child(id, 'Othr'), 'Id'));
    const bic = this.optionalPath(acct, ['Svcr', 'FinInstnId', 'BICFI']) ?? this.optionalPath(acct, ['Svcr', 'FinInstnId', 'BIC']);
    const account: StatementAccount = bic ? { id: accountId, bankId: this.text(bic) } : { id: accountId };
    const accountCcy = this.optional(acct, 'Ccy');
    if (accountCcy) this.currency(accountCcy);

    const opening = new Map<string, { minor: number; where: Located }>();
    const closing = new Map<string, { minor: number; where: Located }>();
    for (const bal of this.many(stmt, 'Bal', false)) {
      const code = this.text(this.child(this.child(this.child(bal, 'Tp'), 'CdOrPrtry'), 'Cd', 'Prtry'));
      const amt = this.child(bal, 'Amt');
      const { amount, currency } = this.amount(amt, this.child(bal, 'CdtDbtInd'));
      const at = this.instant(this.child(bal, 'Dt'));
      const kind = BALANCE_TYPES[code];
      if (kind === undefined) continue;
      const minor = toMinorUnits(amount, currency);
      if (kind === 'opening_booked' && !opening.has(currency)) opening.set(currency, { minor, where: amt });
      if (kind === 'closing_booked') closing.set(currency, { minor, where: amt });
      this.balances.push({
        account,
        currency,
        kind,
        amount,
        at: at.time === undefined ? { date: at.date, time: kind.startsWith('opening') ? '00:00:00' : '23:59:59' } : at,
        location: this.where(bal),
      });
    }

    const bookedSum = new Map<string, number>();
    const totals: EntryTotals = { all: { count: 0, sum: 0 }, credit: { count: 0, sum: 0 }, debit: { count: 0, sum: 0 } };
    for (const ntry of this.many(stmt, 'Ntry', false)) {
      const amtNode = this.child(ntry, 'Amt');
      const { amount, currency } = this.amount(amtNode, this.child(ntry, 'CdtDbtInd'));
      for (const side of [totals.all, amount < 0 ? totals.debit : totals.credit]) {
        side.count += 1;
        side.sum += Math.abs(amount);
      }
      const status = this.status(ntry);
      if (status !== 'BOOK') continue;
      const bookingNode = this.optional(ntry, 'BookgDt');
      if (!bookingNode) this.fail(ntry, 'a booked entry (Sts BOOK) has no BookgDt');
      const bookingDate = this.instant(bookingNode).date;
      const valueNode = this.optional(ntry, 'ValDt');
      const reversal = this.optional(ntry, 'RvslInd');
      const isReversal = reversal ? this.bool(reversal) : false;
      const entryRef = this.optional(ntry, 'NtryRef');
      const servicerRef = this.optional(ntry, 'AcctSvcrRef');
      const endToEnd = this.firstText(ntry, ['NtryDtls', 'TxDtls', 'Refs', 'EndToEndId']);
      const reference = endToEnd !== undefined && endToEnd !== 'NOTPROVIDED' ? endToEnd : entryRef ? this.text(entryRef) : undefined;
      const description = this.description(ntry);
      bookedSum.set(currency, (bookedSum.get(currency) ?? 0) + toMinorUnits(amount, currency));
      this.entries.push({
        account,
        currency,
        amount,
        bookingDate,
        ...(valueNode ? { valueDate: this.instant(valueNode).date } : {}),
        ...(reference !== undefined && reference !== '' ? { reference } : {}),
        ...(servicerRef ? { bankReference: this.text(servicerRef) } : {}),
        ...this.typeCode(ntry),
        ...(description !== '' ? { description } : {}),
        ...(isReversal ? { reversal: true } : {}),
        location: this.where(ntry),
      });
    }
    this.checkSummary(stmt, totals);
    if (this.format === 'camt.053') {
      for (const [currency, close] of closing) {
        const open = opening.get(currency);
        if (!open) continue;
        const expected = open.minor + (bookedSum.get(currency) ?? 0);
        if (expected !== close.minor) {
          this.fail(
            close.where,
            `closing booked balance ${fromMinorUnits(close.minor, currency)} ${currency} is not the opening balance ${fromMinorUnits(open.minor, currency)} plus the booked entries ${fromMinorUnits(bookedSum.get(currency) ?? 0, currency)}`,
          );
        }
      }
    }
  }

  /** TxsSummry: NbOfNtries and Sum of all, credit and debit entries, when the bank gives them. */
  private checkSummary(stmt: Located, totals: EntryTotals): void {
    const summary = this.optional(stmt, 'TxsSummry');
    if (!summary) return;
    const check = (node: Located | undefined, actual: { count: number; sum: number }, what: string): void => {
      if (!node) return;
      const nb = this.optional(node, 'NbOfNtries');
      if (nb) {
        const stated = this.text(nb);
        if (!/^[0-9]+$/.test(stated)) this.fail(nb, `NbOfNtries ${JSON.stringify(stated)} is not a number`);
        if (Number(stated) !== actual.count) this.fail(nb, `NbOfNtries says ${stated} ${what} entries, the statement holds ${actual.count}`);
      }
      const sum = this.optional(node, 'Sum');
      if (sum) {
        const stated = parseSignedDecimal(this.text(sum));
        if (stated === undefined) this.fail(sum, `Sum ${JSON.stringify(this.text(sum))} is not a decimal amount`);
        if (Math.abs(stated - actual.sum) > 0.005) {
          this.fail(sum, `Sum says ${this.text(sum)} for the ${what} entries, they add up to ${Math.round(actual.sum * 1e5) / 1e5}`);
        }
      }
    };
    check(this.optional(summary, 'TtlNtries'), totals.all, 'all');
    check(this.optional(summary, 'TtlCdtNtries'), totals.credit, 'credit');
    check(this.optional(summary, 'TtlDbtNtries'), totals.debit, 'debit');
  }

  private status(ntry: Located): string {
    const sts = this.child(ntry, 'Sts');
    const code = isObject(sts.node) ? this.text(this.child(sts, 'Cd', 'Prtry')) : this.text(sts);
    if (!['BOOK', 'PDNG', 'INFO', 'FUTR'].includes(code)) this.fail(sts, `entry status ${JSON.stringify(code)} is not BOOK, PDNG, INFO or FUTR`);
    return code;
  }

  private typeCode(ntry: Located): { typeCode?: string } {
    const domain = this.optionalPath(ntry, ['BkTxCd', 'Domn']);
    if (domain) {
      const family = this.optionalPath(domain, ['Fmly', 'Cd']);
      const sub = this.optionalPath(domain, ['Fmly', 'SubFmlyCd']);
      const parts = [this.text(this.child(domain, 'Cd')), family ? this.text(family) : '', sub ? this.text(sub) : ''].filter((p) => p !== '');
      return { typeCode: parts.join('-') };
    }
    const proprietary = this.optionalPath(ntry, ['BkTxCd', 'Prtry', 'Cd']);
    return proprietary ? { typeCode: this.text(proprietary) } : {};
  }

  private description(ntry: Located): string {
    const parts: string[] = [];
    for (const info of this.many(ntry, 'AddtlNtryInf', false)) parts.push(this.text(info));
    for (const details of this.many(ntry, 'NtryDtls', false)) {
      for (const tx of this.many(details, 'TxDtls', false)) {
        const rmt = this.optional(tx, 'RmtInf');
        if (rmt) for (const u of this.many(rmt, 'Ustrd', false)) parts.push(this.text(u));
      }
    }
    return parts.join(' ').replace(/\s+/g, ' ').trim();
  }

  /** Amount with @Ccy, signed by the credit/debit indicator (DBIT negative). */
  private amount(amt: Located, indicator: Located): { amount: number; currency: string } {
    const node = amt.node;
    const raw = isObject(node) ? node['#text'] : node;
    const currency = isObject(node) ? node['@Ccy'] : undefined;
    if (typeof currency !== 'string' || !isCurrencyCode(currency)) this.fail(amt, `Ccy attribute ${JSON.stringify(currency ?? null)} is not an ISO 4217 code`);
    if (typeof raw !== 'string' || !/^[0-9]{1,18}(\.[0-9]{1,5})?$/.test(raw)) this.fail(amt, `amount ${JSON.stringify(raw ?? '')} is not a decimal number such as 1234.56`);
    const side = this.text(indicator);
    if (side !== 'CRDT' && side !== 'DBIT') this.fail(indicator, `CdtDbtInd ${JSON.stringify(side)} is not CRDT or DBIT`);
    const value = Number(raw);
    return { amount: side === 'DBIT' ? -value : value, currency };
  }

  private currency(node: Located): string {
    const ccy = this.text(node);
    if (!isCurrencyCode(ccy)) this.fail(node, `${JSON.stringify(ccy)} is not an ISO 4217 currency code`);
    return ccy;
  }

  /** A Dt/DtTm choice: `<Dt>2025-11-24</Dt>` or `<DtTm>2025-11-24T17:30:00+01:00</DtTm>`. */
  private instant(choice: Located): StatementInstant {
    const dt = this.optional(choice, 'Dt');
    if (dt) {
      const date = checkedIsoDate(this.text(dt));
      if (date === undefined) this.fail(dt, `${JSON.stringify(this.text(dt))} is not a date YYYY-MM-DD`);
      return { date };
    }
    const dtTm = this.optional(choice, 'DtTm');
    if (!dtTm) this.fail(choice, 'expected Dt or DtTm');
    const m = /^([0-9]{4}-[0-9]{2}-[0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(?:\.[0-9]+)?(Z|[+-][0-9]{2}:[0-9]{2})?$/.exec(this.text(dtTm));
    const date = m ? checkedIsoDate(m[1]!) : undefined;
    if (!m || date === undefined || Number(m[2]) > 23 || Number(m[3]) > 59 || Number(m[4]) > 59) {
      this.fail(dtTm, `${JSON.stringify(this.text(dtTm))} is not a date-time such as 2025-11-24T17:30:00+01:00`);
    }
    const time = `${m[2]}:${m[3]}:${m[4]}`;
    const zone = m[5];
    if (zone === undefined) return { date, time };
    const offsetMinutes = zone === 'Z' ? 0 : (zone.startsWith('-') ? -1 : 1) * (Number(zone.slice(1, 3)) * 60 + Number(zone.slice(4, 6)));
    return { date, time, offsetMinutes };
  }

  private bool(node: Located): boolean {
    const value = this.text(node);
    if (value !== 'true' && value !== 'false') this.fail(node, `${JSON.stringify(value)} is not true or false`);
    return value === 'true';
  }

  // ── tree navigation with paths ──

  private child(parent: Located, name: string, alternative?: string): Located {
    const found = this.optional(parent, name) ?? (alternative === undefined ? undefined : this.optional(parent, alternative));
    if (!found) this.fail(parent, `missing element ${name}${alternative ? ` (or ${alternative})` : ''}`);
    return found;
  }

  private optional(parent: Located, name: string): Located | undefined {
    if (!isObject(parent.node)) return undefined;
    let value = parent.node[name];
    if (value === undefined) return undefined;
    if (Array.isArray(value)) value = value[0];
    return { node: value, path: `${parent.path}/${name}`, anchor: isObject(value) ? value : parent.anchor };
  }

  private optionalPath(parent: Located, names: string[]): Located | undefined {
    let current: Located | undefined = parent;
    for (const name of names) {
      current = current ? this.optional(current, name) : undefined;
    }
    return current;
  }

  private many(parent: Located, name: string, required: boolean): Located[] {
    const value = isObject(parent.node) ? parent.node[name] : undefined;
    if (value === undefined) {
      if (required) this.fail(parent, `missing element ${name}`);
      return [];
    }
    const list = Array.isArray(value) ? value : [value];
    return list.map((node, i) => ({ node, path: `${parent.path}/${name}[${i + 1}]`, anchor: isObject(node) ? node : parent.anchor }));
  }

  private firstText(parent: Located, names: string[]): string | undefined {
    const found = this.optionalPath(parent, names);
    return found ? this.text(found) : undefined;
  }

  private text(located: Located): string {
    const node = located.node;
    if (typeof node === 'string') return node;
    if (isObject(node) && typeof node['#text'] === 'string') return node['#text'];
    if (isObject(node) && Object.keys(node).every((k) => k.startsWith('@'))) return '';
    return this.fail(located, 'expected text, found nested elements');
  }

  private where(located: Located): string {
    return this.withLines ? `line ${this.lineOf(located.anchor)}, element ${located.path}` : `element ${located.path}`;
  }

  private lineOf(node: XmlNode): number {
    const meta = (node as Record<symbol, { startIndex?: number } | undefined>)[META];
    const offset = meta?.startIndex;
    if (offset === undefined) return 1;
    if (!this.lineStarts) {
      const starts = [0];
      for (let i = 0; i < this.source.length; i++) if (this.source.charCodeAt(i) === 10) starts.push(i + 1);
      this.lineStarts = starts;
    }
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }

  private fail(located: Located, problem: string): never {
    throw new StatementFormatError(this.format, this.where(located), problem);
  }
}

function isObject(value: unknown): value is XmlNode {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
