import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeStatementBytes, detectStatementFormat, parseStatementFile } from './parse-statement-file';
import { StatementFormatError } from './statement-error';

const dir = (kind: string) => join(__dirname, 'fixtures', kind);

describe('parseStatementFile', () => {
  it.each([
    ['bai2-previous-day.bai', 'bai2'],
    ['bai2-intraday.bai', 'bai2'],
    ['mt940-deutsche-bank.sta', 'mt940'],
    ['mt940-plain.sta', 'mt940'],
    ['mt942-intraday.sta', 'mt942'],
    ['camt053-v08.xml', 'camt.053'],
    ['camt053-v02.xml', 'camt.053'],
    ['camt052-intraday.xml', 'camt.052'],
  ])('recognises %s as %s by its content', (name, format) => {
    const text = readFileSync(join(dir('good'), name), 'utf8');
    expect(detectStatementFormat(text)).toBe(format);
    expect(parseStatementFile(text).format).toBe(format);
  });

  it('recognises a plain MT942 by its 13D and 34F tags', () => {
    expect(detectStatementFormat(':20:X\n:25:A\n:28C:1\n:34F:EUR0,\n:13D:2511251130+0100\n')).toBe('mt942');
  });

  it('rejects every broken fixture with a StatementFormatError', () => {
    const names = readdirSync(dir('bad'));
    expect(names.length).toBeGreaterThanOrEqual(15);
    for (const name of names) {
      const text = readFileSync(join(dir('bad'), name), 'utf8');
      expect(() => parseStatementFile(text)).toThrow(StatementFormatError);
    }
  });

  it.each([
    ['text of another kind', 'Dear customer, your statement follows.', /^unknown line 1: not a recognised statement format/],
    ['XML of another kind', '<?xml version="1.0"?><invoice/>', /^unknown line 1: not a recognised statement format/],
    ['binary content', 'PK\u0003\u0004\u0000\u0000', /^unknown file: binary content/],
  ])('rejects %s', (_name, text, message) => {
    expect(() => parseStatementFile(text)).toThrow(message);
  });

  it('decodes ISO-8859-1 files (umlauts in field 86) when they are not UTF-8', () => {
    const latin1 = Buffer.from(':86:R\xfcckbuchung', 'latin1');
    expect(decodeStatementBytes(latin1)).toBe(':86:Rückbuchung');
    expect(decodeStatementBytes(Buffer.from(':86:Rückbuchung', 'utf8'))).toBe(':86:Rückbuchung');
  });
});
