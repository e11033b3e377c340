import { parseBai2 } from './bai2/parse-bai2';
import { parseCamt } from './camt/parse-camt';
import { StatementFormatError } from './statement-error';
import type { ParsedStatementFile, StatementFormat } from './statement-model';
import { parseMt940 } from './swift/parse-mt940';
import { parseMt942 } from './swift/parse-mt942';

/**
 * Recognises a statement file by its content (never by its name: banks name files freely):
 * XML with BkToCstmrStmt / BkToCstmrAcctRpt is camt.053 / camt.052, a first record `01,` is BAI2,
 * SWIFT text is MT942 when its envelope says 942 or it carries 13D/34F, else MT940.
 * Undefined when it is none of these.
 */
export function detectStatementFormat(text: string): StatementFormat | undefined {
  const head = text.replace(/^\uFEFF/, '').trimStart().slice(0, 4096);
  if (head.startsWith('<')) {
    if (/BkToCstmrAcctRpt|camt\.052\./.test(head)) return 'camt.052';
    if (/BkToCstmrStmt|camt\.053\./.test(head)) return 'camt.053';
    return undefined;
  }
  if (/^01,/.test(head)) return 'bai2';
  const envelope = /\{2:[IO](94[02])/.exec(head);
  if (envelope) return envelope[1] === '942' ? 'mt942' : 'mt940';
  if (/^:20:/m.test(head)) return /^:(13D|34F):/m.test(text) ? 'mt942' : 'mt940';
  return undefined;
}

/** Decodes file bytes: UTF-8, or ISO-8859-1 when they are not valid UTF-8 (older MT940 files). */
export function decodeStatementBytes(bytes: Buffer): string {
  const utf8 = bytes.toString('utf8');
  return utf8.includes('\uFFFD') ? bytes.toString('latin1') : utf8;
}

/** Detects the format and parses; throws {@link StatementFormatError} for anything unreadable. */
export function parseStatementFile(text: string): ParsedStatementFile {
  if (text.includes('\u0000')) throw new StatementFormatError('unknown', 'file', 'binary content (NUL bytes); expected a BAI2, MT940, MT942, camt.053 or camt.052 text file');
  const format = detectStatementFormat(text);
  switch (format) {
    case 'bai2':
      return parseBai2(text);
    case 'mt940':
      return parseMt940(text);
    case 'mt942':
      return parseMt942(text);
    case 'camt.053':
    case 'camt.052':
      return parseCamt(text);
    default:
      throw new StatementFormatError('unknown', 'line 1', 'not a recognised statement format; expected BAI2 (starts with "01,"), SWIFT MT940/MT942 (":20:" tags) or ISO 20022 camt.053/camt.052 XML');
  }
}
