import { ManualClock } from '../../../core/clock';
import { BandPointBuffer } from '../../../analytics/dynamic-thresholds/band-points';
import { InMemoryAlertStore } from '../../store/in-memory-alert-store';
import { builtInRuleKinds } from '../rule-kind-registry';
import { createAnomalyRuleKind } from './anomaly-kind';
import { DAY, EngineHarness, MINUTE, metricsWithRules, moves, T0 } from '../../test-support/alert-fixtures';
import type { AlertTransition } from '../../alert-model';

const SERIES = { region: 'emea', product: 'widgets' };
const WEEKLY = [100_000, 104_000, 102_000, 106_000, 98_000, 40_000, 35_000];

/** Deterministic noise in [-1, 1] (an LCG), so the test never depends on chance. */
function noise(seed: number): () => number {
  let x = seed >>> 0;
  return () => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0;
    return (x / 2 ** 32) * 2 - 1;
  };
}

/** Day d's normal revenue: the weekday pattern ±1.5 %. */
function normalDay(d: number, rnd: () => number): number {
  return WEEKLY[d % 7]! * (1 + 0.015 * rnd());
}

const RULE = { type: 'anomaly', id: 'rev-anomaly', severity: 'warning', bandPct: 99, minHistory: '28d', seasonality: 'weekly' };

function harness(rules: unknown[] = [RULE], bands?: BandPointBuffer) {
  const kind = createAnomalyRuleKind(bands ? { bands } : {});
  const h = new EngineHarness(metricsWithRules({ revenue: rules }), { registry: builtInRuleKinds().with(kind) });
  return { h, kind };
}

/** Feeds days [from, to) of the series on a manual clock; `override` replaces chosen days' values. */
function feed(h: EngineHarness, clock: ManualClock, from: number, to: number, rnd: () => number, override: Record<number, number> = {}) {
  const out: { day: number; transitions: AlertTransition[] }[] = [];
  for (let d = from; d < to; d++) {
    const base = normalDay(d, rnd);
    clock.set(T0 + d * DAY);
    h.now = clock.now();
    const transitions = h.value('revenue', SERIES, override[d] ?? base, clock.now());
    if (transitions.length > 0) out.push({ day: d, transitions });
  }
  return out;
}

describe('anomaly rule kind', () => {
  it('learns for minHistory without alerting (even on a spike), says so, then fires on a spike and resolves', () => {
    const { h, kind } = harness();
    const clock = new ManualClock(T0);
    const rnd = noise(7);
    // a 3x spike on day 10 falls in the learning period: no alert
    expect(feed(h, clock, 0, 20, rnd, { 10: 300_000 })).toEqual([]);
    expect(kind.learningStatus()).toEqual([
      { kpi: 'revenue', ruleId: 'rev-anomaly', series: SERIES, points: 20, since: T0, readyAt: T0 + 28 * DAY },
    ]);
    // normal weeks after learning: no false alarm
    expect(feed(h, clock, 20, 70, rnd)).toEqual([]);
    expect(kind.learningStatus()).toEqual([]);
    // a drop to 45 % of a normal Tuesday (day 71 = Tuesday-phase 1) fires, the next normal day resolves
    const events = feed(h, clock, 70, 74, rnd, { 71: 0.45 * WEEKLY[71 % 7]! });
    expect(events.map((e) => [e.day, moves(e.transitions)])).toEqual([
      [71, ['rev-anomaly:none→firing']],
      [72, ['rev-anomaly:firing→resolved']],
    ]);
    const alert = events[0]!.transitions[0]!.alert;
    expect(alert.summary).toMatch(/^Revenue emea widgets 4\d,\d{3} USD is unusually low: expected about 10\d,\d{3} USD, outside its 99% band/);
    const details = alert.details;
    expect(details).toMatchObject({ bandPct: 99, detector: 'baseline-weekly', learning: false, seasonality: 'weekly', direction: 'both' });
    expect(details.expected as number).toBeGreaterThan(98_000);
    expect(details.expected as number).toBeLessThan(110_000);
    expect(details.score as number).toBeGreaterThan(0.99);
    expect(details.score as number).toBeLessThanOrEqual(1);
    expect(alert.threshold).toBe(details.lower);
    expect(alert.value).toBeLessThan(details.lower as number);
    expect(details.upper as number).toBeGreaterThan(details.expected as number);
  });

  it('learns at the KPI cadence: a burst of points within one day neither teaches the detector nor hides an anomaly', () => {
    const { h } = harness();
    const clock = new ManualClock(T0);
    const rnd = noise(11);
    expect(feed(h, clock, 0, 60, rnd)).toEqual([]);
    // Day 60: 600 readings a minute apart, all at 45 % of normal. Learned one by one they would
    // become the new normal and the alert would resolve; judged against the day's band it holds.
    const low = 0.45 * WEEKLY[60 % 7]!;
    const moved: string[] = [];
    for (let i = 0; i < 600; i++) {
      const at = T0 + 60 * DAY + i * 60_000;
      clock.set(at);
      h.now = at;
      moved.push(...moves(h.value('revenue', SERIES, low * (1 + 0.001 * rnd()), at)));
    }
    expect(moved).toEqual(['rev-anomaly:none→firing']);
    // The next day's normal value is learned and judged normal: resolved.
    expect(feed(h, clock, 61, 62, rnd).map((e) => moves(e.transitions))).toEqual([['rev-anomaly:firing→resolved']]);
  });

  it('fires only on the side `direction` names', () => {
    const cases: [string, number, string[]][] = [
      ['up', 2.5, ['a:none→firing']],
      ['up', 0.4, []],
      ['down', 2.5, []],
      ['down', 0.4, ['a:none→firing']],
      ['both', 2.5, ['a:none→firing']],
    ];
    for (const [direction, factor, expected] of cases) {
      const { h } = harness([{ ...RULE, id: 'a', direction }]);
      const clock = new ManualClock(T0);
      const rnd = noise(11);
      expect(feed(h, clock, 0, 42, rnd)).toEqual([]);
      const events = feed(h, clock, 42, 44, rnd, { 43: factor * WEEKLY[43 % 7]! });
      expect(events.filter((e) => e.day === 43).flatMap((e) => moves(e.transitions))).toEqual(expected);
    }
  });

  it('writes one band point per series and day for two rules of a KPI; a 99.9 % rule fires on fewer values than a 99 % rule', () => {
    const bands = new BandPointBuffer();
    const { h } = harness([RULE, { ...RULE, id: 'crit', severity: 'critical', bandPct: 99.9 }], bands);
    feed(h, new ManualClock(T0), 0, 42, noise(3));
    const points = bands.bandPoints();
    // days 28..41 are past learning; two rules, one band point per day
    expect(points.map((p) => (p.time - T0) / DAY)).toEqual([28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41]);
    const p = points[0]!;
    expect(p.kpi).toBe('kpi_band');
    expect(p.tags).toEqual({ ...SERIES, kpi: 'revenue' });
    const f = p.fields as Record<string, number>;
    expect(f.lo999!).toBeLessThan(f.lo99!);
    expect(f.lo99!).toBeLessThan(f.expected!);
    expect(f.expected!).toBeLessThan(f.hi99!);
    expect(f.hi99!).toBeLessThan(f.hi999!);
    expect((f.hi999! - f.expected!) / (f.hi99! - f.expected!)).toBeCloseTo(3.2905267 / 2.5758293, 5);
    expect(p.value).toBe(f.expected);
    expect(bands.bandPoints()).toEqual([]);

    // The band of day 42 (computed before the point teaches the detector), from a twin fed the same way.
    const twinBands = new BandPointBuffer();
    const twin = harness([RULE], twinBands);
    const twinClock = new ManualClock(T0);
    feed(twin.h, twinClock, 0, 42, noise(3));
    twinBands.bandPoints();
    feed(twin.h, twinClock, 42, 43, noise(1));
    const band = twinBands.bandPoints()[0]!.fields as Record<string, number>;
    h.now = T0 + 42 * DAY;
    const out = h.value('revenue', SERIES, (band.lo99! + band.lo999!) / 2, h.now);
    expect(moves(out)).toEqual(['rev-anomaly:none→firing']);
  });

  it('a restart mid-stream (state saved and restored through the store) gives the same alerts as an uninterrupted run', async () => {
    const spikes = { 45: 250_000, 46: 240_000, 60: 20_000, 75: 0.5 * WEEKLY[75 % 7]! };
    const whole = harness();
    const wholeEvents = feed(whole.h, new ManualClock(T0), 0, 90, noise(5), spikes);
    expect(wholeEvents.length).toBeGreaterThanOrEqual(3);

    const first = harness();
    const rnd = noise(5);
    const clock = new ManualClock(T0);
    const before = feed(first.h, clock, 0, 46, rnd, spikes);
    const store = new InMemoryAlertStore();
    await store.apply(first.h.engine.drainChanges());
    const second = harness();
    second.h.now = clock.now();
    second.h.engine.restore(JSON.parse(JSON.stringify(await store.load({ resolvedSince: 0 }))), clock.now());
    const after = feed(second.h, clock, 46, 90, rnd, spikes);
    const summarize = (events: { day: number; transitions: AlertTransition[] }[]) =>
      events.map((e) => [e.day, moves(e.transitions), e.transitions.map((t) => t.alert.details)]);
    expect(summarize([...before, ...after])).toEqual(summarize(wholeEvents));
  });
});

describe('anomaly rule kind, method novelty', () => {
  const ACCOUNT = { account: 'ops-usd', bank: 'chase', currency: 'USD' };
  const STEP = 15 * MINUTE;
  const NOVELTY = { type: 'anomaly', id: 'bal-novelty', severity: 'warning', bandPct: 99.9, minHistory: '14d', seasonality: 'weekly', method: 'novelty' };
  /** The flat weekday (day 30) and the spike (day 35, 10:00 after T0's 14:00) of the tests below. */
  const FLAT_DAY = 30;
  const SPIKE_AT = T0 + 35 * DAY + 40 * STEP;

  /** A balance with a weekday swing of ±300k, 250k lower and flat at weekends, ±20k noise. */
  function balance(t: number, rnd: () => number): number {
    const day = Math.floor((t - T0) / DAY);
    const weekend = day % 7 >= 5;
    const phase = (2 * Math.PI * ((t - T0) % DAY)) / DAY;
    return 2_400_000 + (weekend ? -250_000 : 300_000 * Math.sin(phase)) + 20_000 * rnd();
  }

  function novelty(rules: unknown[] = [NOVELTY]) {
    const kind = createAnomalyRuleKind();
    const h = new EngineHarness(metricsWithRules({ bank_balance: rules }), { registry: builtInRuleKinds().with(kind) });
    return { h, kind };
  }

  type Event = { at: number; transitions: AlertTransition[] };
  /** Feeds 15-minute points in [from, to) (times); `change` may replace a point's value. */
  function feedBalance(h: EngineHarness, from: number, to: number, rnd: () => number, change: (t: number, v: number) => number = (_t, v) => v): Event[] {
    const out: Event[] = [];
    for (let t = from; t < to; t += STEP) {
      h.now = t;
      const transitions = h.value('bank_balance', ACCOUNT, change(t, balance(t, rnd)), t);
      if (transitions.length > 0) out.push({ at: t, transitions });
    }
    return out;
  }

  /** The spike, and the flat day: 2.4M ± 5k all day (the normal value's remainder below 100k, scaled down), inside the usual range. */
  const broken = (t: number, v: number) =>
    t === SPIKE_AT ? 812_400 : Math.floor((t - T0) / DAY) === FLAT_DAY ? 2_400_000 + (v - Math.round(v / 1e5) * 1e5) / 10 : v;

  it('keeps quiet while learning and on normal weeks (the same data fires a 0.5 threshold: the threshold matters)', () => {
    const { h, kind } = novelty();
    expect(feedBalance(h, T0, T0 + 10 * DAY, noise(3), (t, v) => (t === T0 + 8 * DAY ? 812_400 : v))).toEqual([]);
    expect(kind.learningStatus()).toMatchObject([{ ruleId: 'bal-novelty', readyAt: T0 + 14 * DAY }]);
    expect(feedBalance(h, T0 + 10 * DAY, T0 + 42 * DAY, noise(4))).toEqual([]);
    expect(kind.learningStatus()).toEqual([]);

    const low = novelty([{ ...NOVELTY, threshold: 0.5 }]);
    feedBalance(low.h, T0, T0 + 10 * DAY, noise(3), (t, v) => (t === T0 + 8 * DAY ? 812_400 : v));
    expect(feedBalance(low.h, T0 + 10 * DAY, T0 + 42 * DAY, noise(4)).length).toBeGreaterThan(0);
  });

  it('fires on a broken weekly pattern and on a spike, explains them with the band, and resolves', () => {
    const { h } = novelty();
    const events = feedBalance(h, T0, T0 + 42 * DAY, noise(3), broken);
    const fired = events.filter((e) => moves(e.transitions).some((m) => m.endsWith('→firing')));
    // Day 37 is an echo, a known limit of lag-based surprise: a week after the flat day (day 30)
    // the weekly lag compares a normal day with that broken one, and scores just at the threshold.
    expect(fired.map((e) => Math.floor((e.at - T0) / DAY))).toEqual([FLAT_DAY, 35, FLAT_DAY + 7]);
    expect(fired[2]!.transitions[0]!.alert.details).toMatchObject({ channel: 'weekly' });
    expect(fired[2]!.transitions[0]!.alert.details.score as number).toBeLessThan(0.56);
    expect(events.flatMap((e) => moves(e.transitions))).toEqual([
      'bal-novelty:none→firing',
      'bal-novelty:firing→resolved',
      'bal-novelty:resolved→firing',
      'bal-novelty:firing→resolved',
      'bal-novelty:resolved→firing',
      'bal-novelty:firing→resolved',
    ]);

    const flat = fired[0]!.transitions[0]!.alert;
    expect(flat.summary).toMatch(/^Bank balance ops-usd chase USD 2,4\d\d,\d{3}(\.\d+)? USD is unusual \(novelty score 0\.\d\d: (weekly|daily) pattern broken\); expected about 2,\d{3},\d{3}(\.\d+)? USD$/);
    expect(flat.details).toMatchObject({ method: 'novelty', threshold: 0.54, learning: false, bandPct: 99.9 });
    expect(flat.details.score as number).toBeGreaterThanOrEqual(0.54);

    const spike = fired[1]!.transitions[0]!.alert;
    expect(fired[1]!.at).toBe(SPIKE_AT);
    expect(spike.summary).toMatch(/^Bank balance ops-usd chase USD 812,400 USD is unusual \(novelty score (0\.9\d|1\.00): beyond its range so far\); expected about 2,\d{3},\d{3}(\.\d+)? USD$/);
    expect(spike.details).toMatchObject({ method: 'novelty', channel: 'range', quiet: false });
    const d = spike.details as Record<string, number>;
    expect(d.lower!).toBeLessThan(d.expected!);
    expect(d.expected!).toBeLessThan(d.upper!);
  });

  it('judges a point closer than half a cadence with the last score, without learning it', () => {
    const { h } = novelty();
    feedBalance(h, T0, SPIKE_AT, noise(3));
    h.now = SPIKE_AT;
    expect(moves(h.value('bank_balance', ACCOUNT, 812_400, SPIKE_AT))).toEqual(['bal-novelty:none→firing']);
    // 1 minute later, a normal value: judged with the spike's score, still firing
    h.now = SPIKE_AT + MINUTE;
    expect(moves(h.value('bank_balance', ACCOUNT, 2_400_000, SPIKE_AT + MINUTE))).toEqual([]);
    // the next cadence point is learned: its score is low, resolved
    expect(feedBalance(h, SPIKE_AT + STEP, SPIKE_AT + 2 * STEP, noise(9)).flatMap((e) => moves(e.transitions))).toEqual(['bal-novelty:firing→resolved']);
  });

  it('fires only on the side `direction` names', () => {
    for (const [direction, expected] of [['down', 1], ['up', 0]] as const) {
      const { h } = novelty([{ ...NOVELTY, direction }]);
      const events = feedBalance(h, T0, T0 + 36 * DAY, noise(3), (t, v) => (t === SPIKE_AT ? 812_400 : v));
      expect(events.length).toBe(2 * expected);
    }
  });

  it('a restart mid-stream (both detectors saved and restored through the store) gives the same alerts as an uninterrupted run', async () => {
    const end = T0 + 40 * DAY;
    const whole = novelty();
    const wholeEvents = feedBalance(whole.h, T0, end, noise(5), broken);
    expect(wholeEvents.length).toBe(4);

    const first = novelty();
    const rnd = noise(5);
    const cut = T0 + 29 * DAY + 7 * STEP;
    const before = feedBalance(first.h, T0, cut, rnd, broken);
    const store = new InMemoryAlertStore();
    await store.apply(first.h.engine.drainChanges());
    const second = novelty();
    second.h.now = cut;
    second.h.engine.restore(JSON.parse(JSON.stringify(await store.load({ resolvedSince: 0 }))), cut);
    const after = feedBalance(second.h, cut, end, rnd, broken);
    const summarize = (events: Event[]) => events.map((e) => [e.at, moves(e.transitions), e.transitions.map((t) => [t.alert.summary, t.alert.details])]);
    expect(summarize([...before, ...after])).toEqual(summarize(wholeEvents));
  });

  it('a novelty state that cannot be restored starts the series over (learning again)', async () => {
    const first = novelty();
    feedBalance(first.h, T0, T0 + 20 * DAY, noise(5));
    const store = new InMemoryAlertStore();
    await store.apply(first.h.engine.drainChanges());
    const saved = JSON.parse(JSON.stringify(await store.load({ resolvedSince: 0 })));
    const text = JSON.stringify(saved);
    expect(text).toContain('"nv":{"v":1');
    const second = novelty();
    second.h.now = T0 + 20 * DAY;
    second.h.engine.restore(JSON.parse(text.replace('"nv":{"v":1', '"nv":{"v":99')), T0 + 20 * DAY);
    feedBalance(second.h, T0 + 20 * DAY, T0 + 20 * DAY + STEP, noise(6));
    expect(second.kind.learningStatus()).toMatchObject([{ points: 1, since: T0 + 20 * DAY }]);
  });
});
