import { NabWindowedGaussian } from './nab-reference-detectors';

describe('NabWindowedGaussian', () => {
  it('scores 0 first, then 1 − Q(|z|) against the values before, rounded to 12 digits', () => {
    const d = new NabWindowedGaussian();
    expect(d.update(0, 10)).toBe(0);
    d.update(0, 12); // window [10]: std 0 → 1e-6, so 12 is certain
    // window [10, 12]: mean 11, std 1; 11 is the mean → 1 − Q(0) = 0.5
    expect(d.update(0, 11)).toBeCloseTo(0.5, 6);
    // window [10, 12, 11]: mean 11, std √(2/3); 9 is z = −2.449 → 1 − Q(2.449) ≈ 0.992847
    expect(d.update(0, 9)).toBeCloseTo(0.992847, 5);
  });

  it('gives 1 for a value far outside the window (NAB ties these at 1.0)', () => {
    const d = new NabWindowedGaussian();
    for (let i = 0; i < 100; i++) d.update(0, i % 2);
    expect(d.update(0, 1000)).toBe(1);
  });
});
