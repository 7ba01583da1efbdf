// How long a scheduler slot stays busy per request, retries and backoff included: the W of Little's law.
import { performance } from 'node:perf_hooks';

/**
 * Weight of the newest sample in the average: about the last 40 sends, so a streak of fast or slow answers
 * from a long-tailed latency moves the average little (±15 % at sigma 0.8, where 0.2 gave ±30 %).
 */
export const OCCUPANCY_EWMA_WEIGHT = 0.05;

export interface OccupancyGauge {
  /** Runs `task` and feeds its whole duration (settled either way) into the average. */
  track<T>(task: () => Promise<T>): Promise<T>;
  /** Feeds one measured duration in ms (e.g. a send's busy time without its pacer waits). */
  record(ms: number): void;
  /** Exponentially weighted average duration in ms, or undefined before the first task settled. */
  ms(): number | undefined;
}

export function createOccupancyGauge(now: () => number = () => performance.now()): OccupancyGauge {
  let average: number | undefined;
  const record = (sample: number): void => {
    if (Number.isFinite(sample) && sample >= 0) average = average === undefined ? sample : average + OCCUPANCY_EWMA_WEIGHT * (sample - average);
  };
  return {
    async track(task) {
      const started = now();
      try {
        return await task();
      } finally {
        record(now() - started);
      }
    },
    record,
    ms: () => average,
  };
}
