import { RULE_TYPES } from '../config/rule-schema';
import { ErrorCodes } from '../core/errors';
import type { Point } from '../core/point';
import { KpiEngine } from '../kpi/kpi-engine';
import { DemoCompany } from '../sources/demo-company';
import { AlertEngine } from './alert-engine';
import type { AlertTransition } from './alert-model';
import type { RuleKind } from './rules/rule-kind';
import { builtInRuleKinds } from './rules/rule-kind-registry';
import { SeriesTable } from './rules/series-table';
import { InMemoryAlertStore } from './store/in-memory-alert-store';
import { DAY, EngineHarness, exampleMetrics, HOUR, metricsWithRules, MINUTE, moves, T0 } from './test-support/alert-fixtures';

describe('AlertEngine with the example configuration', () => {
  it('loads metrics_config.json: every rule is evaluated except anomaly and forecast, which wait for their kinds', () => {
    const metrics = exampleMetrics();
    const engine = new AlertEngine({ metrics, now: T0 });
    const configured = metrics.kpis.flatMap((k) => k.rules.map((r) => r.type));
    const unsupported = engine.unsupportedRules();
    expect(new Set(unsupported.map((r) => r.type))).toEqual(new Set(['anomaly', 'forecast']));
    expect(engine.stats().rules + unsupported.length).toBe(configured.length);
    // Every kind the file uses that this engine owns is present and handled.
    const builtIn = builtInRuleKinds();
    const used = new Set(configured);
    for (const type of RULE_TYPES) {
      if (type === 'anomaly' || type === 'forecast') continue;
      expect(used.has(type)).toBe(true);
      expect(builtIn.has(type)).toBe(true);
    }
  });

  it('detects the demo company’s outage and bank-feed gap from its real points through the KPI engine', () => {
    const metrics = exampleMetrics();
    const start = Date.UTC(2025, 2, 3, 5); // 2025-03-03 00:00 New York
    const outageAt = start + DAY + 13 * HOUR; // day 2, 13:00 New York
    const gapAt = start + 2 * DAY + 10 * HOUR; // day 3, 10:00 New York
    const company = new DemoCompany({
      seed: 'alerting',
      start,
      incidents: [
        { kind: 'outage', id: 'api-outage', start: outageAt, service: 'api', durationMs: 2 * HOUR },
        { kind: 'data_outage', id: 'eur-feed', start: gapAt, account: 'ops-eur', durationMs: 3 * HOUR },
      ],
    });
    const kpis = new KpiEngine({ config: metrics });
    const engine = new AlertEngine({ metrics, now: start });
    const log: AlertTransition[] = [];
    const step = 15 * MINUTE;
    for (let t = start; t < start + 4 * DAY; t += step) {
      const points = company.generate(t, t + step);
      const computed = kpis.ingest(points);
      const all: Point[] = [...points, ...computed.derived, ...computed.rollups];
      log.push(...engine.onPoints(all, t + step));
      log.push(...engine.tick(t + step));
    }
    expect(engine.stats().evaluations).toBeGreaterThan(10_000);
    const fired = (ruleId: string) => log.filter((t) => t.alert.ruleId === ruleId && t.to === 'firing');
    // The api's uptime-critical rule (below 99.5% for 10m) fires during the outage and at no other time.
    const api = fired('uptime-critical').filter((t) => t.alert.series.service === 'api');
    expect(api).toHaveLength(1);
    expect(api[0]!.at).toBeGreaterThanOrEqual(outageAt + 10 * MINUTE);
    expect(api[0]!.at).toBeLessThanOrEqual(outageAt + 30 * MINUTE);
    const silent = fired('bank-feed-silent');
    expect(silent.map((t) => t.alert.series.account)).toEqual(['ops-eur']);
    expect(silent[0]!.at).toBeGreaterThanOrEqual(gapAt + 45 * MINUTE);
    expect(silent[0]!.at).toBeLessThanOrEqual(gapAt + 75 * MINUTE);
    // Both resolved after their incidents ended.
    const open = engine.listAlerts({ state: ['firing', 'pending', 'acknowledged'] });
    expect(open.filter((a) => a.ruleId === 'bank-feed-silent')).toEqual([]);
    expect(open.filter((a) => a.ruleId === 'uptime-critical' && a.series.service === 'api' && a.state !== 'pending')).toEqual([]);
  });
});

describe('rule ids and labels', () => {
  it('names a rule without id `<type>-<index>` and carries the KPI’s and rule’s labels (the rule’s win)', () => {
    const h = new EngineHarness(
      metricsWithRules({
        revenue: [
          { type: 'milestone', period: 'month', marks: [1] },
          { type: 'nodata', expectedEvery: '1d', after: '2d', scope: 'kpi', labels: { team: 'finance-systems', tier: 'one' } },
        ],
      }),
    );
    const out = h.run(2 * DAY, HOUR);
    expect(out).toHaveLength(1);
    expect(out[0]!.alert).toMatchObject({ ruleId: 'nodata-1', labels: { team: 'finance-systems', tier: 'one', rule: 'nodata-1', kpi: 'revenue' } });
  });
});

describe('rule kinds plugged in through the registry', () => {
  /** A stand-in for the analytics work's anomaly kind: fires above 3× the previous value. */
  const fakeAnomaly: RuleKind<'anomaly'> = {
    type: 'anomaly',
    create: (binding) => {
      const series = new SeriesTable<{ last: number | undefined }>(binding.rule, {
        initial: () => ({ last: undefined }),
        encode: (s) => s,
        decode: () => undefined,
      });
      return {
        inputs: ['value'],
        series: series as SeriesTable<unknown>,
        onPoint(point, input, now, emit) {
          const entry = series.forPoint(point, input, now);
          const last = entry.state.last;
          entry.state.last = point.value;
          if (last !== undefined) {
            const active = point.value > 3 * last;
            emit(entry as never, { active, severity: binding.rule.severity, summary: active ? 'unusual jump' : 'usual', value: point.value, details: { band: 'x3' } });
          }
          return entry as never;
        },
      };
    },
  };
  const fakeForecast: RuleKind<'forecast'> = {
    type: 'forecast',
    create: (binding) => {
      const series = new SeriesTable<null>(binding.rule, { initial: () => null, encode: () => null, decode: () => null });
      return {
        inputs: ['kpi_forecast'],
        series: series as SeriesTable<unknown>,
        onPoint(point, input, now, emit) {
          const entry = series.forPoint(point, input, now);
          emit(entry as never, { active: point.value < 4_000_000, severity: 'warning', summary: 'forecast dips below the minimum' });
          return entry as never;
        },
      };
    },
  };

  it('evaluates anomaly and forecast rules through the same interface, with the predictive class for forecasts', () => {
    const metrics = metricsWithRules({
      accounts_payable: [{ type: 'anomaly', id: 'ap-unusual', severity: 'info', bandPct: 99, minHistory: '56d' }],
      cash_position: [{ type: 'forecast', id: 'cash-minimum-13w', severity: 'warning', horizon: '13w', below: 4000000, probability: 0.3 }],
    });
    const h = new EngineHarness(metrics, { registry: builtInRuleKinds().with(fakeAnomaly).with(fakeForecast) });
    expect(h.engine.unsupportedRules()).toEqual([]);
    h.value('accounts_payable', {}, 100);
    expect(moves(h.advance(DAY).value('accounts_payable', {}, 400))).toEqual(['ap-unusual:none→firing']);
    expect(h.log[0]!.alert).toMatchObject({ origin: 'anomaly', alertClass: 'information', details: { band: 'x3' } });
    const forecast = h.push({ kpi: 'kpi_forecast', tags: { kpi: 'cash_position', model: 'theta' }, value: 3_500_000, time: h.now + 30 * DAY, ns: 0n });
    expect(forecast[0]!.alert).toMatchObject({ origin: 'forecast', alertClass: 'predictive', series: {}, kpi: 'cash_position' });
  });

  it('lists rules whose kind is not registered and does not evaluate them', () => {
    const h = new EngineHarness(metricsWithRules({ accounts_payable: [{ type: 'anomaly', id: 'ap-unusual', bandPct: 99, minHistory: '56d' }] }));
    expect(h.engine.unsupportedRules()).toEqual([{ kpi: 'accounts_payable', ruleId: 'ap-unusual', type: 'anomaly' }]);
    expect(h.value('accounts_payable', {}, 1)).toEqual([]);
  });
});

describe('reconfigure', () => {
  const WARNING = { type: 'static', id: 'cash-warning', severity: 'warning', below: 6000000, recoverAt: 6500000, for: '30m' };
  const CRITICAL = { type: 'static', id: 'cash-critical', severity: 'critical', below: 4000000, recoverAt: 4500000 };
  const DSO = { type: 'static', id: 'dso-critical', severity: 'critical', above: 70, recoverAt: 65 };

  it('keeps the state of unchanged rules (a pending `for` and hysteresis) and resolves alerts of removed rules', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [WARNING, CRITICAL], dso: [DSO] }));
    h.value('cash_position', {}, 3_900_000);
    h.value('dso', {}, 75);
    expect(moves(h.log).sort()).toEqual(['cash-critical:none→firing', 'cash-warning:none→pending', 'dso-critical:none→firing']);
    h.advance(10 * MINUTE);
    // The new config drops dso-critical, keeps the cash rules and adds an unrelated rule.
    const removed = h.record(
      h.engine.reconfigure(metricsWithRules({ cash_position: [WARNING, CRITICAL], dso: [], runway_months: [{ type: 'static', id: 'runway-warning', below: 12 }] }), h.now),
    );
    expect(moves(removed)).toEqual(['dso-critical:firing→resolved']);
    expect(removed[0]!.reason).toBe('rule removed');
    // cash-warning still fires 30 minutes after it started, not 30 minutes after the reload.
    expect(moves(h.run(20 * MINUTE))).toEqual(['cash-warning:pending→firing']);
    // cash-critical kept its hysteresis: 4.2M is not a recovery.
    expect(h.value('cash_position', {}, 4_200_000)).toEqual([]);
  });

  it('starts a changed rule over: its open alert is judged by the new parameters at the next point', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [CRITICAL] }));
    h.value('cash_position', {}, 3_900_000);
    expect(h.record(h.engine.reconfigure(metricsWithRules({ cash_position: [{ ...CRITICAL, below: 3_000_000, recoverAt: 3_500_000 }] }), h.now))).toEqual([]);
    expect(moves(h.advance(MINUTE).value('cash_position', {}, 3_900_000))).toEqual(['cash-critical:firing→resolved']);
    const changes = h.engine.drainChanges();
    expect(changes.staleRuleStates).toEqual([{ ruleKey: 'cash_position/cash-critical', keepVersion: expect.any(String) }]);
  });

  it('keeps the previous rules when the new config cannot be built', () => {
    const failing: RuleKind<'static'> = {
      type: 'static',
      create: (binding) => {
        if (binding.ruleId === 'boom') throw new Error('cannot build');
        return builtInRuleKinds().get('static')!.create(binding, undefined as never);
      },
    };
    const h = new EngineHarness(metricsWithRules({ cash_position: [CRITICAL] }), { registry: builtInRuleKinds().with(failing) });
    expect(() => h.engine.reconfigure(metricsWithRules({ cash_position: [CRITICAL, { ...CRITICAL, id: 'boom' }] }), h.now)).toThrow(
      expect.objectContaining({ code: ErrorCodes.CONFIG_INVALID, message: expect.stringContaining('KPI "cash_position" rule "boom" (static) cannot be evaluated: cannot build') }),
    );
    expect(moves(h.value('cash_position', {}, 3_000_000))).toEqual(['cash-critical:none→firing']);
  });
});

describe('restart', () => {
  const WARNING = { type: 'static', id: 'cash-warning', severity: 'warning', below: 6000000, recoverAt: 6500000, for: '30m' };
  const CRITICAL = { type: 'static', id: 'cash-critical', severity: 'critical', below: 4000000, recoverAt: 4500000 };

  it('resumes in the middle of a `for` duration: fires once, on time, with hysteresis and history intact', async () => {
    const metrics = metricsWithRules({ cash_position: [WARNING, CRITICAL] });
    const store = new InMemoryAlertStore();
    const first = new EngineHarness(metrics);
    first.value('cash_position', {}, 3_900_000);
    first.run(10 * MINUTE);
    await store.apply(first.engine.drainChanges());

    // The process dies 10 minutes into the 30-minute `for`; a new one starts 5 minutes later.
    const second = new EngineHarness(metrics, { now: first.now + 5 * MINUTE });
    expect(second.record(second.engine.restore(await store.load({ resolvedSince: 0 }), second.now))).toEqual([]);
    expect(second.engine.nextDueAt()).toBe(T0 + 30 * MINUTE);
    expect(second.run(14 * MINUTE)).toEqual([]);
    expect(moves(second.run(MINUTE))).toEqual(['cash-warning:pending→firing']);
    expect(second.now).toBe(T0 + 30 * MINUTE);
    expect(second.run(HOUR)).toEqual([]);
    // Hysteresis survived: 4.2M does not resolve the critical alert.
    expect(second.value('cash_position', {}, 4_200_000)).toEqual([]);
    await store.apply(second.engine.drainChanges());
    const warning = second.engine.listAlerts({ severity: 'warning' })[0]!;
    const stored = await store.getAlert(warning.fingerprint);
    expect(stored?.history.map((t) => `${t.from ?? 'none'}→${t.to}`)).toEqual(['none→pending', 'pending→firing']);
  });

  it('resolves stored alerts of rules that are gone after the restart', async () => {
    const store = new InMemoryAlertStore();
    const first = new EngineHarness(metricsWithRules({ cash_position: [CRITICAL] }));
    first.value('cash_position', {}, 3_000_000);
    await store.apply(first.engine.drainChanges());
    const second = new EngineHarness(metricsWithRules({}), { now: first.now + HOUR });
    const out = second.engine.restore(await store.load({ resolvedSince: 0 }), second.now);
    expect(out.map((t) => [t.to, t.reason])).toEqual([['resolved', 'rule removed']]);
    const changes = second.engine.drainChanges();
    expect(changes.staleRuleStates).toEqual([{ ruleKey: 'cash_position/cash-critical' }]);
    expect(changes.history.map((h) => h.seq)).toEqual([2]);
  });

  it('counts silence from the restart, not from before the downtime', async () => {
    const metrics = metricsWithRules({ bank_balance: [{ type: 'nodata', id: 'bank-feed-silent', expectedEvery: '15m', after: '45m' }] });
    const store = new InMemoryAlertStore();
    const first = new EngineHarness(metrics);
    first.value('bank_balance', { account: 'ops-usd', bank: 'jpm', currency: 'USD' }, 1);
    await store.apply(first.engine.drainChanges());
    const second = new EngineHarness(metrics, { now: first.now + 3 * HOUR });
    second.engine.restore(await store.load({ resolvedSince: 0 }), second.now);
    expect(second.run(44 * MINUTE)).toEqual([]);
    const fired = second.run(MINUTE);
    expect(moves(fired)).toEqual(['bank-feed-silent:none→firing']);
    expect(fired[0]!.alert.series).toEqual({ account: 'ops-usd', bank: 'jpm', currency: 'USD' });
  });
});
