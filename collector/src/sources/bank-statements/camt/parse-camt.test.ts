import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatementFormatError } from '../statement-error';
import { parseCamt } from './parse-camt';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

function failure(text: string): StatementFormatError {
  try {
    parseCamt(text);
  } catch (error) {
    if (error instanceof StatementFormatError) return error;
    throw error;
  }
  throw new Error('expected the document to be rejected');
}

describe('parseCamt', () => {
  it('reads a camt.053.001.08 statement: balances, booked entries, references and codes; pending entries left out', () => {
    const parsed = parseCamt(fixture('good/camt053-v08.xml'));
    expect(parsed).toMatchObject({ format: 'camt.053', statements: 2 });
    const eur = { id: 'DE89370400440532013000', bankId: 'DEUTDEFFXXX' };
    expect(parsed.balances.map((b) => [b.account, b.currency, b.kind, b.amount, b.at, b.location])).toEqual([
      [eur, 'EUR', 'opening_booked', 1234567.89, { date: '2025-11-21', time: '00:00:00' }, 'element Document/BkToCstmrStmt/Stmt[1]/Bal[1]'],
      [eur, 'EUR', 'closing_booked', 1246767.89, { date: '2025-11-24', time: '23:59:59' }, 'element Document/BkToCstmrStmt/Stmt[1]/Bal[2]'],
      [eur, 'EUR', 'closing_available', 1240000, { date: '2025-11-24', time: '23:59:59' }, 'element Document/BkToCstmrStmt/Stmt[1]/Bal[3]'],
      [{ id: '400012345' }, 'USD', 'opening_booked', -500, { date: '2025-11-24', time: '00:00:00' }, expect.stringMatching(/Stmt\[2\]\/Bal\[1\]$/)],
      [{ id: '400012345' }, 'USD', 'closing_booked', 9500, { date: '2025-11-24', time: '23:59:59' }, expect.stringMatching(/Stmt\[2\]\/Bal\[2\]$/)],
    ]);
    expect(parsed.entries.map((e) => [e.account.id, e.amount, e.bookingDate, e.valueDate, e.reference, e.bankReference, e.typeCode, e.description])).toEqual([
      ['DE89370400440532013000', 15000, '2025-11-24', '2025-11-24', 'INV-2025-1190', 'DB2511240001', 'PMNT-RCDT-ESCT', 'Invoice 1190 ACME EUROPE GMBH'],
      ['DE89370400440532013000', -2500, '2025-11-24', '2025-11-24', '2', 'DB2511240002', 'ACMT-MDOP-CHRG', 'Kontofuehrung November'],
      ['DE89370400440532013000', -300, '2025-11-24', undefined, '3', 'DB2511240003', 'NTRF+177', 'PO-7702 Office supplies'],
      ['400012345', 10000, '2025-11-24', undefined, undefined, 'WIRE-IN-0001', undefined, undefined],
    ]);
    expect(parsed.entries[0]!.location).toBe('element Document/BkToCstmrStmt/Stmt[1]/Ntry[1]');
  });

  it('reads camt.053.001.02 with textual status and a BIC, skipping INFO entries', () => {
    const parsed = parseCamt(fixture('good/camt053-v02.xml'));
    expect(parsed.balances.map((b) => [b.account.bankId, b.kind, b.amount])).toEqual([
      ['BARCGB22', 'opening_booked', 502345.1],
      ['BARCGB22', 'closing_booked', 537845.1],
    ]);
    expect(parsed.entries.map((e) => [e.amount, e.reference, e.description])).toEqual([
      [48000, 'BACS 88812', 'FASTER PAYMENT FROM BRITCO LTD INV 5521'],
      [-12500, undefined, 'DIRECT DEBIT HMRC VAT'],
    ]);
  });

  it('reads a camt.052 intraday report with date-times and their offsets', () => {
    const parsed = parseCamt(fixture('good/camt052-intraday.xml'));
    expect(parsed.format).toBe('camt.052');
    const at = { date: '2025-11-25', time: '11:30:00', offsetMinutes: 60 };
    expect(parsed.balances.map((b) => [b.kind, b.currency, b.amount, b.at])).toEqual([
      ['interim_booked', 'EUR', 1253467.89, at],
      ['interim_available', 'EUR', 1250000, at],
    ]);
    expect(parsed.entries.map((e) => [e.amount, e.bookingDate, e.bankReference])).toEqual([
      [8200, '2025-11-25', 'DB2511250011'],
      [-1500, '2025-11-25', 'DB2511250012'],
    ]);
  });

  it.each([
    ['bad/camt053-not-well-formed.xml', /^camt\.053 line \d+, column \d+: not well-formed XML: .*AcctSvcrRef/],
    ['bad/camt053-comma-amount.xml', /^camt\.053 line 112, element Document\/BkToCstmrStmt\/Stmt\[1\]\/Ntry\[2\]\/Amt: amount "2500,00" is not a decimal number/],
    ['bad/camt053-balance-mismatch.xml', /^camt\.053 line 44, element Document\/BkToCstmrStmt\/Stmt\[1\]\/Bal\[2\]\/Amt: closing booked balance 1246767.98 EUR is not the opening balance 1234567.89 plus the booked entries 12200/],
    ['bad/camt053-wrong-entry-count.xml', /^camt\.053 line 71, element Document\/BkToCstmrStmt\/Stmt\[1\]\/TxsSummry\/TtlDbtNtries\/NbOfNtries: NbOfNtries says 4 debit entries, the statement holds 2/],
    ['bad/camt053-booked-without-date.xml', /^camt\.053 line 110, element Document\/BkToCstmrStmt\/Stmt\[1\]\/Ntry\[2\]: a booked entry \(Sts BOOK\) has no BookgDt/],
    ['bad/camt052-bad-datetime.xml', /^camt\.052 line 69, element Document\/BkToCstmrAcctRpt\/Rpt\[1\]\/Ntry\[2\]\/BookgDt\/DtTm: "2025-11-25T25:02:00\+01:00" is not a date-time/],
  ])('rejects %s naming the line and element', (name, message) => {
    const error = failure(fixture(name));
    expect(error.code).toBe('FINMON_STATEMENT_MALFORMED');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['another root element', '<Foo/>', /element Document: the root element must be Document/],
    ['another ISO message', '<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"><CstmrCdtTrfInitn/></Document>', /expected BkToCstmrStmt \(camt\.053\) or BkToCstmrAcctRpt/],
    ['a statement without account', '<Document><BkToCstmrStmt><Stmt><Id>1</Id></Stmt></BkToCstmrStmt></Document>', /element Document\/BkToCstmrStmt\/Stmt\[1\]: missing element Acct/],
    ['a bad credit/debit indicator', '<Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>X</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CR</CdtDbtInd><Dt><Dt>2025-11-24</Dt></Dt></Bal></Stmt></BkToCstmrStmt></Document>', /Bal\[1\]\/CdtDbtInd: CdtDbtInd "CR" is not CRDT or DBIT/],
    ['a missing currency', '<Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>X</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-11-24</Dt></Dt></Bal></Stmt></BkToCstmrStmt></Document>', /Bal\[1\]\/Amt: Ccy attribute null is not an ISO 4217 code/],
    ['an impossible date', '<Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>X</IBAN></Id></Acct><Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2025-02-30</Dt></Dt></Bal></Stmt></BkToCstmrStmt></Document>', /Bal\[1\]\/Dt\/Dt: "2025-02-30" is not a date YYYY-MM-DD/],
    ['an unknown entry status', '<Document><BkToCstmrStmt><Stmt><Acct><Id><IBAN>X</IBAN></Id></Acct><Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>DONE</Sts></Ntry></Stmt></BkToCstmrStmt></Document>', /Ntry\[1\]\/Sts: entry status "DONE"/],
  ])('rejects %s', (_name, xml, message) => {
    expect(failure(xml).message).toMatch(message);
  });
});
