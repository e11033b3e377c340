import { FieldType } from '@grafana/data';
import type { KpiEntry } from '../../src/collector/collector-types';
import { readGaugeData } from '../../src/panels/kpi-gauge/frames';
import { collectorNow, gaugeInput, headlineKpis } from './kpi-frames';

const revenue: KpiEntry = {
  id: 'revenue',
  name: 'Revenue',
  unit: 'USD',
  category: 'financial',
  description: 'd',
  source: 'erp',
  dimensions: [],
  cadence: '1h',
  kind: 'flow',
  decimals: 0,
  target: { daily: 165_000 },
  current: { value: 1200, time: '2026-03-03T10:00:00Z' },
};
const cash: KpiEntry = {
  ...revenue,
  id: 'cash_position',
  name: 'Cash position',
  kind: 'stock',
  direction: 'higher_is_better',
  target: undefined,
  thresholds: { critical: { below: 4e6 }, warning: { below: 6e6 } },
  current: { value: 5e6, time: '2026-03-03T11:00:00Z' },
};

describe('gaugeInput', () => {
  const history = [
    { time: '2026-03-02T00:00:00Z', value: 150_000 },
    { time: '2026-03-01T00:00:00Z', value: 140_000 },
    { time: Date.parse('2026-03-03T00:00:00Z'), value: 90_000 },
  ];

  it('gives the gauge what a dashboard’s queries would: series, target, comparison, forecast', () => {
    const input = gaugeInput(revenue, history, [
      { time: '2026-03-04T00:00:00Z', yhat: 160_000, lo80: 150_000, hi80: 170_000 },
    ]);
    const data = readGaugeData(input.frames, input.options);
    expect(data.value).toBe(90_000);
    expect(data.series.map((p) => p.v)).toEqual([140_000, 150_000, 90_000]);
    expect(data.target).toBe(165_000);
    expect(data.comparison).toBe(150_000);
    expect(data.forecast).toEqual([{ t: Date.parse('2026-03-04T00:00:00Z'), mid: 160_000, lo: 150_000, hi: 170_000 }]);
    expect(input.options).toMatchObject({ kpiId: 'revenue', title: 'Revenue', direction: 'higher_is_better' });
    expect(data.valueField!.config).toMatchObject({
      unit: 'currencyUSD',
      decimals: 0,
      links: [{ url: '#/kpi/${kpi}' }],
    });
  });

  it('carries the KPI’s thresholds as Grafana steps and falls back to the current value', () => {
    const input = gaugeInput(cash, []);
    const data = readGaugeData(input.frames, input.options);
    expect(data.value).toBe(5e6);
    expect(data.target).toBeUndefined();
    expect(data.comparison).toBeUndefined();
    expect(data.valueField!.config.thresholds!.steps.map((s) => s.color)).toEqual(['red', 'orange', 'green']);
    expect(input.frames.map((f) => f.refId)).toEqual(['A']);
    expect(input.frames[0]!.fields[0]!.type).toBe(FieldType.time);
  });

  it('has an empty series for a KPI without any data', () => {
    const input = gaugeInput({ ...cash, current: null }, []);
    expect(readGaugeData(input.frames, input.options).value).toBeUndefined();
  });
});

describe('collectorNow and headlineKpis', () => {
  it('takes the newest current time, else the fallback', () => {
    expect(collectorNow([revenue, cash], 5)).toBe(Date.parse('2026-03-03T11:00:00Z'));
    expect(collectorNow([{ ...revenue, current: null }], 5)).toBe(5);
  });

  it('picks the headline KPIs in their order', () => {
    expect(headlineKpis([revenue, cash]).map((k) => k.id)).toEqual(['cash_position', 'revenue']);
  });
});
