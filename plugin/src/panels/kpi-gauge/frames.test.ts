import { FieldType, toDataFrame } from '@grafana/data';
import { DEFAULT_KPI_GAUGE_OPTIONS } from './constants';
import { readGaugeData } from './frames';

const DAY = 86_400_000;
const T0 = Date.UTC(2026, 2, 1);

/** Frames shaped like Grafana's InfluxQL answers: one frame per column, Time + Value, display name from the datasource. */
function influxFrame(refId: string, name: string, times: number[], values: Array<number | null>) {
  return toDataFrame({
    refId,
    fields: [
      { name: 'Time', type: FieldType.time, values: times },
      { name: 'Value', type: FieldType.number, values, config: { displayNameFromDS: name } },
    ],
  });
}

describe('readGaugeData', () => {
  const value = influxFrame('A', 'revenue.value', [T0, T0 + DAY, T0 + 2 * DAY, T0 + 3 * DAY], [150, 160, 170, null]);
  const target = influxFrame('T', 'rollup_daily.target', [T0 + 2 * DAY], [165]);
  const comparison = influxFrame('C', 'rollup_daily.previous', [T0, T0 + DAY], [140, 155]);
  const forecast = [
    influxFrame('F', 'kpi_forecast.yhat', [T0 + 4 * DAY, T0 + 5 * DAY], [175, 180]),
    influxFrame('F', 'kpi_forecast.lo80', [T0 + 4 * DAY, T0 + 5 * DAY], [160, 162]),
    influxFrame('F', 'kpi_forecast.hi80', [T0 + 4 * DAY, T0 + 5 * DAY], [190, 198]),
  ];

  it('takes the last non-null value, the series, target, comparison and the joined forecast band', () => {
    const data = readGaugeData([value, target, comparison, ...forecast], DEFAULT_KPI_GAUGE_OPTIONS);
    expect(data.value).toBe(170);
    expect(data.valueIndex).toBe(2);
    expect(data.series).toEqual([
      { t: T0, v: 150 },
      { t: T0 + DAY, v: 160 },
      { t: T0 + 2 * DAY, v: 170 },
    ]);
    expect(data.target).toBe(165);
    expect(data.comparison).toBe(155);
    expect(data.forecast).toEqual([
      { t: T0 + 4 * DAY, mid: 175, lo: 160, hi: 190 },
      { t: T0 + 5 * DAY, mid: 180, lo: 162, hi: 198 },
    ]);
  });

  it('finds forecast columns by plain field name too, and by the configured names', () => {
    const oneFrame = toDataFrame({
      refId: 'F',
      fields: [
        { name: 'time', type: FieldType.time, values: [T0] },
        { name: 'p50', type: FieldType.number, values: [1] },
        { name: 'p10', type: FieldType.number, values: [0] },
        { name: 'p90', type: FieldType.number, values: [2] },
      ],
    });
    const options = {
      ...DEFAULT_KPI_GAUGE_OPTIONS,
      forecastField: 'p50',
      bandLowerField: 'p10',
      bandUpperField: 'p90',
    };
    expect(readGaugeData([value, oneFrame], options).forecast).toEqual([{ t: T0, mid: 1, lo: 0, hi: 2 }]);
  });

  it('falls back to the fixed target option and reads other refIds when configured', () => {
    const renamed = influxFrame('cash', 'cash_position.value', [T0], [5]);
    const data = readGaugeData([renamed], { ...DEFAULT_KPI_GAUGE_OPTIONS, valueRefId: 'cash', target: 6 });
    expect(data.value).toBe(5);
    expect(data.target).toBe(6);
    expect(data.comparison).toBeUndefined();
    expect(data.forecast).toEqual([]);
  });

  it('has no value without a numeric field in the value query', () => {
    const text = toDataFrame({ refId: 'A', fields: [{ name: 'msg', type: FieldType.string, values: ['x'] }] });
    expect(readGaugeData([text], DEFAULT_KPI_GAUGE_OPTIONS).value).toBeUndefined();
    expect(readGaugeData([], DEFAULT_KPI_GAUGE_OPTIONS)).toEqual({
      series: [],
      forecast: [],
      target: undefined,
      comparison: undefined,
    });
  });

  it('keeps a value without a time field but draws no series', () => {
    const table = toDataFrame({ refId: 'A', fields: [{ name: 'last', type: FieldType.number, values: [42] }] });
    const data = readGaugeData([table], DEFAULT_KPI_GAUGE_OPTIONS);
    expect(data.value).toBe(42);
    expect(data.series).toEqual([]);
  });
});
