// Chooses which fault (if any) a request gets: the schedule first, then seeded random draws.
import { faultKinds, type FaultKind, type FaultSettings } from './types.js';
import { prng } from './random.js';

const defaultKinds = faultKinds.filter((k) => k !== 'hang');

export class FaultPicker {
  private schedule: FaultKind[] = [];
  private random: () => number = Math.random;
  settings: FaultSettings = {};

  constructor(settings: FaultSettings = {}) {
    this.set(settings);
  }

  set(settings: FaultSettings): void {
    for (const k of [...(settings.kinds ?? []), ...(settings.schedule ?? [])]) {
      if (!faultKinds.includes(k)) throw new Error(`unknown fault kind: ${String(k)}`);
    }
    if (settings.rate !== undefined && !(settings.rate >= 0 && settings.rate <= 1)) throw new Error('fault rate must be within [0, 1]');
    this.settings = { ...settings };
    this.schedule = [...(settings.schedule ?? [])];
    this.random = settings.seed === undefined ? Math.random : prng(settings.seed);
  }

  /** The fault for the next API request, or undefined. */
  next(): FaultKind | undefined {
    const scheduled = this.schedule.shift();
    if (scheduled) return scheduled;
    const rate = this.settings.rate ?? 0;
    if (rate <= 0 || this.random() >= rate) return undefined;
    const kinds = this.settings.kinds?.length ? this.settings.kinds : defaultKinds;
    return kinds[Math.floor(this.random() * kinds.length)];
  }

  /** A uniform draw in [0, 1) from the same seeded source (latency jitter). */
  draw(): number {
    return this.random();
  }

  get hangMs(): number {
    return this.settings.hangMs ?? 120_000;
  }

  get latencyFaultMs(): number {
    return this.settings.latencyFaultMs ?? 1_500;
  }
}
