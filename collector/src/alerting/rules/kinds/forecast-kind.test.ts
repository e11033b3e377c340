import type { Forecaster } from '../../../analytics/forecast/forecast-result';
import { builtInRuleKinds } from '../rule-kind-registry';
import { aboutWhen, createForecastRuleKind, forecastRuleKind } from './forecast-kind';
import { DAY, EngineHarness, metricsWithRules, MINUTE, moves, nyMidnight, T0 } from '../../test-support/alert-fixtures';

const Z95 = 1.959963985;

/** A forecaster with a known answer: from the last value, −`slope` per step, σ = `sigma` at every step. */
function lineForecaster(slope: number, sigma: number): Forecaster & { calls: number } {
  const f = {
    name: 'line',
    calls: 0,
    forecast(series: readonly number[], horizon: number, level = 95) {
      f.calls++;
      const last = series[series.length - 1]!;
      const mean = Array.from({ length: horizon }, (_, i) => last - slope * (i + 1));
      return { mean, lower: mean.map((m) => m - Z95 * sigma), upper: mean.map((m) => m + Z95 * sigma), level, method: 'line' };
    },
  };
  return f;
}

function harness(rule: Record<string, unknown>, forecaster?: Forecaster) {
  const kind = forecaster ? createForecastRuleKind({ forecaster }) : forecastRuleKind;
  return new EngineHarness(metricsWithRules({ cash_position: [{ type: 'forecast', id: 'cash-min', ...rule }] }), {
    registry: builtInRuleKinds().with(kind),
  });
}

describe('aboutWhen', () => {
  it.each([
    [0, 'today'],
    [DAY, 'tomorrow'],
    [7 * DAY, 'in about 7 days'],
    [42 * DAY, 'in about 6 weeks'],
    [180 * DAY, 'in about 6 months'],
  ])('%d ms → %s', (ms, text) => expect(aboutWhen(ms)).toBe(text));
});

describe('forecast rule kind', () => {
  it('fires with the hand-computed crossing probability, once per day, and resolves when the outlook clears', () => {
    // 7 daily steps, −150k a day from 5M, σ 200k: step 7 mean 3.95M → P(Y7 < 4M) = Φ(0.25) = 0.598706
    const forecaster = lineForecaster(150_000, 200_000);
    const h = harness({ horizon: '1w', below: 4_000_000, probability: 0.5 }, forecaster);
    // 15 days of 15-minute points at 5M: forecasts start once 14 days are complete
    // 15-minute points at 5M until the 14th New York midnight completes the 14th day
    const fourteenthMidnight = nyMidnight(2025, 3, 17);
    const out = [];
    for (let first = true; h.now + 15 * MINUTE < fourteenthMidnight; first = false) {
      out.push(...h.advance(first ? 0 : 15 * MINUTE).value('cash_position', {}, 5_000_000));
    }
    expect(out).toEqual([]);
    expect(forecaster.calls).toBe(0);
    h.now = fourteenthMidnight;
    const fired = h.value('cash_position', {}, 5_000_000);
    expect(forecaster.calls).toBe(1);
    expect(moves(fired)).toEqual(['cash-min:none→firing']);
    const alert = fired[0]!.alert;
    expect(alert.alertClass).toBe('predictive');
    expect(alert.summary).toBe('Cash position will fall below 4,000,000 USD in about 7 days (probability 60%)');
    expect(alert.details).toMatchObject({ comparison: 'below', threshold: 4_000_000, stepsAhead: 7, horizon: '1w', method: 'line' });
    expect(alert.details.probability).toBeCloseTo(0.5987, 4);
    expect(alert.value).toBe(3_950_000);
    // more points the same day: no new forecast
    for (let i = 0; i < 20; i++) h.advance(15 * MINUTE).value('cash_position', {}, 6_000_000);
    expect(forecaster.calls).toBe(1);
    // the next day starts from 6M: step 7 mean 4.95M → P = Φ(−4.75) ≈ 1e-6 → resolved
    const resolved = h.advance(DAY).value('cash_position', {}, 6_000_000);
    expect(moves(resolved)).toEqual(['cash-min:firing→resolved']);
    expect(forecaster.calls).toBe(2);
    expect(h.engine.getAlert(alert.fingerprint)!.summary).toBe(
      'Cash position (6,000,000 USD) is no longer forecast to fall below 4,000,000 USD within 1w (probability 0%)',
    );
  });

  it.each([
    // probability threshold, fires?
    [0.59, true],
    [0.6, false],
  ])('fires only when the probability reaches `probability` (%d → %s)', (probability, fires) => {
    const h = harness({ horizon: '1w', below: 4_000_000, probability }, lineForecaster(150_000, 200_000));
    const out = [];
    for (let d = 0; d <= 15; d++) out.push(...h.advance(d === 0 ? 0 : DAY).value('cash_position', {}, 5_000_000));
    expect(moves(out)).toEqual(fires ? ['cash-min:none→firing'] : []);
  });

  it('watches `above` the same way', () => {
    const h = harness({ horizon: '1w', above: 6_000_000, probability: 0.5 }, lineForecaster(-150_000, 200_000));
    const out = [];
    for (let d = 0; d <= 15; d++) out.push(...h.advance(d === 0 ? 0 : DAY).value('cash_position', {}, 5_000_000));
    expect(out.map((t) => t.alert.summary)).toEqual(['Cash position will rise above 6,000,000 USD in about 7 days (probability 60%)']);
  });

  it('with the default forecaster, warns weeks ahead of a steady cash decline', () => {
    const h = harness({ horizon: '13w', below: 4_000_000, probability: 0.8 });
    const out = [];
    for (let d = 0; d < 100; d++) out.push(...h.advance(d === 0 ? 0 : DAY).value('cash_position', {}, 9_000_000 - 50_000 * d + ((d * 7919) % 5) * 8_000));
    const fired = out.filter((t) => t.to === 'firing');
    expect(fired).toHaveLength(1);
    // cash reaches 4M at day 100; the alert comes weeks before
    const firedDay = (fired[0]!.at - T0) / DAY;
    expect(firedDay).toBeLessThan(86);
    expect(fired[0]!.alert.summary).toMatch(/^Cash position will fall below 4,000,000 USD in about \d+ (weeks|days) \(probability (8\d|9\d|100)%\)$/);
    expect(String(fired[0]!.alert.details.method)).toMatch(/^median\(/);
  });
});
