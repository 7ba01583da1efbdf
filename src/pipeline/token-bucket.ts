// A token bucket with FIFO waiters and a single timer, on an injected clock and sleep.

export interface TokenBucketOptions {
  /** Tokens added per second; must be > 0. */
  rate: number;
  /** Most tokens the bucket holds (and starts with). Default `defaultBurst(rate)`, re-derived on `setRate`. */
  burst?: number;
  /** Current time in ms on a monotonic clock. */
  now: () => number;
  /** Waits `ms` milliseconds. */
  sleep: (ms: number) => Promise<void>;
}

export interface TokenBucket {
  /** Resolves when a token is taken; callers are served in call order. */
  take(): Promise<void>;
  /** Changes the refill rate. Tokens already earned are kept; a wait already under way finishes, then re-checks. */
  setRate(rate: number): void;
  rate(): number;
  /** Callers currently waiting for a token. */
  waiting(): number;
}

/** A small burst (a tenth of a second's worth, at least one) so a start does not overshoot a per-second window. */
export function defaultBurst(rate: number): number {
  return Math.max(1, rate / 10);
}

// Tolerance for floating-point refill arithmetic (a token computed as 0.9999999 counts as one).
const EPSILON = 1e-9;

interface Waiter {
  resolve: () => void;
  reject: (error: unknown) => void;
}

export function createTokenBucket(options: TokenBucketOptions): TokenBucket {
  const { now, sleep } = options;
  let rate = checkRate(options.rate);
  let burst = options.burst ?? defaultBurst(rate);
  if (!(burst >= 1)) throw new RangeError(`burst must be at least 1, got ${burst}`);
  let tokens = burst;
  let refilledAt = now();
  const queue: Waiter[] = [];
  let head = 0;
  let pumping = false;

  const queued = (): number => queue.length - head;

  function refill(): void {
    const t = now();
    const elapsed = Math.max(0, t - refilledAt);
    refilledAt = t;
    tokens = Math.min(burst, tokens + (elapsed * rate) / 1000);
  }

  function shift(): Waiter | undefined {
    const waiter = queue[head];
    queue[head] = undefined as unknown as Waiter;
    head += 1;
    if (head === queue.length) {
      queue.length = 0;
      head = 0;
    } else if (head > 1024 && head * 2 > queue.length) {
      queue.splice(0, head);
      head = 0;
    }
    return waiter;
  }

  // Serves waiters in order; only one pump runs, so at most one sleep (timer) is pending.
  async function pump(): Promise<void> {
    pumping = true;
    try {
      while (queued() > 0) {
        refill();
        if (tokens >= 1 - EPSILON) {
          tokens = Math.max(0, tokens - 1);
          shift()?.resolve();
          continue;
        }
        await sleep(Math.ceil(((1 - tokens) * 1000) / rate));
      }
    } catch (error) {
      while (queued() > 0) shift()?.reject(error);
    } finally {
      pumping = false;
    }
  }

  return {
    take() {
      if (queued() === 0 && !pumping) {
        refill();
        if (tokens >= 1 - EPSILON) {
          tokens = Math.max(0, tokens - 1);
          return Promise.resolve();
        }
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ resolve, reject });
        if (!pumping) void pump();
      });
    },
    setRate(next) {
      const checked = checkRate(next);
      refill();
      rate = checked;
      if (options.burst === undefined) burst = defaultBurst(rate);
      tokens = Math.min(tokens, burst);
    },
    rate: () => rate,
    waiting: queued,
  };
}

function checkRate(rate: number): number {
  if (!(Number.isFinite(rate) && rate > 0)) throw new RangeError(`rate must be a positive number, got ${rate}`);
  return rate;
}
