import { covenantHeadroomPct, covenantLevel } from './covenant-rule';
import { DAY, EngineHarness, metricsWithRules, moves } from '../../test-support/alert-fixtures';

const LEVERAGE = {
  type: 'covenant',
  id: 'leverage-covenant',
  limit: 3.5,
  comparison: '<=',
  headroomPct: 10,
  agreement: 'Senior secured credit facility (2023), section 7.11(a)',
};
const COVERAGE = { type: 'covenant', id: 'coverage-covenant', limit: 3.0, comparison: '>=', headroomPct: 15 };

describe('covenant levels', () => {
  it.each([
    // leverage ≤ 3.5, warn within 10% (above 3.15)
    [LEVERAGE, 2.9, 0],
    [LEVERAGE, 3.15, 0],
    [LEVERAGE, 3.2, 1],
    [LEVERAGE, 3.5, 1],
    [LEVERAGE, 3.51, 2],
    // coverage ≥ 3.0, warn within 15% (below 3.45)
    [COVERAGE, 4, 0],
    [COVERAGE, 3.45, 0],
    [COVERAGE, 3.3, 1],
    [COVERAGE, 3.0, 1],
    [COVERAGE, 2.99, 2],
    // without headroom: only the breach counts
    [{ limit: 1.25, comparison: '>=' }, 1.26, 0],
    [{ limit: 1.25, comparison: '>=' }, 1.2, 2],
  ] as const)('%j at %d → level %d', (rule, value, level) => {
    expect(covenantLevel(rule as Parameters<typeof covenantLevel>[0], value)).toBe(level);
  });

  it('measures headroom in percent of the limit, negative once breached', () => {
    expect(covenantHeadroomPct({ limit: 3.5, comparison: '<=' }, 2.8)).toBeCloseTo(20);
    expect(covenantHeadroomPct({ limit: 3.0, comparison: '>=' }, 2.7)).toBeCloseTo(-10);
  });
});

describe('covenant rule in the engine', () => {
  it('warns within the headroom, turns critical at the breach (one alert), and resolves when compliant again', () => {
    const h = new EngineHarness(metricsWithRules({ debt_to_ebitda: [LEVERAGE] }));
    expect(h.value('debt_to_ebitda', {}, 2.9)).toEqual([]);
    const warn = h.advance(DAY).value('debt_to_ebitda', {}, 3.3);
    expect(moves(warn)).toEqual(['leverage-covenant:none→firing']);
    expect(warn[0]!.alert).toMatchObject({
      severity: 'warning',
      alertClass: 'warning',
      summary: 'Debt to EBITDA 3.3x is within 10% of its covenant limit 3.5x (headroom 5.7%)',
      details: { limit: 3.5, comparison: '<=', headroomPct: 5.71, breached: false },
    });
    const breach = h.advance(DAY).value('debt_to_ebitda', {}, 3.62);
    expect(moves(breach)).toEqual(['leverage-covenant:firing→firing']);
    expect(breach[0]!.fingerprint).toBe(warn[0]!.fingerprint);
    expect(breach[0]!.reason).toMatch(/^severity raised from warning to critical: Debt to EBITDA 3.62x breaches its covenant \(must stay at or below 3.5x; Senior secured/);
    expect(breach[0]!.alert).toMatchObject({ severity: 'critical', alertClass: 'critical', priority: 100, details: { breached: true } });
    expect(moves(h.advance(DAY).value('debt_to_ebitda', {}, 3.0))).toEqual(['leverage-covenant:firing→resolved']);
  });

  it('re-opens an acknowledged headroom warning as firing when the covenant is breached', () => {
    const h = new EngineHarness(metricsWithRules({ interest_coverage: [COVERAGE] }));
    const [warn] = h.value('interest_coverage', {}, 3.2);
    h.record(h.engine.acknowledge(warn!.fingerprint, { kind: 'user', name: 'cfo' }, 'watching it', h.now));
    const breach = h.advance(DAY).value('interest_coverage', {}, 2.8);
    expect(moves(breach)).toEqual(['coverage-covenant:acknowledged→firing']);
    expect(breach[0]!.alert.acknowledgedBy).toBeUndefined();
    expect(breach[0]!.reason).toContain('(acknowledgement cleared)');
  });
});
