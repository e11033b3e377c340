import { locateWindows, NAB_PROFILES, probationLength, scaledSigmoid, scoreCorpus, ScoredFile } from './nab-scoring';

/** 100 rows (probation 15), one window on rows 50..59 (w = 10), detections where `hits` says. */
function file(hits: Record<number, number>, windows = [{ left: 50, right: 59 }]): ScoredFile {
  const scores = new Array<number>(100).fill(0);
  for (const [row, score] of Object.entries(hits)) scores[Number(row)] = score;
  return { name: 'synthetic.csv', scores, windows };
}

describe('scaledSigmoid', () => {
  it('matches the values NAB documents at -1, 0 and beyond 3', () => {
    expect(scaledSigmoid(-1)).toBeCloseTo(0.98661, 5);
    expect(scaledSigmoid(0)).toBe(0);
    expect(scaledSigmoid(1)).toBeCloseTo(-0.98661, 5);
    expect(scaledSigmoid(3)).toBe(-1);
  });
});

describe('probationLength', () => {
  it('is 15% of the rows capped at 750', () => {
    expect(probationLength(100)).toBe(15);
    expect(probationLength(4032)).toBe(604);
    expect(probationLength(10000)).toBe(750);
  });
});

describe('locateWindows', () => {
  it('finds edges by the first exact timestamp, ignoring .000000', () => {
    const ts = ['2014-01-01 00:00:00', '2014-01-01 00:05:00', '2014-01-01 00:05:00', '2014-01-01 00:10:00'];
    expect(locateWindows('f', ts, [['2014-01-01 00:05:00.000000', '2014-01-01 00:10:00.000000']])).toEqual([
      { left: 1, right: 3 },
    ]);
  });
  it('names the file when an edge does not match', () => {
    expect(() => locateWindows('a/b.csv', ['2014-01-01 00:00:00'], [['x', 'y']])).toThrow(/a\/b\.csv/);
  });
});

describe('scoreCorpus', () => {
  const standard = NAB_PROFILES.standard;

  it('scores a detection on the first window row as perfect (100)', () => {
    const r = scoreCorpus([file({ 50: 1 })], standard);
    expect(r.raw).toBeCloseTo(1, 10);
    expect(r.normalized).toBeCloseTo(100, 10);
  });

  it('scores a detector that never fires as null (0)', () => {
    expect(scoreCorpus([file({})], standard).normalized).toBeCloseTo(0, 10);
    // all-zero scores: detecting everywhere is worse than nothing, so the threshold rises above all
    const r = scoreCorpus([file({})], standard);
    expect(r.threshold).toBe(Number.POSITIVE_INFINITY);
  });

  it('gives a detection on the last window row only sigma(-0.1)/sigma(-1)', () => {
    // y = -(59 - 59 + 1)/10 = -0.1; sigma = 2/(1+e^-0.5) - 1 = 0.244919; / 0.986614 = 0.248242
    const r = scoreCorpus([file({ 59: 1 })], standard);
    expect(r.raw).toBeCloseTo(0.248242, 5);
    expect(r.normalized).toBeCloseTo(62.4121, 3);
  });

  it('counts only the earliest detection in a window', () => {
    // mid-window (row 55): y = -0.5 → 0.848284 / 0.986614 = 0.859793
    const r = scoreCorpus([file({ 55: 1, 57: 1, 59: 1 })], standard);
    expect(r.raw).toBeCloseTo(0.859793, 5);
  });

  it('charges -A_FP for a false positive before any window', () => {
    // threshold 0.8 takes both: 1 - 0.11 = 0.89 → 100·1.89/2 = 94.5
    const r = scoreCorpus([file({ 20: 0.9, 50: 0.8 })], standard);
    expect(r.threshold).toBe(0.8);
    expect(r.raw).toBeCloseTo(0.89, 10);
    expect(r.normalized).toBeCloseTo(94.5, 10);
    const lowFp = scoreCorpus([file({ 20: 0.9, 50: 0.8 })], NAB_PROFILES.rewardLowFP);
    expect(lowFp.raw).toBeCloseTo(0.78, 10);
  });

  it('charges a false positive shortly after a window less than a full A_FP', () => {
    // row 62: y = |62 - 59|/(10 - 1) = 1/3; sigma = 2/(1+e^{5/3}) - 1 = -0.682262; ·0.11 = -0.075049
    const r = scoreCorpus([file({ 50: 0.8, 62: 0.9 })], standard);
    expect(r.raw).toBeCloseTo(1 - 0.075049, 5);
  });

  it('charges -A_FN for a missed window, doubled in the reward-low-FN profile', () => {
    const twoWindows = file({ 50: 1 }, [
      { left: 50, right: 59 },
      { left: 80, right: 89 },
    ]);
    expect(scoreCorpus([twoWindows], standard).raw).toBeCloseTo(0, 10);
    const lowFn = scoreCorpus([twoWindows], NAB_PROFILES.rewardLowFN);
    expect(lowFn.raw).toBeCloseTo(-1, 10);
    // null −4, perfect 2: 100·(−1 + 4)/6 = 50
    expect(lowFn.normalized).toBeCloseTo(50, 10);
  });

  it('ignores detections in the probation period', () => {
    expect(scoreCorpus([file({ 5: 1, 50: 1 })], standard).raw).toBeCloseTo(1, 10);
  });

  it('uses one threshold for the whole corpus', () => {
    // file A needs threshold ≤ 0.5 to catch its window, which lets file B's FP at 0.6 through
    const a = file({ 50: 0.5 });
    const b = file({ 20: 0.6, 50: 0.9 });
    const r = scoreCorpus([a, b], standard);
    expect(r.threshold).toBe(0.5);
    expect(r.raw).toBeCloseTo(2 - 0.11, 10);
  });

  it('counts every detection whose score equals the threshold (score >= threshold)', () => {
    // the FP at row 20 ties with the TP at row 50: taking the TP means paying for the FP
    const r = scoreCorpus([file({ 20: 0.7, 50: 0.7 })], standard);
    expect(r.threshold).toBe(0.7);
    expect(r.raw).toBeCloseTo(1 - 0.11, 10);
  });

  it('normalises as NAB does when a window lies wholly in probation: null skips it, perfect counts it', () => {
    // window [5, 10] is inside the 15-row probation: the null detector scores −1 (one scorable
    // window), the perfect score is 2 (two windows in the label file): 100·(1 + 1)/(2 + 1)
    const r = scoreCorpus([file({ 50: 1 }, [{ left: 5, right: 10 }, { left: 50, right: 59 }])], standard);
    expect(r.raw).toBeCloseTo(1, 10);
    expect(r.normalized).toBeCloseTo(200 / 3, 10);
  });

  it('refuses a corpus without windows', () => {
    expect(() => scoreCorpus([file({}, [])], standard)).toThrow(/no anomaly window/);
  });
});
