// The one set of counters of a sync: what became of each record, and retries and 429s as they happen.
// Progress lines, the end-of-sync summary, the failure decision and the tests all read this tally.
//
// To count a new outcome: add it to RECORD_CATEGORIES (in display order) and to WORDS, and say whether it
// counts as refused in REFUSED. Sinks report it through `RecordOutcome.effect` (see categoryOf).

/** Where a record that arrived ended up; every record is in exactly one category. */
export const RECORD_CATEGORIES = ['created', 'updated', 'deleted', 'unchanged', 'sent', 'replayed', 'would_send', 'rejected', 'not_sent'] as const;
export type RecordCategory = (typeof RECORD_CATEGORIES)[number];

/** Things counted when they happen, not once per record. */
export const EVENT_COUNTERS = ['retried', 'throttled'] as const;
export type EventCounter = (typeof EVENT_COUNTERS)[number];

/** How each counter reads in a log line. */
export const WORDS: Record<RecordCategory | EventCounter, string> = {
  created: 'created',
  updated: 'updated',
  deleted: 'deleted',
  // The object already held the record's fields (bulk read and diff, src/resync/): settled with no request.
  unchanged: 'unchanged',
  // Manual mode: Stripe accepted a request the connector cannot classify as a create or an update.
  sent: 'sent',
  // Stripe answered from its idempotency store (Idempotent-Replayed: true): done by an earlier attempt or run.
  replayed: 'replayed',
  would_send: 'would send',
  rejected: 'rejected',
  // Read, but the sync was interrupted before Stripe answered (never started, or unanswered when the grace period ended).
  not_sent: 'not sent',
  retried: 'retried',
  throttled: 'throttled (429)',
};

/** Categories that count against the sync in the failure rule. */
export const REFUSED: ReadonlySet<RecordCategory> = new Set(['rejected']);

export type CategoryCounts = Record<RecordCategory, number>;

export interface TallySnapshot {
  /** Per stream (display name: `namespace.stream` or `stream`), only streams that had records. */
  streams: Record<string, CategoryCounts>;
  totals: CategoryCounts;
  events: Record<EventCounter, number>;
  /** Records that arrived (the sum of every category). */
  records: number;
  /** Records of streams that are not in the configured catalog, per stream; counted apart, never written. */
  unknownStreams: Record<string, number>;
  /** Rejection reasons (code and field) with their counts, most frequent first. */
  reasons: Array<{ reason: string; count: number }>;
}

export interface Tally {
  record(stream: string, category: RecordCategory, amount?: number): void;
  event(counter: EventCounter, amount?: number): void;
  /** Remembers why a record was refused, for the failure message. */
  reason(text: string): void;
  unknownStream(stream: string): void;
  snapshot(): TallySnapshot;
}

export const emptyCounts = (): CategoryCounts => Object.fromEntries(RECORD_CATEGORIES.map((c) => [c, 0])) as CategoryCounts;

export function createTally(): Tally {
  const streams = new Map<string, CategoryCounts>();
  const totals = emptyCounts();
  const events = Object.fromEntries(EVENT_COUNTERS.map((c) => [c, 0])) as Record<EventCounter, number>;
  const reasons = new Map<string, number>();
  const unknown = new Map<string, number>();
  const checked = (amount: number): number => {
    if (!(Number.isInteger(amount) && amount >= 0)) throw new RangeError(`a counter grows by a whole number >= 0, got ${amount}`);
    return amount;
  };
  return {
    record(stream, category, amount = 1) {
      checked(amount);
      let counts = streams.get(stream);
      if (counts === undefined) streams.set(stream, (counts = emptyCounts()));
      counts[category] += amount;
      totals[category] += amount;
    },
    event(counter, amount = 1) {
      events[counter] += checked(amount);
    },
    reason(text) {
      reasons.set(text, (reasons.get(text) ?? 0) + 1);
    },
    unknownStream(stream) {
      unknown.set(stream, (unknown.get(stream) ?? 0) + 1);
    },
    snapshot() {
      const perStream: Record<string, CategoryCounts> = {};
      for (const [name, counts] of streams) perStream[name] = { ...counts };
      return {
        streams: perStream,
        totals: { ...totals },
        events: { ...events },
        records: RECORD_CATEGORIES.reduce((sum, c) => sum + totals[c], 0),
        unknownStreams: Object.fromEntries(unknown),
        reasons: [...reasons].map(([reason, count]) => ({ reason, count })).sort((a, b) => b.count - a.count || a.reason.localeCompare(b.reason)),
      };
    },
  };
}

/** `18 created, 2 rejected`: the non-zero categories in display order, or `0 records`. */
export function formatCounts(counts: CategoryCounts): string {
  const parts = RECORD_CATEGORIES.filter((c) => counts[c] > 0).map((c) => `${groupThousands(counts[c])} ${WORDS[c]}`);
  return parts.length ? parts.join(', ') : '0 records';
}

/** Integer with comma thousands separators, independent of the host locale. */
export function groupThousands(value: number): string {
  const rounded = Math.round(value);
  const sign = rounded < 0 ? '-' : '';
  return sign + String(Math.abs(rounded)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}
