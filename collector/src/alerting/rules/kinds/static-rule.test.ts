import { staticConditionActive } from './static-rule';
import { EngineHarness, metricsWithRules, MINUTE, moves } from '../../test-support/alert-fixtures';

const CASH_RULES = [
  { type: 'static', id: 'cash-critical', severity: 'critical', below: 4000000, recoverAt: 4500000 },
  { type: 'static', id: 'cash-warning', severity: 'warning', below: 6000000, recoverAt: 6500000, for: '30m' },
];

describe('staticConditionActive (hysteresis)', () => {
  it.each([
    // rule, value, was active, expected
    [{ below: 100, recoverAt: 120 }, 99, false, true],
    [{ below: 100, recoverAt: 120 }, 100, false, false],
    [{ below: 100, recoverAt: 120 }, 110, true, true],
    [{ below: 100, recoverAt: 120 }, 120, true, false],
    [{ below: 100, recoverAt: 120 }, 110, false, false],
    [{ above: 55, recoverAt: 52 }, 56, false, true],
    [{ above: 55, recoverAt: 52 }, 53, true, true],
    [{ above: 55, recoverAt: 52 }, 52, true, false],
    [{ above: 55 }, 55, true, false],
    [{ above: 55 }, 55.1, true, true],
  ])('%j value %d (active before: %s) → %s', (rule, value, was, expected) => {
    expect(staticConditionActive(rule, value, was)).toBe(expected);
  });
});

describe('static rule in the engine', () => {
  it('fires at once without `for`, holds between threshold and recoverAt, resolves at recoverAt', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [CASH_RULES[0]] }));
    expect(moves(h.value('cash_position', {}, 5_000_000))).toEqual([]);
    const fired = h.advance(15 * MINUTE).value('cash_position', {}, 3_812_400);
    expect(moves(fired)).toEqual(['cash-critical:none→firing']);
    expect(fired[0]!.alert).toMatchObject({
      severity: 'critical',
      alertClass: 'critical',
      category: 'financial',
      value: 3_812_400,
      threshold: 4_000_000,
      summary: 'Cash position 3,812,400 USD is below 4,000,000 USD',
      labels: { kpi: 'cash_position', rule: 'cash-critical', severity: 'critical', class: 'critical', category: 'financial', source: 'derived', team: 'treasury' },
      priority: 100,
      ruleFile: 'metrics_config.json',
    });
    expect(moves(h.advance(15 * MINUTE).value('cash_position', {}, 4_200_000))).toEqual([]);
    expect(h.engine.getAlert(fired[0]!.fingerprint)).toMatchObject({
      state: 'firing',
      value: 4_200_000,
      summary: 'Cash position 4,200,000 USD has not recovered to 4,500,000 USD yet (alert below 4,000,000 USD)',
    });
    const resolved = h.advance(15 * MINUTE).value('cash_position', {}, 4_500_000);
    expect(moves(resolved)).toEqual(['cash-critical:firing→resolved']);
    expect(resolved[0]!.reason).toBe('condition cleared: Cash position 4,500,000 USD recovered (at or above 4,500,000 USD)');
  });

  it('waits for `for` (pending), fires on the tick at the end of it, and resolves a pending alert that clears early', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [CASH_RULES[1]] }));
    expect(moves(h.value('cash_position', {}, 5_900_000))).toEqual(['cash-warning:none→pending']);
    expect(moves(h.run(29 * MINUTE))).toEqual([]);
    expect(moves(h.advance(MINUTE).tick())).toEqual(['cash-warning:pending→firing']);
    const fp = h.log[0]!.fingerprint;
    expect(h.engine.getAlert(fp)).toMatchObject({ state: 'firing', startsAt: h.now - 30 * MINUTE, firingAt: h.now });

    // A second episode that clears before its `for` ends never fires.
    h.advance(MINUTE).value('cash_position', {}, 6_600_000);
    expect(h.engine.getAlert(fp)?.state).toBe('resolved');
    expect(moves(h.advance(MINUTE).value('cash_position', {}, 5_000_000))).toEqual(['cash-warning:resolved→pending']);
    const cleared = h.advance(10 * MINUTE).value('cash_position', {}, 6_700_000);
    expect(moves(cleared)).toEqual(['cash-warning:pending→resolved']);
    expect(cleared[0]!.reason).toMatch(/^condition cleared within 30m: /);
    expect(moves(h.run(60 * MINUTE))).toEqual([]);
  });

  it('fires on a point that arrives after `for` has passed (no tick needed)', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [CASH_RULES[1]] }));
    h.value('cash_position', {}, 5_900_000);
    expect(moves(h.advance(31 * MINUTE).value('cash_position', {}, 5_800_000))).toEqual(['cash-warning:pending→firing']);
  });

  it('applies per-entity overrides of threshold, recovery and severity to each bank account', () => {
    const h = new EngineHarness(
      metricsWithRules({
        bank_balance: [
          {
            type: 'static',
            id: 'account-low',
            severity: 'warning',
            below: 250000,
            recoverAt: 300000,
            overrides: [
              { match: { account: 'payroll-usd' }, below: 1500000, recoverAt: 1750000 },
              { match: { account: 'reserve-usd' }, below: 2000000, recoverAt: 2250000, severity: 'critical' },
            ],
          },
        ],
      }),
    );
    const cases: [string, number, string | undefined][] = [
      ['ops-usd', 240_000, 'warning'],
      ['ops-eur', 260_000, undefined],
      ['payroll-usd', 1_400_000, 'warning'],
      ['reserve-usd', 1_900_000, 'critical'],
      ['reserve-usd-2', 1_900_000, undefined],
    ];
    for (const [account, value, severity] of cases) {
      const out = h.value('bank_balance', { account, bank: 'jpm', currency: 'USD' }, value);
      expect(out.map((t) => t.alert.severity)).toEqual(severity === undefined ? [] : [severity]);
    }
    const reserve = h.engine.listAlerts({ severity: 'critical' })[0]!;
    expect(reserve.series).toEqual({ account: 'reserve-usd', bank: 'jpm', currency: 'USD' });
    expect(reserve.summary).toBe('Bank balance reserve-usd jpm USD 1,900,000 USD is below 2,000,000 USD');
    // payroll-usd recovers at its own recoverAt (1.75M), not the rule's 300k.
    expect(moves(h.value('bank_balance', { account: 'payroll-usd', bank: 'jpm', currency: 'USD' }, 1_700_000))).toEqual([]);
    expect(moves(h.value('bank_balance', { account: 'payroll-usd', bank: 'jpm', currency: 'USD' }, 1_750_000))).toEqual([
      'account-low:firing→resolved',
    ]);
  });

  it('ignores a point older than the newest of its series', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [CASH_RULES[0]] }));
    h.value('cash_position', {}, 5_000_000, h.now);
    expect(h.value('cash_position', {}, 1_000_000, h.now - 15 * MINUTE)).toEqual([]);
    expect(h.engine.listAlerts()).toEqual([]);
  });

  it('keeps one alert per series: same tags in another order are the same series', () => {
    const h = new EngineHarness(metricsWithRules({ bank_balance: [{ type: 'static', id: 'low', below: 100 }] }));
    h.value('bank_balance', { account: 'a', bank: 'b', currency: 'USD' }, 50);
    h.advance(MINUTE).value('bank_balance', { currency: 'USD', bank: 'b', account: 'a' }, 40);
    expect(h.engine.listAlerts()).toHaveLength(1);
    expect(h.log).toHaveLength(1);
  });
});
