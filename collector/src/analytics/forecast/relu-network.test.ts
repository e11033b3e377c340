import { ReluNetwork } from './relu-network';
import { seededRandom } from './seeded-random';

describe('ReluNetwork', () => {
  it('outputs zero before training (W₂ starts at zero)', () => {
    const net = new ReluNetwork(3, 4, 2, seededRandom(1));
    const out = new Float64Array(2).fill(9);
    net.forward(Float64Array.of(1, 2, 3), out);
    expect(Array.from(out)).toEqual([0, 0]);
  });

  it('learns a non-linear target (|x|) that no line fits, by Adam on squared error', () => {
    const net = new ReluNetwork(2, 16, 1, seededRandom(3));
    const draw = seededRandom(4);
    const x = new Float64Array(2);
    const out = new Float64Array(1);
    const d = new Float64Array(1);
    const loss = () => {
      let s = 0;
      for (let i = 0; i <= 20; i++) {
        x[0] = 1;
        x[1] = -1 + i / 10;
        net.forward(x, out);
        s += (out[0]! - Math.abs(x[1]!)) ** 2;
      }
      return s / 21;
    };
    const before = loss();
    for (let step = 0; step < 1500; step++) {
      for (let b = 0; b < 16; b++) {
        x[0] = 1;
        x[1] = -1 + 2 * draw();
        net.forward(x, out);
        d[0] = out[0]! - Math.abs(x[1]!);
        net.backward(x, d);
      }
      net.step(0.01);
    }
    expect(before).toBeGreaterThan(0.1);
    expect(loss()).toBeLessThan(0.005);
  });

  it('rejects sizes that are not positive integers', () => {
    expect(() => new ReluNetwork(0, 4, 1, seededRandom(1))).toThrow(RangeError);
  });
});
