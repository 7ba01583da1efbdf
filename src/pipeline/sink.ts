// The destination interface the write pipeline drives: one record in, one settled outcome out.
import type { AirbyteRecordMessage, ConfiguredAirbyteStream } from '../generated/protocol.js';
import type { ConnectorError } from '../protocol/errors.js';
import type { Rejection } from '../core/rejection.js';
import type { RecordCategory } from './tally.js';

/** Where a record sits in the sync; enough to name it in a log without echoing its values. */
export interface RecordContext {
  stream: string;
  namespace?: string;
  /** 1-based position of the record among all records of this sync. */
  position: number;
  /** 1-based line number of the record on stdin. */
  line: number;
  /** The record's primary key values, when the catalog declares a primary key. */
  primaryKey?: unknown[];
  configuredStream: ConfiguredAirbyteStream;
  /**
   * Told when the record starts (true) and stops (false) waiting for a record that has not arrived yet
   * (a reference to an object this sync creates later in the input): while it waits it does not count
   * toward the in-flight bound, so reading goes on and the record it waits for can arrive.
   */
  onWait?: (waiting: boolean) => void;
}

/**
 * What a settled, not refused record did: a create, an update, a delete, a manual-mode request the
 * connector cannot classify (`sent`), nothing because the object already held the record's fields
 * (`unchanged`, no request), or, in a dry run, nothing (`would_send`). Each is a category of
 * the tally (src/pipeline/tally.ts); a new effect needs a category there.
 */
export type WriteEffect = 'created' | 'updated' | 'deleted' | 'unchanged' | 'sent' | 'would_send';

export type RecordOutcome =
  | { kind: 'written'; effect?: WriteEffect; id?: string; status?: number; requestId?: string; retries?: number; replayed?: boolean }
  | { kind: 'rejected'; rejection: Rejection; retries?: number };

/** The tally category of a settled record: `replayed` when Stripe answered from its idempotency store. */
export function categoryOf(outcome: RecordOutcome): RecordCategory {
  if (outcome.kind === 'rejected') return 'rejected';
  if (outcome.replayed === true) return 'replayed';
  return outcome.effect ?? 'sent';
}

/**
 * Thrown by a sink when a record settled (its outcome holds) but the sync must still end: e.g. its
 * webhook document could not be delivered under on_record_error = fail. The record is counted, then
 * the sync fails with `error`.
 */
export class FailureAfterOutcome extends Error {
  constructor(
    readonly outcome: RecordOutcome,
    readonly error: ConnectorError,
  ) {
    super(error.message);
  }
}

/**
 * A Sink writes records. `write` resolves when the record has settled (written or rejected);
 * it rejects (throws) only for failures that must end the sync (ConnectorError with a failure type).
 * The pipeline calls `write` concurrently; a Sink does its own scheduling and pacing.
 */
/** Receives a record's outcome, or (outcome undefined) the error that must end the sync. Called once, never synchronously. */
export type OutcomeCallback = (outcome: RecordOutcome | undefined, error?: unknown) => void;

export interface Sink {
  write(record: AirbyteRecordMessage, context: RecordContext): Promise<RecordOutcome>;
  /**
   * Optional: `write` with the outcome handed to a callback instead of a promise. The pipeline prefers it: on the
   * meter event path (up to 100,000 records a second) a promise and its reactions per record are a measurable cost.
   */
  submit?(record: AirbyteRecordMessage, context: RecordContext, done: OutcomeCallback): void;
  /** The input ended (no more `write` calls); records waiting for a record that never came settle now. Called before `close`. */
  endOfInput?(): void;
  /** Flushes buffered work (batches, webhooks) and releases resources. Called once at the end. */
  close(): Promise<void>;
  /** Called when a shutdown signal arrives: stop starting new work, let in-flight requests finish. */
  abort?(): void;
  /** Called once at the very end, when every record has settled or been given up: the final progress line. */
  finish?(): void;
  /** Told the source's row estimates (TRACE ESTIMATE), for progress. */
  observeEstimate?(rows: number): void;
}
