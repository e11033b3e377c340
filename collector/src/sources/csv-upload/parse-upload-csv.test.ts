import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ManualClock } from '../../core/clock';
import type { KpiLookup } from '../../ingest/validate-point';
import { parseUploadCsv, type UploadKind } from './parse-upload-csv';

const fixture = (name: string) => readFileSync(join(__dirname, 'fixtures', name), 'utf8');
const KPIS: Record<string, { dimensions: string[]; formula?: string }> = {
  revenue: { dimensions: ['region', 'product'] },
  expenses: { dimensions: ['department', 'region'] },
  headcount: { dimensions: ['department'] },
  marketing_spend: { dimensions: ['channel'] },
  cash_position: { dimensions: [], formula: 'latest(bank_balance)' },
  gross_margin: { dimensions: [], formula: 'x' },
};
const catalog: KpiLookup = (id) => KPIS[id];
const options = { catalog, timezone: 'America/New_York', weekStartsOn: 'monday' as const, clock: new ManualClock(Date.UTC(2025, 10, 25)) };
const run = (name: string, kind: UploadKind) => parseUploadCsv(fixture(name), kind, options);

describe('parseUploadCsv', () => {
  it('turns manual figures into points; a date is 00:00 in the company zone', () => {
    const result = run('values-good.csv', 'values');
    expect(result.rejected).toEqual([]);
    expect(result.points.map((p) => [p.kpi, p.tags, p.value, new Date(p.time).toISOString()])).toEqual([
      ['revenue', { region: 'na', product: 'platform' }, 165000, '2025-11-24T05:00:00.000Z'],
      ['revenue', { region: 'emea', product: 'services' }, 42000.5, '2025-11-24T05:00:00.000Z'],
      ['expenses', { region: 'na', department: 'it' }, 81250, '2025-11-24T18:00:00.000Z'],
      ['headcount', { department: 'engineering' }, 212, '2025-11-24T05:00:00.000Z'],
    ]);
  });

  it('keeps the good rows of a mixed file and gives every bad row its line and reason', () => {
    const result = run('values-mixed.csv', 'values');
    expect(result.rows).toBe(9);
    expect(result.points.map((p) => [p.kpi, p.value, p.tags])).toEqual([
      ['revenue', 165000, { region: 'na', product: 'platform' }],
      ['expenses', 7125.75, { region: 'na', department: 'legal, compliance' }],
    ]);
    expect(result.rejected).toEqual([
      { line: 3, reason: 'value "n/a" is not a number' },
      { line: 4, reason: 'KPI "gross_margin" is derived from a formula; push its inputs' },
      { line: 5, reason: 'time "24/11/2025" is not an ISO date (2025-11-24) or date-time (2025-11-24T09:30:00Z)' },
      { line: 6, reason: 'KPI "revenue": unknown dimension (tag) "department"; allowed: region, product' },
      { line: 7, reason: 'unknown KPI "nosuchkpi" (not in metrics_config.json)' },
      { line: 8, reason: expect.stringMatching(/^KPI "revenue": timestamp 1999-12-31T05:00:00.000Z is absurd: before 2000-01-01/) },
      { line: 9, reason: 'repeats line 2 (same KPI, time and dimensions)' },
    ]);
  });

  it('turns a budget (semicolon-separated, months as YYYY-MM) into kpi_budget points', () => {
    const result = run('budget-2026.csv', 'budget');
    expect(result.rejected).toEqual([]);
    expect(result.points.map((p) => [p.kpi, p.tags, p.value, new Date(p.time).toISOString()])).toEqual([
      ['kpi_budget', { kpi: 'expenses', period: 'monthly' }, 2500000, '2026-01-01T05:00:00.000Z'],
      ['kpi_budget', { kpi: 'expenses', period: 'monthly' }, 2400000, '2026-02-01T05:00:00.000Z'],
      ['kpi_budget', { kpi: 'expenses', period: 'weekly' }, 575000, '2026-01-05T05:00:00.000Z'],
      ['kpi_budget', { kpi: 'expenses', period: 'daily', department: 'engineering', region: 'na' }, 82000, '2026-01-02T05:00:00.000Z'],
      ['kpi_budget', { kpi: 'marketing_spend', period: 'monthly' }, 300000, '2026-01-01T05:00:00.000Z'],
    ]);
  });

  it('checks targets: aligned period starts, known periods and dimensions; derived KPIs may have targets', () => {
    const result = run('targets-mixed.csv', 'target');
    expect(result.points.map((p) => [p.tags.kpi, p.tags.period, p.value])).toEqual([
      ['revenue', 'monthly', 5000000],
      ['revenue', 'daily', 165000],
      ['gross_margin', 'monthly', 62],
    ]);
    expect(result.points.every((p) => p.kpi === 'kpi_target')).toBe(true);
    expect(result.rejected).toEqual([
      { line: 3, reason: 'start 2026-01-15 is not the first day of a month' },
      { line: 4, reason: "start 2026-01-06 is a Tuesday; the company's weeks start on monday" },
      { line: 5, reason: 'period "quarterly" must be daily, weekly or monthly' },
      { line: 7, reason: 'KPI "cash_position" has no dimension "region"; it has none' },
      { line: 9, reason: 'repeats line 2 (same KPI, period, start and dimensions)' },
      { line: 10, reason: 'value "abc" is not a number' },
    ]);
  });

  it.each([
    ['an empty body', '', 'values', /CSV upload: the file is empty/],
    ['a header without the required columns', 'kpi,value\nrevenue,1\n', 'values', /the header lacks the column time; a values upload needs kpi,time,value/],
    ['a budget header', 'kpi,time,value\n', 'budget', /lacks the columns period, start/],
    ['an unclosed quote', 'kpi,time,value\n"revenue,2025-11-24,1\n', 'values', /not valid CSV: Quote Not Closed/],
    ['a repeated column', 'kpi,time,value,region,REGION\n', 'values', /names the column region twice/],
  ])('refuses %s as a whole', (_name, text, kind, message) => {
    expect(() => parseUploadCsv(text, kind as UploadKind, options)).toThrow(message);
  });

  it('refuses a row with more cells than the header and too many rows', () => {
    expect(parseUploadCsv('kpi,time,value\nrevenue,2025-11-24,1,2\n', 'values', options).rejected).toEqual([{ line: 2, reason: '4 cells, the header has 3 columns' }]);
    expect(() => parseUploadCsv('kpi,time,value\nheadcount,2025-11-24,1\nheadcount,2025-11-25,1\n', 'values', { ...options, maxRows: 1 })).toThrow(/2 rows; at most 1 per upload/);
  });
});
