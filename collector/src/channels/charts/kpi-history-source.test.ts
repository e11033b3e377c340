import { ManualClock } from '../../core/clock';
import { InfluxClient } from '../../storage/influx/influx-client';
import { useThrowawayInfluxd } from '../../storage/influx/test-support/throwaway-influxd';
import { InfluxKpiHistorySource, InMemoryKpiHistorySource, MAX_CHART_POINTS } from './kpi-history-source';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const NOW = Date.UTC(2026, 2, 4, 12);

describe('InfluxKpiHistorySource against a real influxd', () => {
  const influxd = useThrowawayInfluxd();
  let influx: InfluxClient;
  let source: InfluxKpiHistorySource;

  beforeAll(async () => {
    influx = new InfluxClient({ url: influxd.url, database: 'finmon' });
    await influx.createDatabase();
    const lines: string[] = [];
    // Hourly cash for 60 days on two accounts (one with a space and a quote in its name).
    for (let h = 0; h < 60 * 24; h++) {
      const t = NOW - h * HOUR;
      lines.push(`bank_balance,account=ops-usd,currency=USD value=${1_000_000 + h} ${t}`);
      lines.push(`bank_balance,account=it's\\ odd,currency=USD value=${5 + (h % 2)} ${t}`);
    }
    for (let d = 1; d <= 5; d++) {
      const t = NOW + d * DAY;
      lines.push(`kpi_forecast,kpi=bank_balance,model=theta yhat=${900_000 - d},lo80=${800_000},hi80=${990_000} ${t}`);
      lines.push(`kpi_forecast,kpi=bank_balance,model=arima yhat=${700_000 - d},lo80=${600_000},hi80=${750_000} ${t}`);
      lines.push(`kpi_forecast,kpi=revenue,model=theta yhat=1,lo80=0,hi80=2 ${t}`);
    }
    // A forecast point in the past is not a forecast any more.
    lines.push(`kpi_forecast,kpi=bank_balance,model=arima yhat=1,lo80=1,hi80=1 ${NOW - DAY}`);
    await influx.write(lines.join('\n'), { precision: 'ms' });
    source = new InfluxKpiHistorySource(influx, new ManualClock(NOW), { preferredModel: 'theta' });
  });

  it('reads one series of a short range point by point, oldest first', async () => {
    const points = await source.history('bank_balance', { account: 'ops-usd', currency: 'USD' }, NOW - 5 * HOUR, NOW);
    expect(points).toEqual([5, 4, 3, 2, 1, 0].map((h) => ({ time: NOW - h * HOUR, value: 1_000_000 + h })));
  });

  it('averages a long range into at most MAX_CHART_POINTS buckets', async () => {
    const points = await source.history('bank_balance', { account: 'ops-usd' }, NOW - 59 * DAY, NOW);
    expect(points.length).toBeGreaterThan(MAX_CHART_POINTS / 2);
    expect(points.length).toBeLessThanOrEqual(MAX_CHART_POINTS + 1);
    const mean = points.reduce((n, p) => n + p.value, 0) / points.length;
    expect(mean).toBeGreaterThan(1_000_000);
    expect(mean).toBeLessThan(1_000_000 + 60 * 24);
    expect(points.every((p, i) => i === 0 || p.time > (points[i - 1] as { time: number }).time)).toBe(true);
  });

  it('quotes tag values safely', async () => {
    const points = await source.history('bank_balance', { account: "it's odd" }, NOW - HOUR, NOW);
    expect(points.map((p) => p.value)).toEqual([6, 5]);
  });

  it('returns nothing for an unknown KPI or series', async () => {
    expect(await source.history('no_such_kpi', {}, NOW - DAY, NOW)).toEqual([]);
    expect(await source.history('bank_balance', { account: 'nope' }, NOW - DAY, NOW)).toEqual([]);
  });

  it('reads the preferred forecast model, future points only', async () => {
    const forecast = await source.forecast('bank_balance');
    expect(forecast).toEqual([1, 2, 3, 4, 5].map((d) => ({ time: NOW + d * DAY, yhat: 900_000 - d, lo80: 800_000, hi80: 990_000 })));
  });

  it('falls back to the first model by name, and to nothing without a forecast', async () => {
    const other = new InfluxKpiHistorySource(influx, new ManualClock(NOW), { preferredModel: 'prophet' });
    expect((await other.forecast('bank_balance'))[0]).toEqual({ time: NOW + DAY, yhat: 699_999, lo80: 600_000, hi80: 750_000 });
    expect(await source.forecast('ebitda')).toEqual([]);
  });
});

describe('InMemoryKpiHistorySource', () => {
  it('returns the points of the series within the range and records the calls', async () => {
    const source = new InMemoryKpiHistorySource().add('cash', { a: '1' }, [
      { time: 3, value: 30 },
      { time: 1, value: 10 },
      { time: 9, value: 90 },
    ]);
    expect(await source.history('cash', { a: '1' }, 0, 5)).toEqual([
      { time: 1, value: 10 },
      { time: 3, value: 30 },
    ]);
    expect(await source.history('cash', { a: '2' }, 0, 5)).toEqual([]);
    expect(source.calls).toHaveLength(2);
  });
});
