// Stripe's idempotency layer: per (account, key) it keeps the first request's fingerprint and answer.

export interface StoredAnswer {
  status: number;
  body: string;
  headers: Record<string, string>;
}

type Entry = { fingerprint: string; at: number; answer?: StoredAnswer };

export type Lookup =
  | { kind: 'new' }
  | { kind: 'replay'; answer: StoredAnswer }
  | { kind: 'mismatch' }
  | { kind: 'in_flight' };

const dayMs = 24 * 3600 * 1000;

export class IdempotencyStore {
  private readonly entries = new Map<string, Entry>();

  /** Stripe prunes keys after 24 hours; `ttlMs` shortens (or lengthens) that window for tests. */
  constructor(
    private readonly now: () => number = Date.now,
    public ttlMs: number = dayMs,
  ) {}

  /** Looks the key up; a new key is reserved (in flight) until `complete` or `release`. */
  begin(scope: string, fingerprint: string): Lookup {
    const found = this.entries.get(scope);
    if (found && this.now() - found.at < this.ttlMs) {
      if (found.fingerprint !== fingerprint) return { kind: 'mismatch' };
      return found.answer ? { kind: 'replay', answer: found.answer } : { kind: 'in_flight' };
    }
    this.entries.set(scope, { fingerprint, at: this.now() });
    return { kind: 'new' };
  }

  complete(scope: string, answer: StoredAnswer): void {
    const entry = this.entries.get(scope);
    if (entry) entry.answer = answer;
  }

  /** Forgets a reservation whose request stored nothing (validation failure, dropped before execution). */
  release(scope: string): void {
    const entry = this.entries.get(scope);
    if (entry && !entry.answer) this.entries.delete(scope);
  }

  /** Forgets every stored key, as if Stripe's 24-hour window had passed for all of them. */
  clear(): void {
    this.entries.clear();
  }
}
