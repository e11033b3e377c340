import { DEFAULT_NOVELTY_OPTIONS, NoveltyAnomalyDetector } from './novelty-anomaly-detector';
import { noveltyRuleOptions, RULE_LIKELIHOOD_HISTORY, RULE_MAX_CONTEXTS } from './novelty-rule-options';

const MINUTE = 60_000;

describe('noveltyRuleOptions', () => {
  it('sizes each season ring to one season of points at half the cadence and caps contexts and likelihood history', () => {
    const o = noveltyRuleOptions(15 * MINUTE);
    expect(o.seasons.map((s) => [s.name, s.lag.capacity])).toEqual([
      ['daily', 214],
      ['weekly', 1481],
    ]);
    expect(o.context.maxContexts).toBe(RULE_MAX_CONTEXTS);
    expect(o.likelihood.historyWindow).toBe(RULE_LIKELIHOOD_HISTORY);
    // scoring is the benchmark's
    expect({ ...o, seasons: [], context: {}, likelihood: {} }).toEqual({ ...DEFAULT_NOVELTY_OPTIONS, seasons: [], context: {}, likelihood: {} });
    expect(o.context.warmup).toBe(DEFAULT_NOVELTY_OPTIONS.context.warmup);
    expect(o.likelihood.learningPeriod).toBe(DEFAULT_NOVELTY_OPTIONS.likelihood.learningPeriod);
  });

  it('leaves out seasons shorter than two cadences', () => {
    expect(noveltyRuleOptions(86_400_000).seasons.map((s) => [s.name, s.lag.capacity])).toEqual([['weekly', 18]]);
    expect(noveltyRuleOptions(7 * 86_400_000).seasons).toEqual([]);
  });

  it('bounds a rule series\' state: eight weeks of 15-minute points snapshot to under 320 kB of JSON', () => {
    const d = new NoveltyAnomalyDetector(noveltyRuleOptions(15 * MINUTE));
    for (let i = 0; i < 8 * 7 * 96; i++) d.update(i * 15 * MINUTE, 1000 + 100 * Math.sin(i / 7) + ((i * 7919) % 13));
    const snapshot = d.snapshot();
    expect(snapshot.context.counts.length).toBeLessThanOrEqual(RULE_MAX_CONTEXTS + 6);
    expect(JSON.stringify(snapshot).length).toBeLessThan(320_000);
  });

  it('refuses a cadence that is not positive', () => {
    expect(() => noveltyRuleOptions(0)).toThrow(/cadenceMs must be positive/);
  });
});
