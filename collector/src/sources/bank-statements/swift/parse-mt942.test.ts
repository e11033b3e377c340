import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { StatementFormatError } from '../statement-error';
import { parseMt942 } from './parse-mt942';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

function failure(text: string): StatementFormatError {
  try {
    parseMt942(text);
  } catch (error) {
    if (error instanceof StatementFormatError) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

const minimal = (body: string) => `:20:R1\n:25:ACC1\n:28C:1/1\n:34F:EUR0,\n:13D:2511251130+0100\n${body}`;

describe('parseMt942', () => {
  it('reads an intraday report: entries with details, checked 90D/90C totals, interim balances at the 13D time', () => {
    const parsed = parseMt942(fixture('good/mt942-intraday.sta'));
    expect(parsed).toMatchObject({ format: 'mt942', statements: 1 });
    const account = { id: 'DE89370400440532013000', bankId: 'DEUTDEFF' };
    const at = { date: '2025-11-25', time: '11:30:00', offsetMinutes: 60 };
    expect(parsed.balances).toEqual([
      { account, currency: 'EUR', kind: 'interim_booked', amount: 1254078.44, at, location: 'line 16' },
      { account, currency: 'EUR', kind: 'interim_available', amount: 1250000, at, location: 'line 17' },
    ]);
    expect(parsed.entries.map((e) => [e.amount, e.bookingDate, e.reference, e.bankReference, e.typeCode, e.description, e.location])).toEqual([
      [8200, '2025-11-25', 'INV-2025-1201', 'DB2511250011', 'NTRF', '166?00SEPA-GUTSCHRIFT?20EREF+INV-2025-1201?32GLOBEX SE', 'line 9'],
      [-1199.99, '2025-11-25', 'PO-7781', 'DB2511250012', 'NTRF', '177?00SEPA-UEBERWEISUNG?20PO-7781 Office supplies', 'line 11'],
      [-300.01, '2025-11-25', undefined, 'DB2511250013', 'NCHG', undefined, 'line 13'],
    ]);
  });

  it('reads a report without entries or totals', () => {
    expect(parseMt942(minimal(''))).toMatchObject({ statements: 1, balances: [], entries: [] });
  });

  it.each([
    ['bad/mt942-debit-sum-mismatch.sta', /^mt942 line 14: field 90D says 2 debit entries totalling 1500,01, the report holds 2 totalling 1500/],
    ['bad/mt942-missing-13D.sta', /^mt942 line 1: the report starting here has no mandatory tag :13D:/],
  ])('rejects %s naming the line', (name, message) => {
    expect(failure(fixture(name)).message).toMatch(message);
  });

  it.each([
    ['a bad 13D', ':20:R1\n:25:A\n:28C:1\n:34F:EUR0,\n:13D:2511251190+0100\n', /^mt942 line 5: field 13D "2511251190\+0100" is not a date and time/],
    ['a bad floor limit', ':20:R1\n:25:A\n:28C:1\n:34F:EURO\n:13D:2511251130+0100\n', /^mt942 line 4: field 34F "EURO" is not a floor limit/],
    ['two floor currencies', ':20:R1\n:25:A\n:28C:1\n:34F:EURD0,\n:34F:USDC0,\n:13D:2511251130+0100\n', /^mt942 line 5: floor limit currency USD differs from EUR/],
    ['a statement balance tag', minimal(':60F:C251124EUR1,00\n'), /^mt942 line 6: tag :60F: is not part of an MT942 report/],
    ['a wrong credit count', minimal(':61:251125C5,00NTRFX\n:90C:2EUR5,00\n'), /^mt942 line 7: field 90C says 2 credit entries totalling 5,00, the report holds 1 totalling 5/],
    ['a 90D in another currency', minimal(':90D:0USD0,\n'), /field 90D currency USD differs from EUR/],
    ['an unreadable entry', minimal(':61:garbage\n'), /^mt942 line 6: tag :61: cannot be read/],
    ['a duplicated 25', ':20:R1\n:25:A\n:25:B\n:28C:1\n:34F:EUR0,\n:13D:2511251130+0100\n', /^mt942 line 3: tag :25: appears more than once/],
  ])('rejects %s', (_name, text, message) => {
    expect(failure(text).message).toMatch(message);
  });
});
