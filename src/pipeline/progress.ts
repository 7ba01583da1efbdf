// Progress lines for the log (every interval) and an updating status line on a terminal.
import { formatCounts, groupThousands, type TallySnapshot } from './tally.js';

export { groupThousands } from './tally.js';

export interface ProgressInput {
  /** The sync's tally (src/pipeline/tally.ts): the same counters as the summary and the failure rule. */
  tally: TallySnapshot;
  elapsedMs: number;
  /** Requests per second to show (the pacer's current rate or a measured throughput). */
  rate: number;
  /** Expected number of records, when known; gives a percentage. */
  estimate?: { total?: number };
  /** The final line of the sync. */
  done?: boolean;
}

/** What the reporter asks for on every tick; it adds the elapsed time and `done` itself. */
export type ProgressSnapshot = Omit<ProgressInput, 'elapsedMs' | 'done'>;

/** The bit of a writable stream the reporter uses; `process.stderr` fits. */
export interface StatusLineStream {
  write(chunk: string): unknown;
}

export interface ProgressReporterOptions {
  /** Log line cadence; default 10 s. */
  intervalMs?: number;
  /** Receives one complete line per interval and a final one on `stop`. */
  log: (line: string) => void;
  /** A terminal for an updating `\r` line (pass `process.stderr` only when it is a TTY; never stdout). */
  tty?: StatusLineStream | null;
  /** Status line cadence on the terminal; default 1 s. */
  ttyIntervalMs?: number;
  snapshot: () => ProgressSnapshot;
  now?: () => number;
}

export interface ProgressReporter {
  start(): void;
  /** Stops the timers and emits the final line (once). */
  stop(): void;
}

/** e.g. `progress: 12,340 created, 12 rejected, 30 retried, 19.8 req/s, 2 throttled (429), 10m 02s elapsed, 41% of 30,000 estimated` */
export function formatProgress(input: ProgressInput): string {
  const { tally } = input;
  const parts = [
    formatCounts(tally.totals),
    `${groupThousands(tally.events.retried)} retried`,
    `${formatRate(input.rate)} req/s`,
    `${groupThousands(tally.events.throttled)} throttled (429)`,
    `${formatDuration(input.elapsedMs)} elapsed`,
  ];
  const total = input.estimate?.total;
  if (total !== undefined && Number.isFinite(total) && total > 0) {
    const settled = tally.records;
    const percent = Math.min(100, Math.floor((settled / total) * 100));
    parts.push(`${percent}% of ${groupThousands(total)} estimated`);
  }
  return `${input.done === true ? 'progress (done)' : 'progress'}: ${parts.join(', ')}`;
}

/** 42s, 10m 02s, 1h 05m 03s. */
export function formatDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  const pad = (n: number): string => String(n).padStart(2, '0');
  if (h > 0) return `${h}h ${pad(m)}m ${pad(s)}s`;
  if (m > 0) return `${m}m ${pad(s)}s`;
  return `${s}s`;
}

function formatRate(rate: number): string {
  return Number.isFinite(rate) ? rate.toFixed(1) : '0.0';
}

export function createProgressReporter(options: ProgressReporterOptions): ProgressReporter {
  const now = options.now ?? Date.now;
  const intervalMs = options.intervalMs ?? 10_000;
  const ttyIntervalMs = options.ttyIntervalMs ?? 1_000;
  const tty = options.tty ?? null;
  let startedAt = 0;
  let logTimer: NodeJS.Timeout | undefined;
  let ttyTimer: NodeJS.Timeout | undefined;
  let state: 'idle' | 'running' | 'stopped' = 'idle';

  const line = (done: boolean): string =>
    formatProgress({ ...options.snapshot(), elapsedMs: now() - startedAt, done });
  // \x1b[K clears what a longer previous line left behind.
  const rewrite = (text: string): void => void tty?.write(`\r${text}\x1b[K`);

  return {
    start() {
      if (state !== 'idle') return;
      state = 'running';
      startedAt = now();
      logTimer = setInterval(() => options.log(line(false)), intervalMs);
      logTimer.unref();
      if (tty !== null) {
        ttyTimer = setInterval(() => rewrite(line(false)), ttyIntervalMs);
        ttyTimer.unref();
      }
    },
    stop() {
      if (state !== 'running') return;
      state = 'stopped';
      clearInterval(logTimer);
      clearInterval(ttyTimer);
      const final = line(true);
      if (tty !== null) {
        rewrite(final);
        tty.write('\n');
      }
      options.log(final);
    },
  };
}
