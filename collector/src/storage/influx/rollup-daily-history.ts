import type { DailyHistory, DailyValue } from '../../analytics/cash-forecast/forecast-service';
import type { Clock } from '../../core/clock';
import type { CompanyCalendar } from '../../kpi/company-calendar';
import { quoteIdentifier, quoteString, type InfluxClient } from './influx-client';

/**
 * The forecast service's daily history, read from the KPI engine's `rollup_daily` points in
 * InfluxDB: one point per company day and KPI (`scope=total`: the KPI over all its series, in the
 * reporting currency) or per series (`scope=series`, filtered by tags). Only complete days are
 * returned (today is left out), oldest first. The engine already aggregated each day the way the
 * KPI's kind asks (a stock's end-of-day level, a flow's sum, a rate's mean).
 */
export class RollupDailyHistory implements DailyHistory {
  constructor(
    private readonly influx: InfluxClient,
    private readonly calendar: CompanyCalendar,
    private readonly clock: Clock,
  ) {}

  async daily(kpi: string, days: number, tags?: Readonly<Record<string, string>>): Promise<DailyValue[]> {
    const today = this.calendar.dayOf(this.clock.now());
    const from = this.calendar.dayStart(today - days);
    const to = this.calendar.dayStart(today);
    const filters = [`"kpi" = ${quoteString(kpi)}`, `"scope" = ${quoteString(tags === undefined ? 'total' : 'series')}`];
    for (const [name, value] of Object.entries(tags ?? {})) filters.push(`${quoteIdentifier(name)} = ${quoteString(value)}`);
    const statement =
      `SELECT "value" FROM "rollup_daily" WHERE ${filters.join(' AND ')} ` +
      `AND time >= ${from}ms AND time < ${to}ms ORDER BY time ASC`;
    const series = await this.influx.query(statement, { epoch: 'ms' });
    const byDay = new Map<number, number>();
    for (const s of series) {
      for (const row of s.rows) {
        const value = row.value;
        if (typeof row.time === 'number' && typeof value === 'number' && Number.isFinite(value)) {
          // Several series can match a tag filter: a day's value is their sum.
          byDay.set(row.time, (byDay.get(row.time) ?? 0) + value);
        }
      }
    }
    return [...byDay.entries()].sort((a, b) => a[0] - b[0]).map(([day, value]) => ({ day, value }));
  }
}

