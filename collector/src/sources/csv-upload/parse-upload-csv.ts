import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import type { Clock } from '../../core/clock';
import { ErrorCodes, FinmonError } from '../../core/errors';
import { pointAt, seriesKey, type Point } from '../../core/point';
import { validatePoint, type KpiLookup } from '../../ingest/validate-point';

/**
 * CSV uploads of budgets, targets and manual figures, validated row by row: every good row becomes
 * a point, every bad row is listed with its line and reason.
 *
 * - `values`: columns `kpi,time,value` plus one column per dimension (empty cell = not set). Each
 *   row is checked exactly as a pushed point (known, non-derived KPI, its dimensions, time bounds).
 *   `time` is an ISO date-time (with offset, or read in the company zone) or a date (00:00 in the
 *   company zone).
 * - `budget` / `target`: columns `kpi,period,start,value` plus dimension columns; period is daily,
 *   weekly or monthly, start the first day of the period (a Monday or Sunday as the company's weeks
 *   start; the 1st for months; `YYYY-MM` is accepted for months). They become points of the
 *   measurements `kpi_budget` / `kpi_target` with tags `kpi`, `period` and the dimensions, at the
 *   period start — for dashboards; the KPI engine's variance still reads targets and budgets from
 *   metrics_config.json.
 * A row repeating the KPI, period, start (or time) and dimensions of an earlier row is refused.
 * Throws `FinmonError(UPLOAD_MALFORMED, 400)` for a file that is not CSV, has no header, lacks a
 * required column or holds more than `maxRows` rows.
 */

export const UPLOAD_KINDS = ['values', 'budget', 'target'] as const;
export type UploadKind = (typeof UPLOAD_KINDS)[number];

/** Measurement of uploaded budgets and targets. */
export const UPLOAD_MEASUREMENTS: Readonly<Record<Exclude<UploadKind, 'values'>, string>> = { budget: 'kpi_budget', target: 'kpi_target' };

export interface UploadOptions {
  readonly catalog: KpiLookup;
  readonly timezone: string;
  readonly weekStartsOn: 'monday' | 'sunday';
  readonly clock: Clock;
  /** Default 100,000. */
  readonly maxRows?: number;
}

export interface UploadRejection {
  /** 1-based line of the CSV text (the header is line 1). */
  readonly line: number;
  readonly reason: string;
}

export interface UploadResult {
  readonly points: Point[];
  readonly rejected: UploadRejection[];
  readonly rows: number;
}

const REQUIRED: Readonly<Record<UploadKind, readonly string[]>> = {
  values: ['kpi', 'time', 'value'],
  budget: ['kpi', 'period', 'start', 'value'],
  target: ['kpi', 'period', 'start', 'value'],
};

export function parseUploadCsv(text: string, kind: UploadKind, options: UploadOptions): UploadResult {
  let records: Array<{ record: string[]; info: { lines: number } }>;
  try {
    records = parse(text, { info: true, bom: true, relax_column_count: true, skip_empty_lines: true, trim: true, delimiter: sniffDelimiter(text) }) as unknown as typeof records;
  } catch (error) {
    throw malformed(`not valid CSV: ${(error as Error).message}`);
  }
  const header = records[0];
  if (!header) throw malformed(`the file is empty; expected a header line with ${REQUIRED[kind].join(',')}`);
  const names = header.record.map((h) => h.toLowerCase());
  const missing = REQUIRED[kind].filter((c) => !names.includes(c));
  if (missing.length > 0) {
    throw malformed(`the header lacks the column${missing.length > 1 ? 's' : ''} ${missing.join(', ')}; a ${kind} upload needs ${REQUIRED[kind].join(',')} and one column per dimension`);
  }
  const duplicates = names.filter((n, i) => names.indexOf(n) !== i);
  if (duplicates.length > 0) throw malformed(`the header names the column ${duplicates[0]} twice`);
  const maxRows = options.maxRows ?? 100_000;
  if (records.length - 1 > maxRows) throw malformed(`${records.length - 1} rows; at most ${maxRows} per upload`);

  const dimensionColumns = names.filter((n) => !REQUIRED[kind].includes(n));
  const points: Point[] = [];
  const rejected: UploadRejection[] = [];
  const seen = new Map<string, number>();
  for (const { record, info } of records.slice(1)) {
    const line = info.lines;
    const cell = (name: string): string => record[names.indexOf(name)] ?? '';
    if (record.length > names.length) {
      rejected.push({ line, reason: `${record.length} cells, the header has ${names.length} columns` });
      continue;
    }
    const tags: Record<string, string> = {};
    for (const column of dimensionColumns) {
      const value = cell(column);
      if (value !== '') tags[column] = value;
    }
    const outcome = kind === 'values' ? valueRow(cell, tags, options) : plannedRow(kind, cell, tags, options);
    if ('reason' in outcome) {
      rejected.push({ line, reason: outcome.reason });
      continue;
    }
    const identity = `${seriesKey(outcome.point.kpi, outcome.point.tags)}@${outcome.point.time}`;
    const earlier = seen.get(identity);
    if (earlier !== undefined) {
      rejected.push({ line, reason: `repeats line ${earlier} (same KPI, ${kind === 'values' ? 'time' : 'period, start'} and dimensions)` });
      continue;
    }
    seen.set(identity, line);
    points.push(outcome.point);
  }
  return { points, rejected, rows: records.length - 1 };
}

type RowOutcome = { point: Point } | { reason: string };

function valueRow(cell: (name: string) => string, tags: Record<string, string>, options: UploadOptions): RowOutcome {
  const value = numberOf(cell('value'));
  if (value === undefined) return { reason: `value ${JSON.stringify(cell('value'))} is not a number` };
  const time = timeOf(cell('time'), options.timezone);
  if (time === undefined) return { reason: `time ${JSON.stringify(cell('time'))} is not an ISO date (2025-11-24) or date-time (2025-11-24T09:30:00Z)` };
  const checked = validatePoint({ measurement: cell('kpi'), tags, fields: { value }, timestamp: BigInt(time) * 1_000_000n }, options.catalog, options.clock);
  return checked.ok ? { point: checked.point } : { reason: checked.reason };
}

function plannedRow(kind: 'budget' | 'target', cell: (name: string) => string, tags: Record<string, string>, options: UploadOptions): RowOutcome {
  const kpiId = cell('kpi');
  const kpi = options.catalog(kpiId);
  if (kpi === undefined) return { reason: `unknown KPI ${JSON.stringify(kpiId)} (not in metrics_config.json)` };
  for (const dimension of Object.keys(tags)) {
    if (!kpi.dimensions.includes(dimension)) {
      return { reason: `KPI ${JSON.stringify(kpiId)} has no dimension ${JSON.stringify(dimension)}; ${kpi.dimensions.length === 0 ? 'it has none' : `allowed: ${kpi.dimensions.join(', ')}`}` };
    }
    if (dimension === 'kpi' || dimension === 'period') return { reason: `dimension ${JSON.stringify(dimension)} clashes with the ${kind} tag of that name` };
  }
  const period = cell('period').toLowerCase();
  if (period !== 'daily' && period !== 'weekly' && period !== 'monthly') return { reason: `period ${JSON.stringify(cell('period'))} must be daily, weekly or monthly` };
  const start = periodStart(cell('start'), period, options);
  if (typeof start === 'string') return { reason: start };
  const value = numberOf(cell('value'));
  if (value === undefined) return { reason: `value ${JSON.stringify(cell('value'))} is not a number` };
  return { point: pointAt(UPLOAD_MEASUREMENTS[kind], { kpi: kpiId, period, ...tags }, value, start) };
}

/** Epoch ms of the period start in the company zone, or the reason it is not one. */
function periodStart(text: string, period: 'daily' | 'weekly' | 'monthly', options: UploadOptions): number | string {
  const iso = period === 'monthly' && /^[0-9]{4}-[0-9]{2}$/.test(text) ? `${text}-01` : text;
  const day = /^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(iso) ? DateTime.fromISO(iso, { zone: options.timezone }) : undefined;
  if (!day?.isValid) return `start ${JSON.stringify(text)} is not a date YYYY-MM-DD${period === 'monthly' ? ' or month YYYY-MM' : ''}`;
  if (period === 'monthly' && day.day !== 1) return `start ${text} is not the first day of a month`;
  if (period === 'weekly') {
    const first = options.weekStartsOn === 'monday' ? 1 : 7;
    if (day.weekday !== first) return `start ${text} is a ${day.weekdayLong}; the company's weeks start on ${options.weekStartsOn}`;
  }
  return day.toMillis();
}

function numberOf(text: string): number | undefined {
  if (!/^[+-]?([0-9]+\.?[0-9]*|\.[0-9]+)([eE][+-]?[0-9]+)?$/.test(text)) return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? value : undefined;
}

function timeOf(text: string, zone: string): number | undefined {
  if (/^[0-9]{4}-[0-9]{2}-[0-9]{2}$/.test(text)) {
    const day = DateTime.fromISO(text, { zone });
    return day.isValid ? day.toMillis() : undefined;
  }
  if (!/^[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}/.test(text)) return undefined;
  const iso = text.replace(' ', 'T');
  const withZone = /(Z|[+-][0-9]{2}:?[0-9]{2})$/.test(iso);
  const parsed = DateTime.fromISO(iso, withZone ? { setZone: true } : { zone });
  return parsed.isValid ? parsed.toMillis() : undefined;
}

/** Comma, or semicolon when the header line has semicolons and no commas (spreadsheets in many locales). */
function sniffDelimiter(text: string): string {
  const firstLine = text.replace(/^\uFEFF/, '').split(/\r?\n/, 1)[0] ?? '';
  return firstLine.includes(';') && !firstLine.includes(',') ? ';' : ',';
}

function malformed(message: string): FinmonError {
  return new FinmonError(ErrorCodes.UPLOAD_MALFORMED, `CSV upload: ${message}`, 400);
}
