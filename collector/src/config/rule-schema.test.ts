import { effectiveRule, ruleSchema, type RuleDefinition } from './rule-schema';

/** The issues of an invalid rule as "path: message". */
function issuesOf(rule: unknown): string[] {
  const result = ruleSchema.safeParse(rule);
  if (result.success) return [];
  return result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
}

describe('ruleSchema', () => {
  it.each([
    ['static below with recovery', { type: 'static', below: 4_000_000, recoverAt: 4_500_000, for: '30m' }],
    ['static above with recovery', { type: 'static', above: 800, recoverAt: 700 }],
    ['variance against budget, projected', { type: 'variance', against: 'budget', window: 'month_to_date', pct: 5, projected: true }],
    ['variance with absolute and pct', { type: 'variance', against: 'target', window: 'week', absolute: 1000, pct: 10, direction: 'under' }],
    ['trend week over week', { type: 'trend', window: '1w', changePct: 30, direction: 'up' }],
    ['covenant with headroom', { type: 'covenant', limit: 3.5, comparison: '<=', headroomPct: 10 }],
    ['nodata', { type: 'nodata', expectedEvery: '15m', after: '45m' }],
    ['milestone per quarter', { type: 'milestone', marks: [1, 2, 3], period: 'quarter', crossing: 'both' }],
    ['anomaly with weekly seasonality', { type: 'anomaly', bandPct: 99.9, seasonality: 'weekly', minHistory: '28d' }],
    ['anomaly by novelty score', { type: 'anomaly', bandPct: 99.9, method: 'novelty', threshold: 0.7 }],
    ['anomaly by novelty score of at most 1', { type: 'anomaly', bandPct: 99, method: 'novelty', threshold: 1 }],
    ['anomaly novelty chosen for one entity', { type: 'anomaly', bandPct: 99, overrides: [{ match: { account: 'ops-usd' }, method: 'novelty', threshold: 0.6 }] }],
    ['forecast', { type: 'forecast', horizon: '13w', below: 4_000_000, probability: 0.5 }],
    ['noData policy', { type: 'static', below: 1, noData: { policy: 'alert', after: '2h' } }],
    ['labels and id', { type: 'static', id: 'cash-low', below: 1, labels: { team: 'treasury' } }],
    ['overrides', { type: 'static', below: 1, overrides: [{ match: { account: 'ops-usd' }, below: 2, severity: 'critical' }] }],
  ])('accepts %s', (_name, rule) => {
    expect(issuesOf(rule)).toEqual([]);
  });

  it.each([
    ['static', 'warning'],
    ['covenant', 'critical'],
    ['nodata', 'critical'],
    ['milestone', 'info'],
  ])('a %s rule defaults to severity %s', (type, severity) => {
    const minimal: Record<string, object> = {
      static: { below: 1 },
      covenant: { limit: 1, comparison: '>=' },
      nodata: { expectedEvery: '1h', after: '2h' },
      milestone: { marks: [1] },
    };
    expect(ruleSchema.parse({ type, ...minimal[type] }).severity).toBe(severity);
  });

  it('fills the defaults of each kind', () => {
    expect(ruleSchema.parse({ type: 'variance', against: 'target', window: 'day', pct: 1 })).toMatchObject({ direction: 'either', projected: false });
    expect(ruleSchema.parse({ type: 'anomaly', bandPct: 99 })).toMatchObject({ minHistory: '28d', seasonality: 'none', direction: 'both', method: 'band', threshold: 0.54 });
    expect(ruleSchema.parse({ type: 'milestone', marks: [1] })).toMatchObject({ crossing: 'up' });
    expect(ruleSchema.parse({ type: 'nodata', expectedEvery: '1h', after: '1h' })).toMatchObject({ scope: 'series' });
  });

  it.each([
    ['an unknown type', { type: 'threshold' }, 'type: expected "type" to be one of "static", "variance", "trend", "covenant", "nodata", "milestone", "anomaly", "forecast"'],
    ['a static rule without a threshold', { type: 'static' }, 'above: a static rule needs "above" or "below" (the threshold it watches)'],
    ['a static rule with both thresholds', { type: 'static', above: 2, below: 1 }, 'below: give either "above" or "below", not both (use two static rules to watch a band)'],
    ['recovery above an above threshold', { type: 'static', above: 10, recoverAt: 11 }, 'recoverAt: recoverAt (11) must be at or below "above" (10): an above rule recovers once the value falls back to recoverAt'],
    ['a variance rule without a size', { type: 'variance', against: 'target', window: 'day' }, 'pct: a variance rule needs "pct", "absolute" or both (when both are given, both must be exceeded)'],
    ['an unknown variance window', { type: 'variance', against: 'target', window: 'quarter', pct: 1 }, 'window: Invalid option: expected one of "day"|"week"|"month_to_date"'],
    ['a decrease of 100%', { type: 'trend', window: '1w', changePct: 100, direction: 'down' }, 'changePct: a decrease of 100% or more cannot happen to a positive value; use a changePct below 100 for direction "down"'],
    ['a covenant comparison word', { type: 'covenant', limit: 1, comparison: 'lte' }, 'comparison: Invalid option: expected one of "<="|">="'],
    ['a warning covenant with headroom', { type: 'covenant', limit: 1, comparison: '>=', headroomPct: 10, severity: 'warning' }, 'severity: a covenant with headroomPct warns before the breach, so the breach itself must be "critical" (got "warning")'],
    ['headroom of 100%', { type: 'covenant', limit: 1, comparison: '>=', headroomPct: 100 }, 'headroomPct: Too big: expected number to be <100'],
    ['nodata after shorter than expected', { type: 'nodata', expectedEvery: '1h', after: '30m' }, 'after: after (30m) must be at least expectedEvery (1h): the rule would fire between two expected points'],
    ['a noData policy on a nodata rule', { type: 'nodata', expectedEvery: '1h', after: '1h', noData: { policy: 'ok', after: '1h' } }, ': Unrecognized key: "noData"'],
    ['repeated milestone marks', { type: 'milestone', marks: [1, 2, 2] }, 'marks.2: marks must be ascending without repeats (2 follows 2)'],
    ['an empty milestone', { type: 'milestone', marks: [] }, 'marks: Too small: expected array to have >=1 items'],
    ['an anomaly band of 50%', { type: 'anomaly', bandPct: 50 }, 'bandPct: Too small: expected number to be >50'],
    ['an unknown anomaly method', { type: 'anomaly', bandPct: 99, method: 'nope' }, 'method: Invalid option: expected one of "band"|"novelty"'],
    ['a novelty threshold of 0', { type: 'anomaly', bandPct: 99, method: 'novelty', threshold: 0 }, 'threshold: Too small: expected number to be >0'],
    ['a novelty threshold above 1', { type: 'anomaly', bandPct: 99, method: 'novelty', threshold: 1.5 }, 'threshold: Too big: expected number to be <=1'],
    ['an override with a novelty threshold above 1', { type: 'anomaly', bandPct: 99, overrides: [{ match: { a: 'x' }, method: 'novelty', threshold: 1.5 }] }, 'overrides.0.threshold: Too big: expected number to be <=1'],
    ['weekly seasonality with one week of history', { type: 'anomaly', bandPct: 99, seasonality: 'weekly', minHistory: '1w' }, 'minHistory: minHistory (1w) must cover at least two weekly seasons (2w) to learn the pattern'],
    ['a forecast probability in percent', { type: 'forecast', horizon: '13w', below: 1, probability: 80 }, 'probability: Too big: expected number to be <=1'],
    ['a forecast without a threshold', { type: 'forecast', horizon: '13w', probability: 0.5 }, 'above: a forecast rule needs "above" or "below" (the threshold it watches)'],
    ['an unknown noData policy', { type: 'static', below: 1, noData: { policy: 'zero', after: '1h' } }, 'noData.policy: Invalid option: expected one of "alert"|"keep_last"|"ok"|"ignore"'],
    ['a bad duration in for', { type: 'static', below: 1, for: '5 minutes' }, 'for: a duration such as "15m", "1h", "1d" or "1w"'],
    ['an override without match', { type: 'static', below: 1, overrides: [{ below: 2 }] }, 'overrides.0.match: Invalid input: expected record, received undefined'],
    ['an override with an empty match', { type: 'static', below: 1, overrides: [{ match: {}, below: 2 }] }, 'overrides.0.match: name at least one dimension value, e.g. { "account": "ops-usd" }'],
    ['an override switching direction', { type: 'static', below: 1, overrides: [{ match: { a: 'x' }, above: 2 }] }, 'overrides.0.below: give either "above" or "below", not both (use two static rules to watch a band)'],
    ['an override breaking recovery', { type: 'static', below: 1, recoverAt: 2, overrides: [{ match: { a: 'x' }, below: 5 }] }, 'overrides.0.recoverAt: recoverAt (2) must be at or above "below" (5): a below rule recovers once the value climbs back to recoverAt'],
    ['a broken rule with an override, reported once', { type: 'static', overrides: [{ match: { a: 'x' }, severity: 'critical' }] }, 'above: a static rule needs "above" or "below" (the threshold it watches)'],
    ['an override of an unknown parameter', { type: 'static', below: 1, overrides: [{ match: { a: 'x' }, limit: 5 }] }, 'overrides.0: Unrecognized key: "limit"'],
  ])('rejects %s', (_name, rule, expected) => {
    expect(issuesOf(rule)).toEqual([expected]);
  });
});

describe('effectiveRule', () => {
  const rule = ruleSchema.parse({
    type: 'static',
    below: 250_000,
    recoverAt: 300_000,
    overrides: [
      { match: { account: 'payroll-usd' }, below: 1_500_000, recoverAt: 1_750_000 },
      { match: { account: 'payroll-usd', bank: 'jpm' }, severity: 'critical' },
      { match: { currency: 'EUR' }, below: 200_000, recoverAt: 240_000 },
    ],
  }) as Extract<RuleDefinition, { type: 'static' }>;

  it('returns the rule without overrides for a series no override matches', () => {
    expect(effectiveRule(rule, { account: 'ops-usd', bank: 'jpm', currency: 'USD' })).toEqual({
      type: 'static',
      severity: 'warning',
      below: 250_000,
      recoverAt: 300_000,
    });
  });

  it('applies every matching override in order, later ones winning', () => {
    expect(effectiveRule(rule, { account: 'payroll-usd', bank: 'jpm', currency: 'USD' })).toEqual({
      type: 'static',
      severity: 'critical',
      below: 1_500_000,
      recoverAt: 1_750_000,
    });
  });

  it('needs every match pair to be present in the tags', () => {
    expect(effectiveRule(rule, { account: 'payroll-usd', bank: 'citi' }).severity).toBe('warning');
    expect(effectiveRule(rule, { currency: 'EUR' }).below).toBe(200_000);
  });

  it('returns a frozen object', () => {
    expect(Object.isFrozen(effectiveRule(rule, { currency: 'EUR' }))).toBe(true);
  });
});
