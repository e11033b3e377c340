import { ManualClock } from '../../core/clock';
import { pointAt } from '../../core/point';
import { serializeLineProtocol } from '../../ingest/line-protocol/serialize-line-protocol';
import { CompanyCalendar } from '../../kpi/company-calendar';
import { InfluxClient } from './influx-client';
import { RollupDailyHistory } from './rollup-daily-history';
import { setupSchema } from './schema-setup';
import { useThrowawayInfluxd } from './test-support/throwaway-influxd';

const influxd = useThrowawayInfluxd();

describe('RollupDailyHistory against a real influxd', () => {
  it('reads complete company days of a KPI total, or of the series matching tags, oldest first', async () => {
    const influx = new InfluxClient({ url: influxd.url, database: 'finmon' });
    await setupSchema(influx);
    const calendar = new CompanyCalendar('America/New_York');
    const now = Date.parse('2026-11-24T15:00:00Z'); // 10:00 in New York
    const today = calendar.dayOf(now);
    const day = (offset: number) => calendar.dayStart(today + offset);
    const points = [
      // Total cash for the last four days and today (today is not complete: left out).
      ...[-4, -3, -2, -1, 0].map((d) => pointAt('rollup_daily', { kpi: 'cash_position', scope: 'total' }, 1_000_000 + d, day(d))),
      // A rate per benchmark; the filter picks one series.
      pointAt('rollup_daily', { kpi: 'interest_rate', scope: 'series', benchmark: 'sofr' }, 5.3, day(-2)),
      pointAt('rollup_daily', { kpi: 'interest_rate', scope: 'series', benchmark: 'euribor_3m' }, 3.1, day(-2)),
      pointAt('rollup_daily', { kpi: 'interest_rate', scope: 'series', benchmark: 'sofr' }, 5.25, day(-1)),
      // Another KPI never leaks in.
      pointAt('rollup_daily', { kpi: 'revenue', scope: 'total' }, 42, day(-1)),
    ];
    await influx.write(serializeLineProtocol(points));
    const history = new RollupDailyHistory(influx, calendar, new ManualClock(now));

    expect(await history.daily('cash_position', 3)).toEqual([
      { day: day(-3), value: 999_997 },
      { day: day(-2), value: 999_998 },
      { day: day(-1), value: 999_999 },
    ]);
    expect(await history.daily('interest_rate', 30, { benchmark: 'sofr' })).toEqual([
      { day: day(-2), value: 5.3 },
      { day: day(-1), value: 5.25 },
    ]);
    expect(await history.daily('no_such_kpi', 30)).toEqual([]);
    // Quotes in a KPI id or tag value are data, not InfluxQL.
    expect(await history.daily("cash' OR kpi='revenue", 30, { "bench\"mark": "x'y" })).toEqual([]);
  });
});
