import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { StatementFormatError } from '../statement-error';
import { parseBai2 } from './parse-bai2';

const fixture = (name: string) => readFileSync(join(__dirname, '..', 'fixtures', name), 'utf8');

function failure(text: string): StatementFormatError {
  try {
    parseBai2(text);
  } catch (error) {
    if (error instanceof StatementFormatError) return error;
    throw error;
  }
  throw new Error('expected the file to be rejected');
}

/** A minimal well-formed file around the given account records (totals computed). */
function file(accountLines: string[], opts: { status?: string; currency?: string; time?: string; total?: number } = {}): string {
  let total = 0;
  for (const line of accountLines) {
    if (!line.startsWith('03,') && !line.startsWith('16,') && !line.startsWith('88,')) continue;
    const fields = line.replace(/\/$/, '').split(',');
    if (line.startsWith('16,')) total += Number(fields[2]);
    else {
      const start = line.startsWith('03,') ? 3 : 1;
      for (let i = start; i + 1 < fields.length; i += 4) if (fields[i + 1] !== '' && fields[i + 1] !== undefined) total += Number(fields[i + 1]);
    }
  }
  if (opts.total !== undefined) total = opts.total;
  const records = accountLines.length + 1;
  return [
    '01,BANK,CUST,251124,0600,1,,,2/',
    `02,CUST,BANKORIG,${opts.status ?? '1'},251124,${opts.time ?? '2400'},${opts.currency ?? 'USD'},2/`,
    ...accountLines,
    `49,${total},${records}/`,
    `98,${total},1,${records + 2}/`,
    `99,${total},1,${records + 4}/`,
  ].join('\n');
}

describe('parseBai2', () => {
  it('reads balances and transaction details of a previous-day file with continuations and every funds type', () => {
    const parsed = parseBai2(fixture('good/bai2-previous-day.bai'));
    expect(parsed.format).toBe('bai2');
    expect(parsed.statements).toBe(3);
    expect(parsed.balances.map((b) => [b.account.id, b.account.bankId, b.currency, b.kind, b.amount, b.at])).toEqual([
      ['4128001234', '121000248', 'USD', 'opening_booked', 8123450.67, { date: '2025-11-24', time: '00:00:00' }],
      ['4128001234', '121000248', 'USD', 'closing_booked', 7980012.33, { date: '2025-11-24', time: '23:59:59' }],
      ['4128001234', '121000248', 'USD', 'opening_available', 8050000, { date: '2025-11-24', time: '00:00:00' }],
      ['4128001234', '121000248', 'USD', 'closing_available', 7900120, { date: '2025-11-24', time: '23:59:59' }],
      ['4128009999', '121000248', 'USD', 'closing_booked', -15000, { date: '2025-11-24', time: '23:59:59' }],
      ['4128009999', '121000248', 'USD', 'closing_available', -15000, { date: '2025-11-24', time: '23:59:59' }],
      ['DE89370400440532013000', '026009593', 'EUR', 'closing_booked', 1234567.89, { date: '2025-11-24', time: '23:59:59' }],
      ['DE89370400440532013000', '026009593', 'EUR', 'interim_booked', 1230000, { date: '2025-11-24', time: '23:59:59' }],
    ]);
    expect(parsed.entries.map((e) => [e.account.id, e.currency, e.amount, e.typeCode, e.bankReference, e.reference, e.description, e.valueDate])).toEqual([
      ['4128001234', 'USD', 18500, '195', 'WIR25112400417', 'INV-2025-1187', 'INCOMING WIRE FROM ACME CORP, REF 1187', undefined],
      ['4128001234', 'USD', 6510, '165', 'ACH0009912', undefined, 'ACH CREDIT   SMITHFIELD RETAIL', undefined],
      ['4128001234', 'USD', -22500, '475', 'CHK000123', '10455', 'CHECK PAID', undefined],
      ['4128001234', 'USD', -123448.34, '451', 'ACH7781', 'PAYROLL-1124', 'ACH DEBIT PAYROLL NOV 24 SECOND LINE OF PAYROLL TEXT', undefined],
      ['4128001234', 'USD', -22500, '555', 'RET88812', undefined, 'RETURNED DEPOSITED ITEM', '2025-11-26'],
      ['4128009999', 'USD', -15000, '495', 'WIR998', undefined, 'OUTGOING WIRE, TRANSFER TO RESERVE', undefined],
      ['DE89370400440532013000', 'EUR', 5000, '142', 'B00771', 'SEPA-99', 'SEPA CREDIT TRANSFER', undefined],
      ['DE89370400440532013000', 'EUR', -800, '699', 'B00772', undefined, 'BANK FEES NOVEMBER', undefined],
    ]);
    expect(parsed.entries.every((e) => e.bookingDate === '2025-11-24')).toBe(true);
    expect(parsed.entries[0]!.location).toBe('line 5');
  });

  it('reads an intraday file: current balances at the group as-of time, group currency by default', () => {
    const parsed = parseBai2(fixture('good/bai2-intraday.bai'));
    expect(parsed.balances.map((b) => [b.kind, b.currency, b.amount, b.at])).toEqual([
      ['interim_booked', 'USD', 8012500, { date: '2025-11-25', time: '11:30:00' }],
      ['interim_available', 'USD', 7990000, { date: '2025-11-25', time: '11:30:00' }],
    ]);
    expect(parsed.entries).toHaveLength(1);
    expect(parsed.entries[0]!.amount).toBeCloseTo(32487.67, 2);
  });

  it('uses the currency\'s minor unit for implied decimals (JPY has none, BHD three)', () => {
    const jpy = parseBai2(file(['03,555,JPY,015,1234567,,/', '16,195,1000,Z,,,/'], { currency: 'JPY' }));
    expect(jpy.balances[0]!.amount).toBe(1234567);
    expect(jpy.entries[0]!.amount).toBe(1000);
    const bhd = parseBai2(file(['03,556,BHD,015,1234567,,/']));
    expect(bhd.balances[0]!.amount).toBeCloseTo(1234.567, 6);
  });

  it('continues a 03 record in an 88 record split anywhere between fields', () => {
    const parsed = parseBai2(file(['03,777,USD,010,100,,', '88,,015,250,,/', '88,045,240,,/'], { total: 590 }));
    expect(parsed.balances.map((b) => [b.kind, b.amount])).toEqual([
      ['opening_booked', 1],
      ['closing_booked', 2.5],
      ['closing_available', 2.4],
    ]);
  });

  it('skips groups marked deletion (2) or test only (4) but still checks them', () => {
    expect(parseBai2(file(['03,777,USD,015,100,,/', '16,195,100,Z,,,/'], { status: '4' }))).toMatchObject({ balances: [], entries: [] });
    expect(parseBai2(file(['03,777,USD,015,100,,/'], { status: '2' })).balances).toEqual([]);
    expect(failure(file(['03,777,USD,015,100,,/'], { status: '7' })).message).toMatch(/line 2: 02 record: group status "7"/);
  });

  it('ignores loan and non-monetary (700–899) details but counts them in the control total', () => {
    const parsed = parseBai2(file(['03,777,USD,015,100,,/', '16,890,,Z,,,INFO ONLY', '16,701,500,Z,,,LOAN']));
    expect(parsed.entries).toEqual([]);
  });

  it.each([
    ['bad/bai2-control-total-mismatch.bai', /^bai2 line 11: 49 record: account control total 3244049969 does not match the sum of the account's amounts 3244049968/],
    ['bad/bai2-unknown-funds-type.bai', /^bai2 line 7: 16 record: type code 475: funds type "X" is not one of Z, 0, 1, 2, S, V, D/],
    ['bad/bai2-missing-file-trailer.bai', /the file ends without a 99 file trailer/],
    ['bad/bai2-decimal-point-amount.bai', /^bai2 line 5: 16 record: amount "18500.00" is not an unsigned whole number of minor units/],
  ])('rejects %s naming the line', (name, message) => {
    const error = failure(fixture(name));
    expect(error.code).toBe('FINMON_STATEMENT_MALFORMED');
    expect(error.retryable).toBe(false);
    expect(error.message).toMatch(message);
  });

  it.each([
    ['an empty file', '', /line 1: the file is empty/],
    ['a file not starting with 01', '02,A,B,1,251124,,USD,2/', /line 1: expected the 01 file header first, found record 02/],
    ['BAI version 1', '01,A,B,251124,0600,1,,,1/', /version number "1" is not supported/],
    ['an unknown record code', '01,A,B,251124,0600,1,,,2/\n17,x/', /line 2: unknown record code 17/],
    ['a line that is no record', '01,A,B,251124,0600,1,,,2/\nhello', /line 2: not a BAI2 record/],
    ['an 88 before any record', '88,abc/', /line 1: 88 continuation record with no record before it/],
    ['a bad as-of date', file(['03,777,USD,015,100,,/']).replace('251124,2400', '251131,2400'), /line 2: 02 record: as-of date "251131" is not a YYMMDD date/],
    ['a bad as-of time', file(['03,777,USD,015,100,,/']).replace(',2400,', ',2460,'), /line 2: 02 record: as-of time "2460" is not HHMM/],
    ['a bad currency', file(['03,777,,015,100,,/'], { currency: 'usd' }), /line 2: 02 record: currency "usd"/],
    ['a 16 record outside an account', '01,A,B,251124,0600,1,,,2/\n02,C,D,1,251124,,USD,2/\n16,195,1,Z,,,/', /line 3: 16 transaction detail outside an account/],
    ['a status code in a 16 record', file(['03,777,USD,015,100,,/', '16,015,100,Z,,,/']), /line 4: 16 record: type code 015 is a status \(balance\) code/],
    ['a total in a 16 record', file(['03,777,USD,015,100,,/', '16,400,100,Z,,,/']), /type code 400 is a total code/],
    ['a missing 16 amount', file(['03,777,USD,015,100,,/', '16,195,,Z,,,/']), /line 4: 16 record: amount is missing for type code 195/],
    ['a signed 16 amount', file(['03,777,USD,015,100,,/', '16,195,-100,Z,,,/']), /line 4: 16 record: amount "-100" is not an unsigned/],
    ['a two-digit type code', file(['03,777,USD,15,100,,/']), /line 3: 03 record: type code "15" is not a three-digit BAI type code/],
    ['a 03 record cut short', file(['03,777,USD,015,100/']), /line 3: 03 record: record ends before its item count of type code 015/],
    ['a bad value date (funds type V)', file(['03,777,USD,015,100,,/', '16,195,100,V,251340,,,,/']), /value date "251340" \(funds type V\)/],
    ['a bad distribution count (funds type D)', file(['03,777,USD,015,100,,/', '16,195,100,D,x,,,/']), /number of distributions "x"/],
    ['a missing account number', file(['03,,USD,015,100,,/']), /line 3: 03 record: customer account number is empty/],
    ['a wrong record count in 49', file(['03,777,USD,015,100,,/']).replace('49,100,2/', '49,100,3/'), /line 4: 49 record: number of records 3 does not match the 2 records/],
    ['a wrong group control total', file(['03,777,USD,015,100,,/']).replace('98,100,', '98,101,'), /line 5: 98 record: group control total 101 does not match/],
    ['a wrong account count in 98', file(['03,777,USD,015,100,,/']).replace('98,100,1,', '98,100,2,'), /98 record: number of accounts 2 does not match the 1 accounts/],
    ['a wrong file control total', file(['03,777,USD,015,100,,/']).replace('99,100,', '99,99,'), /line 6: 99 record: file control total 99 does not match/],
    ['a wrong group count in 99', file(['03,777,USD,015,100,,/']).replace('99,100,1,', '99,100,2,'), /99 record: number of groups 2 does not match the 1 groups/],
    ['a wrong file record count', file(['03,777,USD,015,100,,/']).replace(/99,100,1,\d+\//, '99,100,1,99/'), /99 record: number of records 99 does not match the 6 records/],
    ['records after 99', `${file(['03,777,USD,015,100,,/'])}\n02,C,D,1,251124,,USD,2/`, /record 02 after the 99 file trailer/],
    ['a group without trailer', '01,A,B,251124,0600,1,,,2/\n02,C,D,1,251124,,USD,2/\n99,0,1,3/', /line 3: 99 file trailer before the 98 trailer of the group at line 2/],
    ['an account without trailer', '01,A,B,251124,0600,1,,,2/\n02,C,D,1,251124,,USD,2/\n03,1,USD/\n98,0,0,3/', /line 4: 98 group trailer before the 49 trailer of the account at line 3/],
  ])('rejects %s with the line and the reason', (_name, text, message) => {
    expect(failure(text).message).toMatch(message);
  });

  it('accepts CRLF line ends, a byte-order mark, blank lines and record padding', () => {
    const text = `\uFEFF${file(['03,777,USD,015,100,,/          ', '16,195,100,Z,R1,,PAID    /'])}\n\n`.replace(/\n/g, '\r\n');
    const parsed = parseBai2(text);
    expect(parsed.balances[0]!.amount).toBe(1);
    expect(parsed.entries[0]).toMatchObject({ amount: 1, bankReference: 'R1', description: 'PAID' });
  });

  describe('round trip of generated files', () => {
    const detail = fc.record({
      code: fc.constantFrom('115', '142', '165', '195', '275', '451', '455', '475', '495', '575', '699', '935', '975'),
      cents: fc.integer({ min: 1, max: 9_999_999_999 }),
      funds: fc.constantFrom('Z', '0', '1', '2', 'V', 'S', ''),
      bankRef: fc.stringMatching(/^[A-Z0-9]{0,12}$/),
      text: fc.stringMatching(/^[A-Z0-9 ,.-]{0,60}$/),
      splitText: fc.boolean(),
    });
    const account = fc.record({
      number: fc.stringMatching(/^[0-9]{6,12}$/),
      currency: fc.constantFrom('USD', 'EUR', 'JPY', 'GBP'),
      closing: fc.integer({ min: -1_000_000_000, max: 1_000_000_000 }),
      details: fc.array(detail, { maxLength: 6 }),
      splitAfter: fc.boolean(),
    });

    it('parses every balance and detail a generated file holds, however records are continued', () => {
      fc.assert(
        fc.property(fc.array(account, { minLength: 1, maxLength: 4 }), (accounts) => {
          const lines = ['01,GEN,CUST,251124,0600,1,,,2/', '02,CUST,ORIG,1,251124,0900,USD,3/'];
          let groupTotal = 0;
          let groupRecords = 2;
          for (const a of accounts) {
            const recordsBefore = lines.length;
            let total = a.closing;
            if (a.splitAfter) lines.push(`03,${a.number},${a.currency},015,${a.closing},,`, '88,/');
            else lines.push(`03,${a.number},${a.currency},015,${a.closing},,/`);
            for (const d of a.details) {
              total += d.cents;
              const funds = d.funds === 'V' ? 'V,251125,' : d.funds === 'S' ? `S,${d.cents},0,0` : d.funds;
              const text = d.text.trim();
              if (d.splitText && text.length > 1) {
                const cut = Math.floor(text.length / 2);
                lines.push(`16,${d.code},${d.cents},${funds},${d.bankRef},,${text.slice(0, cut).trim()}`, `88,${text.slice(cut).trim()}`);
              } else {
                lines.push(`16,${d.code},${d.cents},${funds},${d.bankRef},,${text}/`);
              }
            }
            const records = lines.length - recordsBefore + 1;
            lines.push(`49,${total},${records}/`);
            groupTotal += total;
            groupRecords += records;
          }
          lines.push(`98,${groupTotal},${accounts.length},${groupRecords}/`);
          lines.push(`99,${groupTotal},1,${lines.length + 1}/`);
          const parsed = parseBai2(lines.join('\n'));
          const digits = (ccy: string) => (ccy === 'JPY' ? 1 : 100);
          expect(parsed.balances.map((b) => [b.account.id, b.currency, b.amount])).toEqual(
            accounts.map((a) => [a.number, a.currency, a.closing / digits(a.currency)]),
          );
          const expected = accounts.flatMap((a) =>
            a.details.map((d) => {
              const credit = Number(d.code) < 400 || (Number(d.code) >= 920 && Number(d.code) < 960);
              return [a.number, (credit ? d.cents : -d.cents) / digits(a.currency), d.bankRef === '' ? undefined : d.bankRef];
            }),
          );
          expect(parsed.entries.map((e) => [e.account.id, e.amount, e.bankReference])).toEqual(expected);
          parsed.entries.forEach((e, i) => {
            const d = accounts.flatMap((a) => a.details)[i]!;
            expect(e.description ?? '').toBe(d.text.trim() === '' ? '' : d.splitText && d.text.trim().length > 1 ? `${d.text.trim().slice(0, Math.floor(d.text.trim().length / 2)).trim()} ${d.text.trim().slice(Math.floor(d.text.trim().length / 2)).trim()}`.trim() : d.text.trim());
          });
        }),
        { numRuns: 300 },
      );
    });
  });
});
