// What a stream's per-record idempotency keys derive from (the run id and the record's position), kept per record
// so that a record retried from the rejected-records store sends the keys of its first attempt.

export interface KeyOrigin {
  run: string;
  position: number;
}

export class KeyOrigins {
  private readonly origins = new WeakMap<object, KeyOrigin>();
  private readonly retries = new WeakMap<object, string>();
  private seen = 0;

  constructor(private readonly run: string) {}

  /** The origin of a record's per-record keys: the one pinned, else this run and the record's position among the stream's records. */
  originOf(data: object): KeyOrigin {
    let origin = this.origins.get(data);
    if (origin === undefined) this.origins.set(data, (origin = { run: this.run, position: ++this.seen }));
    return origin;
  }

  /** Set for a record Stripe refused with a definite 4xx: its retry needs new keys (Stripe replays the refusal for the old). */
  retryOf(data: object): string | undefined {
    return this.retries.get(data);
  }

  /** The origin a per-record key of this record used, once one was derived (or pinned). */
  keyOrigin(data: object): KeyOrigin | undefined {
    return this.origins.get(data);
  }

  pin(data: object, origin: KeyOrigin | undefined, retry?: string): void {
    if (origin) this.origins.set(data, origin);
    if (retry !== undefined) this.retries.set(data, retry);
  }
}
