/**
 * Amounts in statements: decimal text in, numbers of major units out, exact to the currency's minor
 * unit. ISO 4217 minor digits come from the runtime's ICU data (JPY 0, USD 2, BHD 3).
 */

const minorDigitsCache = new Map<string, number>();

/** Digits after the decimal point of `currency` (ISO 4217); 2 when the runtime does not know it. */
export function minorDigits(currency: string): number {
  let digits = minorDigitsCache.get(currency);
  if (digits !== undefined) return digits;
  try {
    digits = new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ?? 2;
  } catch {
    digits = 2;
  }
  minorDigitsCache.set(currency, digits);
  return digits;
}

/** An amount in minor units of `currency` (cents), rounded half away from zero. */
export function toMinorUnits(amount: number, currency: string): number {
  const scale = 10 ** minorDigits(currency);
  const scaled = amount * scale;
  return Math.sign(scaled) * Math.round(Math.abs(scaled));
}

/** Minor units back to major units. */
export function fromMinorUnits(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

const DECIMAL = /^([0-9]+)(?:[.,]([0-9]*))?$/;

/**
 * Parses an unsigned decimal amount written with `.` or `,` as the decimal mark ("1234,56",
 * "1234.56", "1234,") into major units, or undefined when the text is not such a number.
 * No thousands separators, no sign, no exponent. O(length).
 */
export function parseUnsignedDecimal(text: string): number | undefined {
  const match = DECIMAL.exec(text);
  if (!match) return undefined;
  const value = Number(`${match[1]}.${match[2] || '0'}`);
  return Number.isFinite(value) ? value : undefined;
}

/** The same for a number that may carry a leading `+` or `-`. */
export function parseSignedDecimal(text: string): number | undefined {
  const sign = text.startsWith('-') ? -1 : 1;
  const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
  const value = parseUnsignedDecimal(body);
  return value === undefined ? undefined : sign * value;
}

const CURRENCY = /^[A-Z]{3}$/;

/** Whether `text` looks like an ISO 4217 alphabetic code. */
export function isCurrencyCode(text: string): boolean {
  return CURRENCY.test(text);
}
