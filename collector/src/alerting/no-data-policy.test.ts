import { DAY, EngineHarness, HOUR, metricsWithRules, moves, MINUTE } from './test-support/alert-fixtures';

/** Every rule kind with a `noData` policy applies it: alert, keep_last, ok, ignore. */

const LEVERAGE = { type: 'covenant', id: 'leverage-covenant', limit: 3.5, comparison: '<=', headroomPct: 10, noData: { policy: 'alert', after: '3d' } };
const cashRule = (policy: string) => ({ type: 'static', id: 'cash-critical', severity: 'critical', below: 4000000, recoverAt: 4500000, noData: { policy, after: '2h' } });

describe('no-data policies', () => {
  it('alert: a separate system alert after `after` without data, resolved when data returns; the rule’s own alert is untouched', () => {
    const h = new EngineHarness(metricsWithRules({ debt_to_ebitda: [LEVERAGE] }));
    const [warn] = h.value('debt_to_ebitda', {}, 3.3);
    expect(h.run(3 * DAY - HOUR, HOUR)).toEqual([]);
    const silent = h.run(HOUR, HOUR);
    expect(moves(silent)).toEqual(['leverage-covenant:none→firing']);
    expect(silent[0]!.fingerprint).not.toBe(warn!.fingerprint);
    expect(silent[0]!.alert).toMatchObject({
      severity: 'critical',
      category: 'system',
      labels: { nodata: 'true', rule: 'leverage-covenant' },
      summary: 'No data from Debt to EBITDA for 3d: rule leverage-covenant cannot be checked (source derived)',
    });
    expect(h.engine.getAlert(warn!.fingerprint)?.state).toBe('firing');
    const back = h.value('debt_to_ebitda', {}, 3.0);
    expect(moves(back).sort()).toEqual(['leverage-covenant:firing→resolved', 'leverage-covenant:firing→resolved']);
    expect(new Set(back.map((t) => t.fingerprint))).toEqual(new Set([warn!.fingerprint, silent[0]!.fingerprint]));
  });

  it('keep_last: a firing alert keeps firing through the silence', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [cashRule('keep_last')] }));
    h.value('cash_position', {}, 3_000_000);
    expect(h.run(6 * HOUR, 15 * MINUTE)).toEqual([]);
    expect(h.engine.listAlerts({ state: 'firing' })).toHaveLength(1);
    // Hysteresis state was kept: 4.2M is still "not recovered".
    expect(h.value('cash_position', {}, 4_200_000)).toEqual([]);
  });

  it('ok: the silent series counts as OK (resolved) and starts over', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [cashRule('ok')] }));
    h.value('cash_position', {}, 3_000_000);
    expect(h.run(2 * HOUR - MINUTE)).toEqual([]);
    const resolved = h.run(MINUTE);
    expect(moves(resolved)).toEqual(['cash-critical:firing→resolved']);
    expect(resolved[0]!.reason).toBe('condition cleared: Cash position: no data for 2h, treated as OK');
    // Its state started over: 4.2M (between threshold and recoverAt) does not fire, 3.9M does.
    expect(h.value('cash_position', {}, 4_200_000)).toEqual([]);
    expect(moves(h.value('cash_position', {}, 3_900_000))).toEqual(['cash-critical:resolved→firing']);
  });

  it('ignore: the alert stays as it is, evaluation starts over when data returns', () => {
    const h = new EngineHarness(metricsWithRules({ cash_position: [cashRule('ignore')] }));
    h.value('cash_position', {}, 3_000_000);
    expect(h.run(3 * HOUR, 15 * MINUTE)).toEqual([]);
    expect(h.engine.listAlerts({ state: 'firing' })).toHaveLength(1);
    // Fresh state: the first point after the gap is judged without hysteresis memory, and reported.
    expect(moves(h.value('cash_position', {}, 4_200_000))).toEqual(['cash-critical:firing→resolved']);
  });

  it('applies per series: a silent series does not affect the others', () => {
    const h = new EngineHarness(
      metricsWithRules({
        platform_uptime: [{ type: 'static', id: 'uptime-critical', severity: 'critical', below: 99.5, recoverAt: 99.7, noData: { policy: 'alert', after: '15m' } }],
      }),
    );
    h.value('platform_uptime', { service: 'payments' }, 99.9);
    h.value('platform_uptime', { service: 'reporting' }, 99.9);
    const out: string[] = [];
    for (let i = 0; i < 4; i++) {
      h.advance(5 * MINUTE).value('platform_uptime', { service: 'payments' }, 99.9);
      out.push(...moves(h.tick()));
    }
    expect(out).toEqual(['uptime-critical:none→firing']);
    expect(h.engine.listAlerts()[0]!.series).toEqual({ service: 'reporting' });
  });
});
