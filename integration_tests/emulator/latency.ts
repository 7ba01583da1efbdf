// Injected answer latency with a long tail: log-normal around a median, drawn from a seeded PRNG.
import { prng } from './random.js';

export interface LatencySettings {
  /** Median delay in ms (the log-normal's e^mu). 0 or absent: no distribution (the fixed latencyMs applies). */
  medianMs?: number;
  /** Spread of ln(delay); 0 gives the median every time. Stripe-like: 0.8 (mean ≈ 1.38 × median, p99 ≈ 6.4 × median). */
  sigma?: number;
  /** Seed of the draws (default 1), so a run's delays repeat. */
  seed?: number;
  /** Longest delay drawn, in ms (default 60 000). */
  maxMs?: number;
}

export class LatencyModel {
  private random: () => number = prng(1);
  private spare: number | undefined;
  settings: LatencySettings = {};

  constructor(settings: LatencySettings = {}) {
    this.set(settings);
  }

  set(settings: LatencySettings): void {
    for (const [name, value] of Object.entries(settings)) {
      if (!['medianMs', 'sigma', 'seed', 'maxMs'].includes(name)) throw new Error(`unknown latency setting: ${name}`);
      if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) throw new Error(`latency ${name} must be a non-negative number`);
    }
    this.settings = { ...settings };
    this.random = prng(settings.seed ?? 1);
    this.spare = undefined;
  }

  /** A delay in ms, or undefined when no distribution is set. */
  draw(): number | undefined {
    const { medianMs = 0, sigma = 0, maxMs = 60_000 } = this.settings;
    if (medianMs <= 0) return undefined;
    return Math.min(maxMs, medianMs * Math.exp(sigma * this.normal()));
  }

  /** A standard normal deviate (Box–Muller, both values used). */
  private normal(): number {
    if (this.spare !== undefined) {
      const z = this.spare;
      this.spare = undefined;
      return z;
    }
    const u = 1 - this.random(); // (0, 1]
    const v = this.random();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }
}
