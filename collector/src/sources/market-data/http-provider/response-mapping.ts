import { parse as parseCsv } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { MarketDataError } from '../market-data-error';
import { parseFieldPath, readFieldPath } from './field-path';

/** How a provider's response holds its numbers. */
export type ResponseMapping =
  | {
      readonly format: 'json';
      /** Path to an array of records; absent: the document is one record. */
      readonly records?: string;
      /** Path of the value within a record. */
      readonly value: string;
      /** Path of the time within a record; absent: the time of the run. */
      readonly time?: string;
    }
  | {
      readonly format: 'csv';
      /** Column (header name) of the value. */
      readonly value: string;
      /** Column of the time; absent: only the last row counts, at the time of the run. */
      readonly time?: string;
      readonly delimiter?: string;
    };

export interface MappedRecord {
  readonly value: number;
  /** Epoch ms; undefined when the mapping has no time (the caller uses the run's time). */
  readonly time?: number;
}

export interface MappingContext {
  readonly symbol: string;
  /** Zone for times without an offset and for plain dates (midnight). */
  readonly timezone: string;
  /** Names the request in errors. */
  readonly label: string;
}

/**
 * A response body → records of (value, time). The structure must be as configured — valid JSON or
 * CSV, the records path an array, the value present in at least one record, the columns in the
 * header — or a {@link MarketDataError} names what is missing. A single record whose value or time
 * cannot be read (providers write "." or null for a missing observation) is skipped and listed.
 */
export function mapResponse(body: string, mapping: ResponseMapping, context: MappingContext): { records: MappedRecord[]; skipped: string[] } {
  const rows = mapping.format === 'json' ? jsonRows(body, mapping, context) : csvRows(body, mapping, context);
  if (rows.length > 0 && rows.every((r) => r.value === undefined)) {
    throw new MarketDataError(`${context.label}: no record has a value at ${JSON.stringify(mapping.value)}`);
  }
  const records: MappedRecord[] = [];
  const skipped: string[] = [];
  rows.forEach((row, i) => {
    const value = numberOf(row.value);
    if (value === undefined) {
      skipped.push(`${row.where ?? `record ${i + 1}`}: value ${describe(row.value)} is not a number`);
      return;
    }
    if (!row.hasTime) {
      records.push({ value });
      return;
    }
    const time = timeOf(row.time, context.timezone);
    if (time === undefined) {
      skipped.push(`${row.where ?? `record ${i + 1}`}: time ${describe(row.time)} is not a date, date-time or epoch time`);
      return;
    }
    records.push({ value, time });
  });
  return { records, skipped };
}

interface RawRow {
  readonly value: unknown;
  readonly time: unknown;
  readonly hasTime: boolean;
  readonly where?: string;
}

function jsonRows(body: string, mapping: Extract<ResponseMapping, { format: 'json' }>, context: MappingContext): RawRow[] {
  let document: unknown;
  try {
    document = JSON.parse(body);
  } catch (error) {
    throw new MarketDataError(`${context.label}: the response is not JSON (${(error as Error).message}): ${describe(body.slice(0, 80))}`);
  }
  const expand = (path: string) => parseFieldPath(path.replaceAll('{symbol}', context.symbol));
  const valuePath = expand(mapping.value);
  const timePath = mapping.time === undefined ? undefined : expand(mapping.time);
  let list: unknown[];
  if (mapping.records === undefined) list = [document];
  else {
    const found = readFieldPath(document, expand(mapping.records));
    if (!Array.isArray(found)) throw new MarketDataError(`${context.label}: records path ${JSON.stringify(mapping.records)} is ${describe(found)}, not an array`);
    list = found;
  }
  return list.map((record, i) => ({
    value: readFieldPath(record, valuePath),
    time: timePath === undefined ? undefined : readFieldPath(record, timePath),
    hasTime: timePath !== undefined,
    ...(mapping.records === undefined ? {} : { where: `${mapping.records}[${i}]` }),
  }));
}

function csvRows(body: string, mapping: Extract<ResponseMapping, { format: 'csv' }>, context: MappingContext): RawRow[] {
  let table: string[][];
  try {
    table = parseCsv(body, { delimiter: mapping.delimiter ?? ',', bom: true, skip_empty_lines: true, trim: true, relax_column_count: true }) as string[][];
  } catch (error) {
    throw new MarketDataError(`${context.label}: the response is not CSV: ${(error as Error).message}`);
  }
  const header = table[0];
  if (!header) throw new MarketDataError(`${context.label}: the CSV response is empty`);
  const column = (name: string): number => {
    const exact = header.indexOf(name);
    const index = exact >= 0 ? exact : header.findIndex((h) => h.toLowerCase() === name.toLowerCase());
    if (index < 0) throw new MarketDataError(`${context.label}: the CSV header has no column ${JSON.stringify(name)} (columns: ${header.join(', ')})`);
    return index;
  };
  const valueIndex = column(mapping.value);
  const timeIndex = mapping.time === undefined ? undefined : column(mapping.time);
  let rows = table.slice(1).map((cells, i) => ({
    value: cells[valueIndex],
    time: timeIndex === undefined ? undefined : cells[timeIndex],
    hasTime: timeIndex !== undefined,
    where: `CSV line ${i + 2}`,
  }));
  if (timeIndex === undefined) rows = rows.slice(-1);
  return rows;
}

function numberOf(raw: unknown): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? raw : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

/** Epoch seconds (< 1e11) or milliseconds, ISO dates and date-times; plain dates are midnight in `zone`. */
export function timeOf(raw: unknown, zone: string): number | undefined {
  if (typeof raw === 'number') return Number.isFinite(raw) ? Math.round(raw < 1e11 ? raw * 1000 : raw) : undefined;
  if (typeof raw !== 'string') return undefined;
  const text = raw.trim();
  if (/^[0-9]{9,13}$/.test(text)) return timeOf(Number(text), zone);
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) {
    const day = DateTime.fromISO(text, { zone });
    return day.isValid ? day.toMillis() : undefined;
  }
  const iso = text.replace(' ', 'T');
  const withZone = /(Z|[+-][0-9]{2}:?[0-9]{2})$/.test(iso);
  const parsed = DateTime.fromISO(iso, withZone ? { setZone: true } : { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}
