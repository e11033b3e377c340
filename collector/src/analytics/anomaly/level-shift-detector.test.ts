import { LevelShiftDetector } from './level-shift-detector';

describe('LevelShiftDetector', () => {
  it('stays quiet on residuals within the allowance', () => {
    const d = new LevelShiftDetector();
    for (let i = 0; i < 500; i++) expect(d.update(i % 2 === 0 ? 0.9 : -0.9).shifted).toBe(false);
  });

  it('signals a sustained upward shift and restarts afterwards', () => {
    const d = new LevelShiftDetector({ drift: 1, limit: 12, clip: 5 });
    const readings = Array.from({ length: 5 }, () => d.update(4)); // +3 per point
    expect(readings.map((r) => r.shifted)).toEqual([false, false, false, true, false]);
    expect(readings[2]!.direction).toBe(1);
  });

  it('needs more than one clipped spike to signal', () => {
    const d = new LevelShiftDetector({ drift: 1, limit: 12, clip: 5 });
    expect(d.update(-1000).shifted).toBe(false);
    expect(d.update(-1000).direction).toBe(-1);
  });

  it('continues identically from a snapshot', () => {
    const a = new LevelShiftDetector();
    [2, 3, 2.5].forEach((z) => a.update(z));
    const b = new LevelShiftDetector(a.options, JSON.parse(JSON.stringify(a.snapshot())));
    expect(b.update(3)).toEqual(a.update(3));
  });

  it('rejects a NaN residual', () => {
    expect(() => new LevelShiftDetector().update(Number.NaN)).toThrow(/finite/);
  });
});
