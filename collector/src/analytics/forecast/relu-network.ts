import { standardNormal } from './seeded-random';

const BETA1 = 0.9;
const BETA2 = 0.999;
const EPSILON = 1e-8;

/**
 * A one-hidden-layer network y = W₂·relu(W₁x + b₁) + b₂, trained by mini-batch gradients and Adam
 * (Kingma & Ba 2015; β₁ 0.9, β₂ 0.999). W₁ starts He-normal (He et al. 2015), W₂ at zero so an
 * untrained network outputs 0. The caller runs forward, then backward with ∂loss/∂output, for
 * each example of a batch, then step. O(inputs·hidden + hidden·outputs) per example.
 * @example const net = new ReluNetwork(3, 8, 1, seededRandom(1)); net.forward(x, out)
 */
export class ReluNetwork {
  private readonly w1: Float64Array;
  private readonly b1: Float64Array;
  private readonly w2: Float64Array;
  private readonly b2: Float64Array;
  private readonly params: Float64Array[];
  private readonly grads: Float64Array[];
  private readonly m: Float64Array[];
  private readonly v: Float64Array[];
  private readonly z: Float64Array;
  private readonly a: Float64Array;
  private readonly da: Float64Array;
  private steps = 0;
  private examples = 0;

  constructor(
    readonly inputs: number,
    readonly hidden: number,
    readonly outputs: number,
    uniform: () => number,
  ) {
    if (![inputs, hidden, outputs].every((n) => Number.isInteger(n) && n > 0)) throw new RangeError(`ReluNetwork: sizes must be positive integers, got ${inputs}/${hidden}/${outputs}`);
    const scale = Math.sqrt(2 / inputs);
    this.w1 = Float64Array.from({ length: hidden * inputs }, () => standardNormal(uniform) * scale);
    this.b1 = new Float64Array(hidden);
    this.w2 = new Float64Array(outputs * hidden);
    this.b2 = new Float64Array(outputs);
    this.params = [this.w1, this.b1, this.w2, this.b2];
    this.grads = this.params.map((p) => new Float64Array(p.length));
    this.m = this.params.map((p) => new Float64Array(p.length));
    this.v = this.params.map((p) => new Float64Array(p.length));
    this.z = new Float64Array(hidden);
    this.a = new Float64Array(hidden);
    this.da = new Float64Array(hidden);
  }

  /** Writes the network's output for x into out and keeps the activations for backward. */
  forward(x: Float64Array, out: Float64Array): void {
    const { inputs, hidden, outputs, w1, b1, w2, b2, z, a } = this;
    for (let k = 0; k < hidden; k++) {
      let s = b1[k] as number;
      const row = k * inputs;
      for (let i = 0; i < inputs; i++) s += (w1[row + i] as number) * (x[i] as number);
      z[k] = s;
      a[k] = s > 0 ? s : 0;
    }
    for (let h = 0; h < outputs; h++) {
      let s = b2[h] as number;
      const row = h * hidden;
      for (let k = 0; k < hidden; k++) s += (w2[row + k] as number) * (a[k] as number);
      out[h] = s;
    }
  }

  /** Adds the gradient of one example (whose forward ran last) given ∂loss/∂output. */
  backward(x: Float64Array, dOut: Float64Array): void {
    const { inputs, hidden, outputs, w2, a, z, da } = this;
    const [gw1, gb1, gw2, gb2] = this.grads as [Float64Array, Float64Array, Float64Array, Float64Array];
    da.fill(0);
    for (let h = 0; h < outputs; h++) {
      const d = dOut[h] as number;
      if (d === 0) continue;
      gb2[h] = (gb2[h] as number) + d;
      const row = h * hidden;
      for (let k = 0; k < hidden; k++) {
        gw2[row + k] = (gw2[row + k] as number) + d * (a[k] as number);
        da[k] = (da[k] as number) + d * (w2[row + k] as number);
      }
    }
    for (let k = 0; k < hidden; k++) {
      if ((z[k] as number) <= 0) continue;
      const d = da[k] as number;
      gb1[k] = (gb1[k] as number) + d;
      const row = k * inputs;
      for (let i = 0; i < inputs; i++) gw1[row + i] = (gw1[row + i] as number) + d * (x[i] as number);
    }
    this.examples++;
  }

  /** One Adam update with the mean gradient of the examples since the last step; clears it. */
  step(rate: number): void {
    if (this.examples === 0) return;
    this.steps++;
    const c1 = 1 - BETA1 ** this.steps;
    const c2 = 1 - BETA2 ** this.steps;
    this.params.forEach((p, pi) => {
      const g = this.grads[pi] as Float64Array;
      const m = this.m[pi] as Float64Array;
      const v = this.v[pi] as Float64Array;
      for (let i = 0; i < p.length; i++) {
        const gi = (g[i] as number) / this.examples;
        m[i] = BETA1 * (m[i] as number) + (1 - BETA1) * gi;
        v[i] = BETA2 * (v[i] as number) + (1 - BETA2) * gi * gi;
        p[i] = (p[i] as number) - (rate * ((m[i] as number) / c1)) / (Math.sqrt((v[i] as number) / c2) + EPSILON);
      }
      g.fill(0);
    });
    this.examples = 0;
  }
}
