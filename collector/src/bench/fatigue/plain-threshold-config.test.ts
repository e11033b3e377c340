import path from 'node:path';
import { AlertEngine } from '../../alerting/alert-engine';
import { loadMetricsConfig } from '../../config/config-loader';
import { durationMs } from '../../config/kpi-schema';
import { pointAt } from '../../core/point';
import { plainRule, plainThresholdMetrics } from './plain-threshold-config';

const EXAMPLE = path.resolve(__dirname, '../../../../metrics_config.json');
const T0 = Date.UTC(2025, 5, 3, 18);

describe('plainThresholdMetrics', () => {
  const metrics = loadMetricsConfig(EXAMPLE);
  const plain = plainThresholdMetrics(metrics);

  it('keeps only static, covenant, variance, trend and nodata rules, each with its thresholds', () => {
    const types = new Set(plain.kpis.flatMap((k) => k.rules.map((r) => r.type)));
    expect([...types].sort()).toEqual(['covenant', 'nodata', 'static', 'trend', 'variance']);
    const kept = metrics.kpis.flatMap((k) => k.rules.filter((r) => !['anomaly', 'forecast', 'milestone'].includes(r.type)).map((r) => `${k.id}/${r.id}`));
    expect(plain.kpis.flatMap((k) => k.rules.map((r) => `${k.id}/${r.id}`))).toEqual(kept);
    const uptime = plain.kpis.find((k) => k.id === 'platform_uptime')!.rules.find((r) => r.id === 'uptime-critical')!;
    const original = metrics.kpis.find((k) => k.id === 'platform_uptime')!.rules.find((r) => r.id === 'uptime-critical') as { below: number; overrides: { below: number }[] };
    expect(uptime).toMatchObject({ type: 'static', severity: 'critical', below: original.below, overrides: [{ match: { service: 'payments' }, below: original.overrides[0]!.below }] });
  });

  it('removes every for and recoverAt, also from overrides, without touching the loaded configuration', () => {
    const json = JSON.stringify(plain.kpis);
    expect(json).not.toMatch(/"for"|"recoverAt"/);
    expect(JSON.stringify(metrics.kpis)).toMatch(/"for"/);
    expect(JSON.stringify(metrics.kpis)).toMatch(/"recoverAt"/);
    expect(plainRule({ type: 'static', id: 'x', severity: 'warning', below: 1, recoverAt: 2, for: '5m', overrides: [{ match: { a: 'b' }, for: '1m', recoverAt: 3 }] } as never)).toEqual({
      type: 'static',
      id: 'x',
      severity: 'warning',
      below: 1,
      overrides: [{ match: { a: 'b' } }],
    });
  });

  it('fires at once where the example configuration waits for its `for` duration, and recovers at the line', () => {
    const rules = metrics.kpis.find((k) => k.id === 'platform_uptime')!.rules;
    const critical = rules.find((r) => r.id === 'uptime-critical') as { below: number; recoverAt: number; for: string };
    const forMs = durationMs(critical.for);
    const uptime = (value: number, t: number) => pointAt('platform_uptime', { service: 'api' }, value, t);
    const example = new AlertEngine({ metrics, now: T0 });
    const bare = new AlertEngine({ metrics: plainThresholdMetrics(metrics), now: T0 });
    const firing = (engine: AlertEngine) => engine.listAlerts({ state: 'firing' }).map((a) => a.ruleId).sort();
    const down = critical.below - 1;
    example.onPoints([uptime(down, T0)], T0);
    bare.onPoints([uptime(down, T0)], T0);
    expect(firing(example)).toEqual([]); // both uptime rules wait for their `for`
    expect(firing(bare)).toEqual(['uptime-critical', 'uptime-warning']);
    example.tick(T0 + forMs);
    expect(firing(example)).toEqual(['uptime-critical']);
    // Between the line and recoverAt: the example's hysteresis holds the alert, the plain rule recovers.
    const between = (critical.below + critical.recoverAt) / 2;
    const t = T0 + forMs + 300_000;
    example.onPoints([uptime(between, t)], t);
    bare.onPoints([uptime(between, t)], t);
    expect(firing(example)).toContain('uptime-critical');
    expect(firing(bare)).toEqual(['uptime-warning']);
  });
});
