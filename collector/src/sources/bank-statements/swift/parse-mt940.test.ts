import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatementFormatError } from '../statement-error';
import { parseMt940 } from './parse-mt940';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

function failure(text: string): StatementFormatError {
  try {
    parseMt940(text);
  } catch (error) {
    if (error instanceof StatementFormatError) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

describe('parseMt940', () => {
  it('reads enveloped statements: sender BIC, account from field 25, balances and entries with 86 details', () => {
    const parsed = parseMt940(fixture('good/mt940-deutsche-bank.sta'));
    expect(parsed).toMatchObject({ format: 'mt940', statements: 2 });
    const account = { id: 'DE89370400440532013000', bankId: 'DEUTDEFF' };
    expect(parsed.balances).toEqual([
      { account, currency: 'EUR', kind: 'opening_booked', amount: 1234567.89, at: { date: '2025-11-21', time: '00:00:00' }, location: 'line 5' },
      { account, currency: 'EUR', kind: 'closing_booked', amount: 1247378.44, at: { date: '2025-11-24', time: '23:59:59' }, location: 'line 14' },
      { account, currency: 'EUR', kind: 'closing_available', amount: 1247378.44, at: { date: '2025-11-24', time: '23:59:59' }, location: 'line 15' },
      { account, currency: 'EUR', kind: 'opening_booked', amount: 100000, at: { date: '2025-12-30', time: '00:00:00' }, location: 'line 21' },
      { account, currency: 'EUR', kind: 'closing_booked', amount: 99000, at: { date: '2025-12-31', time: '23:59:59' }, location: 'line 24' },
    ]);
    expect(parsed.entries.map((e) => [e.amount, e.bookingDate, e.valueDate, e.reference, e.bankReference, e.typeCode, e.reversal, e.location])).toEqual([
      [15000, '2025-11-24', '2025-11-24', 'INV-2025-1190', 'DB2511240001', 'NTRF', undefined, 'line 6'],
      [-2500, '2025-11-24', '2025-11-24', undefined, 'DB2511240002', 'NMSC', undefined, 'line 10'],
      [310.55, '2025-11-24', '2025-11-24', 'REF-88', 'DB2511240003', 'NTRF', true, 'line 12'],
      // Value date 31 Dec 2025, booked 2 Jan: the entry date's year is the one nearest the value date.
      [-1000, '2026-01-02', '2025-12-31', undefined, 'DB2601020001', 'NCHG', undefined, 'line 22'],
    ]);
    expect(parsed.entries[0]!.description).toBe('166?00SEPA-GUTSCHRIFT?20EREF+INV-2025-1190?21SVWZ+Invoice 1190 ?32ACME EUROPE GMBH');
  });

  it('reads plain files separated by "-": intermediate opening balance, forward available balance, no BIC', () => {
    const parsed = parseMt940(fixture('good/mt940-plain.sta'));
    expect(parsed.statements).toBe(2);
    expect(parsed.balances.map((b) => [b.account.id, b.account.bankId, b.currency, b.kind, b.amount, b.at.date])).toEqual([
      ['20325333344556', undefined, 'GBP', 'opening_booked', 502345.1, '2025-11-21'],
      ['20325333344556', undefined, 'GBP', 'closing_booked', 537845.1, '2025-11-24'],
      ['000123456789', undefined, 'USD', 'opening_booked', -1500, '2025-11-24'],
      ['000123456789', undefined, 'USD', 'closing_booked', 500, '2025-11-24'],
      ['000123456789', undefined, 'USD', 'forward_available', 650, '2025-11-25'],
    ]);
    expect(parsed.entries.map((e) => [e.account.id, e.amount, e.description])).toEqual([
      ['20325333344556', 48000, 'FASTER PAYMENT FROM BRITCO LTD INV 5521'],
      ['20325333344556', -12500, 'DIRECT DEBIT HMRC VAT'],
      ['000123456789', 2000, undefined],
    ]);
  });

  it.each([
    ['bad/mt940-turnover-mismatch.sta', /^mt940 line 9: opening balance plus the entries does not give the closing balance/],
    ['bad/mt940-unreadable-statement-line.sta', /^mt940 line 7: tag :61: cannot be read: "2511X4D12500,00NDDTNONREF/],
    ['bad/mt940-missing-closing-balance.sta', /^mt940 line 11: the statement starting here has no mandatory tag :62:/],
    ['bad/mt940-impossible-date.sta', /^mt940 line 4: tag :60F: date 251131 is not a valid YYMMDD date/],
  ])('rejects %s naming the line', (name, message) => {
    const error = failure(fixture(name));
    expect(error.code).toBe('FINMON_STATEMENT_MALFORMED');
    expect(error.message).toMatch(message);
  });

  it.each([
    ['an empty file', '', /^mt940 line 1: no SWIFT message found/],
    ['text that is no SWIFT', 'hello world\n', /^mt940 line 1: expected a SWIFT tag/],
    ['an MT942 tag in an MT940', ':20:X\n:25:1\n:28C:1\n:13D:2511251130+0100\n:60F:C251124EUR1,00\n:62F:C251124EUR1,00\n', /^mt940 line 4: tag :13D: is not part of an MT940 statement/],
    ['mixed currencies', ':20:X\n:25:1\n:28C:1\n:60F:C251124EUR1,00\n:62F:C251124USD1,00\n', /^mt940 line 5: balance currency USD differs from EUR/],
    ['an impossible entry date', ':20:X\n:25:1\n:28C:1\n:60F:C251124EUR1,00\n:61:2511241340C1,00NTRFX\n:62F:C251124EUR2,00\n', /^mt940 line 5: tag :61: entry date 1340 is not a valid MMDD date/],
  ])('rejects %s', (_name, text, message) => {
    expect(failure(text).message).toMatch(message);
  });
});
