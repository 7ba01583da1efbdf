// Per-stream and total counters of what the sync wrote, rejected, retried and had throttled.
import type { RecordOutcome } from './sink.js';

export interface Counters {
  /** Records Stripe accepted. */
  written: number;
  /** Records refused (by validation or by Stripe) and skipped. */
  rejected: number;
  /** Extra attempts made beyond the first. */
  retried: number;
  /** Attempts answered 429. */
  throttled: number;
}

export type CounterName = keyof Counters;

export interface StatsSnapshot {
  /** Counters per stream, keyed by the stream's display name (e.g. `namespace.stream`). */
  streams: Record<string, Counters>;
  totals: Counters;
}

export interface Stats {
  /** Adds `amount` (default 1) to one counter of one stream. */
  add(stream: string, counter: CounterName, amount?: number): void;
  /** Counts a settled record: written or rejected, plus its retries. */
  recordOutcome(stream: string, outcome: RecordOutcome): void;
  /** A copy of the counters, safe to keep. */
  snapshot(): StatsSnapshot;
}

export const emptyCounters = (): Counters => ({ written: 0, rejected: 0, retried: 0, throttled: 0 });

export function createStats(): Stats {
  const streams = new Map<string, Counters>();
  const totals = emptyCounters();

  function add(stream: string, counter: CounterName, amount = 1): void {
    if (!(Number.isFinite(amount) && amount >= 0)) throw new RangeError(`counter increment must be >= 0, got ${amount}`);
    let counters = streams.get(stream);
    if (counters === undefined) {
      counters = emptyCounters();
      streams.set(stream, counters);
    }
    counters[counter] += amount;
    totals[counter] += amount;
  }

  return {
    add,
    recordOutcome(stream, outcome) {
      add(stream, outcome.kind === 'written' ? 'written' : 'rejected');
      if (outcome.retries !== undefined && outcome.retries > 0) add(stream, 'retried', outcome.retries);
    },
    snapshot() {
      const copy: Record<string, Counters> = {};
      for (const [name, counters] of streams) copy[name] = { ...counters };
      return { streams: copy, totals: { ...totals } };
    },
  };
}
