import fc from 'fast-check';
import { fitSmsSegment, GSM_SEGMENT_SEPTETS, gsmSeptets, toGsmLookAlikes, UCS2_SEGMENT_UNITS } from './sms-text';

/** Septets a GSM text takes (extension characters count two). */
const septets = (text: string) => Array.from(text).reduce((n, c) => n + (gsmSeptets(c) ?? Number.NaN), 0);

describe('gsmSeptets', () => {
  it.each([
    ['a', 1],
    ['@', 1],
    ['é', 1],
    ['Δ', 1],
    ['€', 2],
    ['[', 2],
    ['~', 2],
    ['á', undefined],
    ['’', undefined],
    ['😀', undefined],
  ])('%s takes %s', (char, expected) => {
    expect(gsmSeptets(char)).toBe(expected);
  });
});

describe('toGsmLookAlikes', () => {
  it('replaces typographic characters and accented letters by GSM look-alikes', () => {
    expect(toGsmLookAlikes('Tomás’ “cash” – 5 … Łódź ≥ 3')).toBe('Tomas\' "cash" - 5 ... Lodz >= 3');
  });

  it('keeps characters GSM has and leaves the ones without a look-alike', () => {
    expect(toGsmLookAlikes('Müller é Ñ 東京')).toBe('Müller é Ñ 東京');
  });
});

describe('fitSmsSegment', () => {
  it('keeps a short GSM text as it is, with whitespace collapsed', () => {
    expect(fitSmsSegment('  CRITICAL:\n cash  below floor ')).toEqual({ text: 'CRITICAL: cash below floor', encoding: 'gsm7', truncated: false });
  });

  it('keeps a text of exactly 160 septets whole', () => {
    const text = 'a'.repeat(158) + '€';
    expect(fitSmsSegment(text)).toEqual({ text, encoding: 'gsm7', truncated: false });
  });

  it('cuts a long GSM text to 160 septets ending in "...", at a word boundary when near', () => {
    const words = Array.from({ length: 60 }, (_, i) => `word${i}`).join(' ');
    const fitted = fitSmsSegment(words);
    expect(fitted.truncated).toBe(true);
    expect(fitted.encoding).toBe('gsm7');
    expect(septets(fitted.text)).toBeLessThanOrEqual(GSM_SEGMENT_SEPTETS);
    expect(fitted.text).toMatch(/ word\d+\.\.\.$/);
    expect(words.startsWith(fitted.text.slice(0, -3))).toBe(true);
  });

  it('counts extension characters twice when cutting', () => {
    const fitted = fitSmsSegment('€'.repeat(100));
    expect(fitted.text).toBe(`${'€'.repeat(78)}...`);
    expect(septets(fitted.text)).toBe(159);
  });

  it('uses look-alikes to stay in GSM rather than falling back to 70-character Unicode', () => {
    const fitted = fitSmsSegment(`CRITICAL: Tomás’ cash – ${'x'.repeat(100)}`);
    expect(fitted.encoding).toBe('gsm7');
    expect(fitted.truncated).toBe(false);
  });

  it('falls back to UCS-2 and 70 units for text that needs Unicode, never splitting a surrogate pair', () => {
    const fitted = fitSmsSegment(`東京 ${'😀'.repeat(50)}`);
    expect(fitted.encoding).toBe('ucs2');
    expect(fitted.truncated).toBe(true);
    expect(fitted.text.length).toBeLessThanOrEqual(UCS2_SEGMENT_UNITS);
    expect(fitted.text).toMatch(/😀\.\.\.$/u);
    expect(fitted.text).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/);
  });

  it('always fits one segment (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.constantFrom('a', ' ', '€', 'é', '’', '東', '😀', '\n', 'x', '['), maxLength: 400 }), (text) => {
        const fitted = fitSmsSegment(text);
        return fitted.encoding === 'gsm7' ? septets(fitted.text) <= GSM_SEGMENT_SEPTETS : fitted.text.length <= UCS2_SEGMENT_UNITS;
      }),
    );
  });
});
