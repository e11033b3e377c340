/**
 * Calendar helpers the statement parsers share: compact dates (YYMMDD, YYYYMMDD, MMDD) to ISO
 * dates, checked against the calendar (no 31 April), and compact times (HHMM) to HH:MM:SS.
 */

/** `YYYY-MM-DD` when (year, month, day) is a real calendar date, else undefined. */
export function isoDate(year: number, month: number, day: number): string | undefined {
  if (!Number.isInteger(year) || !Number.isInteger(month) || !Number.isInteger(day)) return undefined;
  if (month < 1 || month > 12 || day < 1) return undefined;
  const last = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (day > last) return undefined;
  return `${String(year).padStart(4, '0')}-${pad2(month)}-${pad2(day)}`;
}

/**
 * YYMMDD → YYYY-MM-DD, or undefined. Two-digit years follow the SWIFT and BAI convention of a
 * sliding century: 00–79 are 2000–2079, 80–99 are 1980–1999.
 */
export function dateFromYymmdd(text: string): string | undefined {
  if (!/^[0-9]{6}$/.test(text)) return undefined;
  const yy = Number(text.slice(0, 2));
  return isoDate(yy < 80 ? 2000 + yy : 1900 + yy, Number(text.slice(2, 4)), Number(text.slice(4, 6)));
}

/** YYYY-MM-DD text checked against the calendar, or undefined. */
export function checkedIsoDate(text: string): string | undefined {
  const m = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/.exec(text);
  return m ? isoDate(Number(m[1]), Number(m[2]), Number(m[3])) : undefined;
}

/**
 * The date MMDD nearest to `anchor` (YYYY-MM-DD): an MT940 entry date carries no year, and around
 * New Year it belongs to the year before or after its value date.
 */
export function nearestDateForMmdd(mmdd: string, anchor: string): string | undefined {
  if (!/^[0-9]{4}$/.test(mmdd)) return undefined;
  const year = Number(anchor.slice(0, 4));
  const anchorMs = Date.parse(`${anchor}T00:00:00Z`);
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const y of [year - 1, year, year + 1]) {
    const candidate = isoDate(y, Number(mmdd.slice(0, 2)), Number(mmdd.slice(2, 4)));
    if (candidate === undefined) continue;
    const distance = Math.abs(Date.parse(`${candidate}T00:00:00Z`) - anchorMs);
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best;
}

/** HHMM → HH:MM:00 (24:00 and 99:99, BAI's "end of day", → 23:59:59), or undefined. */
export function timeFromHhmm(text: string): string | undefined {
  if (!/^[0-9]{4}$/.test(text)) return undefined;
  if (text === '2400' || text === '9999') return '23:59:59';
  const hh = Number(text.slice(0, 2));
  const mm = Number(text.slice(2, 4));
  if (hh > 23 || mm > 59) return undefined;
  return `${pad2(hh)}:${pad2(mm)}:00`;
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}
