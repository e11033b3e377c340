/**
 * Fits a text into one SMS segment: 160 characters of the GSM 03.38 alphabet (characters of its
 * extension table, such as `€ [ ] { } ^ ~ | \`, take two), or 70 UTF-16 units when the text needs
 * Unicode (UCS-2). Typographic characters outside GSM (’ “ ” – — … and accented letters such as
 * á or ł) are first replaced by GSM look-alikes so that most texts stay in the 160-character
 * alphabet; whitespace runs collapse to one space. Longer texts are cut at a word boundary when one
 * is near, ending in "...".
 */

export const GSM_SEGMENT_SEPTETS = 160;
export const UCS2_SEGMENT_UNITS = 70;

// GSM 03.38 default alphabet (one septet each). Line feed and carriage return are part of it.
const GSM_BASIC = new Set(
  Array.from(
    '@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&\'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà',
  ),
);
// Extension table: an escape septet plus one, so two each.
const GSM_EXTENDED = new Set(Array.from('^{}\\[~]|€\f'));

const LOOK_ALIKES: Readonly<Record<string, string>> = {
  '‘': "'",
  '’': "'",
  '‚': "'",
  '′': "'",
  '“': '"',
  '”': '"',
  '„': '"',
  '″': '"',
  '–': '-',
  '—': '-',
  '‐': '-',
  '‑': '-',
  '−': '-',
  '…': '...',
  '•': '*',
  '·': '.',
  '×': 'x',
  '÷': '/',
  '→': '->',
  '←': '<-',
  '≥': '>=',
  '≤': '<=',
  '≠': '!=',
  '±': '+/-',
  '°': 'deg',
  '\u00A0': ' ',
  '\u2009': ' ',
  '\u202F': ' ',
  '\t': ' ',
  '`': "'",
  'ł': 'l',
  'Ł': 'L',
  'đ': 'd',
  'Đ': 'D',
  'œ': 'oe',
  'Œ': 'OE',
};

export interface SmsText {
  readonly text: string;
  readonly encoding: 'gsm7' | 'ucs2';
  /** Whether the text was cut to fit one segment. */
  readonly truncated: boolean;
}

/** Septets `char` takes in GSM 03.38, or undefined when it is not in the alphabet. */
export function gsmSeptets(char: string): 1 | 2 | undefined {
  if (GSM_BASIC.has(char)) return 1;
  if (GSM_EXTENDED.has(char)) return 2;
  return undefined;
}

/** `text` with look-alikes for characters outside GSM where one exists (others are left). */
export function toGsmLookAlikes(text: string): string {
  let out = '';
  for (const char of text) {
    if (gsmSeptets(char) !== undefined) {
      out += char;
      continue;
    }
    const mapped = LOOK_ALIKES[char];
    if (mapped !== undefined) {
      out += mapped;
      continue;
    }
    // An accented letter whose base letter is in GSM: "á" → "a", "ő" → "o".
    const base = char.normalize('NFD').replace(/\p{M}+/gu, '');
    out += base !== '' && Array.from(base).every((c) => gsmSeptets(c) !== undefined) ? base : char;
  }
  return out;
}

/** One SMS segment's worth of `text` (see the module comment). */
export function fitSmsSegment(text: string): SmsText {
  const collapsed = text.replace(/\s+/gu, ' ').trim();
  const gsm = toGsmLookAlikes(collapsed);
  if (Array.from(gsm).every((c) => gsmSeptets(c) !== undefined)) {
    return cut(gsm, 'gsm7', GSM_SEGMENT_SEPTETS, (c) => gsmSeptets(c) as number);
  }
  return cut(collapsed, 'ucs2', UCS2_SEGMENT_UNITS, (c) => c.length);
}

function cut(text: string, encoding: SmsText['encoding'], limit: number, size: (char: string) => number): SmsText {
  const chars = Array.from(text);
  const total = chars.reduce((n, c) => n + size(c), 0);
  if (total <= limit) return { text, encoding, truncated: false };
  const ellipsis = '...';
  const budget = limit - ellipsis.length;
  let used = 0;
  let end = 0;
  while (end < chars.length && used + size(chars[end] as string) <= budget) {
    used += size(chars[end] as string);
    end += 1;
  }
  let kept = chars.slice(0, end).join('');
  // Prefer a word boundary when it costs at most a fifth of the segment.
  const space = kept.lastIndexOf(' ');
  if (space >= budget * 0.8) kept = kept.slice(0, space);
  return { text: `${kept.trimEnd()}${ellipsis}`, encoding, truncated: true };
}
