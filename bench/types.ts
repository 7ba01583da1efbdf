// The shape every benchmark returns; bench/run.ts prints them as a table and writes JSON.
export interface BenchResult {
  /** Short id such as P1, P2, E1. */
  id: string;
  name: string;
  /** The headline figure. */
  value: number;
  unit: string;
  /** Human statement of the target, e.g. ">= 0.95". */
  target?: string;
  pass?: boolean;
  /** Supporting figures (raw rates, latencies, counts). */
  details?: Record<string, number | string>;
}

/** A benchmark module in bench/ named *.bench.ts exports `run`. */
export type BenchModule = { run: (options: { quick: boolean }) => Promise<BenchResult[]> };
