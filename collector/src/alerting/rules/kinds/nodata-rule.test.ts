import { EngineHarness, metricsWithRules, moves, MINUTE, DAY, HOUR } from '../../test-support/alert-fixtures';

const BANK_SILENT = { type: 'nodata', id: 'bank-feed-silent', expectedEvery: '15m', after: '45m', scope: 'series' };
const OPS = { account: 'ops-usd', bank: 'jpm', currency: 'USD' };
const PAYROLL = { account: 'payroll-usd', bank: 'jpm', currency: 'USD' };

describe('nodata rule', () => {
  it('raises a critical system failure for the one bank account that stopped, and resolves when it reports again', () => {
    const h = new EngineHarness(metricsWithRules({ bank_balance: [BANK_SILENT] }));
    const fired: string[] = [];
    // Both accounts report every 15 minutes for an hour; then ops-usd falls silent.
    for (let i = 0; i < 4; i++) {
      h.value('bank_balance', OPS, 1_000_000);
      h.value('bank_balance', PAYROLL, 2_000_000);
      fired.push(...moves(h.run(15 * MINUTE)));
    }
    const lastOps = h.now;
    h.value('bank_balance', OPS, 1_000_000);
    for (let i = 0; i < 4; i++) {
      h.value('bank_balance', PAYROLL, 2_000_000);
      fired.push(...moves(h.run(15 * MINUTE)));
    }
    expect(fired).toEqual(['bank-feed-silent:none→firing']);
    const alert = h.engine.listAlerts({ state: 'firing' })[0]!;
    expect(h.log.at(-1)!.at).toBe(lastOps + 45 * MINUTE);
    expect(alert).toMatchObject({
      series: OPS,
      severity: 'critical',
      category: 'system',
      alertClass: 'critical',
      summary: 'System failure: no data from Bank balance ops-usd jpm USD for 45m (expected every 15m from source bank)',
      labels: { category: 'system', source: 'bank', team: 'treasury', account: 'ops-usd' },
    });
    expect(moves(h.value('bank_balance', OPS, 1_000_000))).toEqual(['bank-feed-silent:firing→resolved']);
  });

  it('with scope kpi, any series of the KPI counts', () => {
    const h = new EngineHarness(
      metricsWithRules({ revenue: [{ type: 'nodata', id: 'erp-revenue-missing', severity: 'warning', expectedEvery: '1d', after: '2d', scope: 'kpi' }] }),
    );
    for (let d = 0; d < 4; d++) {
      h.value('revenue', { region: d % 2 === 0 ? 'na' : 'emea', product: 'arm' }, 100_000);
      expect(h.run(DAY, HOUR)).toEqual([]);
    }
    const out = moves(h.run(2 * DAY, HOUR));
    expect(out).toEqual(['erp-revenue-missing:none→firing']);
    expect(h.engine.listAlerts()[0]).toMatchObject({ series: {}, severity: 'warning', summary: expect.stringContaining('no data from Revenue (any series) for 2d') });
  });

  it('notices a source that never delivered, counting from the start, until its first point', () => {
    const h = new EngineHarness(metricsWithRules({ bank_balance: [BANK_SILENT] }));
    expect(h.run(44 * MINUTE)).toEqual([]);
    const fired = h.run(MINUTE);
    expect(moves(fired)).toEqual(['bank-feed-silent:none→firing']);
    expect(fired[0]!.alert.summary).toContain('Bank balance (no series seen yet)');
    expect(moves(h.value('bank_balance', OPS, 5))).toEqual(['bank-feed-silent:firing→resolved']);
    expect(h.engine.stats().series).toBe(1);
  });

  it('tells when the next check is due', () => {
    const h = new EngineHarness(metricsWithRules({ bank_balance: [BANK_SILENT] }));
    h.value('bank_balance', OPS, 1);
    expect(h.engine.nextDueAt()).toBe(h.now + 45 * MINUTE);
  });
});

describe('source error streaks', () => {
  it.each([
    [2, []],
    [3, ['source-failure:none→firing']],
  ])('%d failed runs in a row → %j', (failures, expected) => {
    const h = new EngineHarness(metricsWithRules({}));
    const out = h.engine.sourceHealth({ source: 'erp', ok: false, consecutiveFailures: failures, error: 'HTTP 503 from erp.example' }, h.now);
    expect(moves(out)).toEqual(expected);
  });

  it('raises a critical system alert for the source and resolves it on the next success', () => {
    const h = new EngineHarness(metricsWithRules({}));
    const [fired] = h.engine.sourceHealth({ source: 'erp', ok: false, consecutiveFailures: 3, error: 'HTTP 503 from erp.example' }, h.now);
    expect(fired!.alert).toMatchObject({
      kpi: 'source:erp',
      ruleId: 'source-failure',
      origin: 'source_failure',
      severity: 'critical',
      category: 'system',
      series: { source: 'erp' },
      labels: { source: 'erp', category: 'system', class: 'critical' },
      summary: 'System failure: source erp failed 3 times in a row (last error: HTTP 503 from erp.example)',
      ruleFile: 'built-in',
      priority: 100, // erp feeds revenue (impact 5)
    });
    expect(h.engine.sourceHealth({ source: 'erp', ok: false, consecutiveFailures: 4 }, h.now + MINUTE)).toEqual([]);
    expect(moves(h.engine.sourceHealth({ source: 'erp', ok: true, consecutiveFailures: 0 }, h.now + 2 * MINUTE))).toEqual([
      'source-failure:firing→resolved',
    ]);
  });
});
