// The protocol side of `write`: read, route, hand records to the sink, release states as records settle.
import type { AirbyteRecordMessage, AirbyteStateMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../generated/protocol.js';
import type { Emitter } from '../protocol/emitter.js';
import { ConnectorError, configError, toConnectorError } from '../protocol/errors.js';
import { readMessageBatches } from '../protocol/reader.js';
import { untilAborted } from '../protocol/abortable.js';
import { MAX_DATA_DEPTH, nestedDeeperThan } from '../protocol/depth.js';
import { indexStreams, primaryKeyOf, streamScope } from '../protocol/catalog.js';
import { Checkpointer, type Ticket } from './checkpoints.js';
import { categoryOf, FailureAfterOutcome, type RecordContext, type RecordOutcome, type Sink } from './sink.js';
import type { Rejection } from '../core/rejection.js';
import { createTally, type Tally, type TallySnapshot } from './tally.js';
import { judgeSync, type VerdictPolicy } from './sync-verdict.js';
import { describeRejection, type RejectionPlace } from './rejections.js';

export interface WriteOptions {
  catalog: ConfiguredAirbyteCatalog;
  input: AsyncIterable<Buffer | string>;
  emitter: Emitter;
  sink: Sink;
  onRecordError: 'skip' | 'fail';
  /** Records read but not settled before the reader pauses. */
  maxInFlight?: number;
  /** Aborting stops reading at once (even while stdin stays open); in-flight records get `graceMs` to settle. */
  signal?: AbortSignal;
  /** How long records in flight may take to settle after a signal or a failure; default {@link DEFAULT_GRACE_MS}. */
  graceMs?: number;
  maxLineBytes?: number;
  /** Receives the source's TRACE ESTIMATE messages (progress). */
  onEstimate?: (estimate: { stream?: string; rowEstimate?: number }) => void;
  /** The sync's counters; the sink's progress lines read the same object. */
  tally?: Tally;
  /** Rejection lines print primary key values instead of their hash (log_primary_key_values). */
  logPrimaryKeyValues?: boolean;
  /** When a sync that ran to its end fails anyway (refused records, unknown streams); default: the spec's defaults. */
  verdict?: VerdictPolicy;
  /** The rejected-records store: keeps refused records (their states wait until it holds them) and retries stored ones. */
  rejected?: RejectedRecordsKeeper;
}

/** The rejected-records store (src/rejected/store.ts) as the write pipeline drives it. */
export interface RejectedRecordsKeeper {
  /** A record of this sync's input (it supersedes a stored one with the same primary key). */
  observe(record: AirbyteRecordMessage, context: RecordContext): void;
  /** Writes a refusal into an open object; resolves when there is room for the next. `seq` is its checkpoint. */
  keep(record: AirbyteRecordMessage, context: RecordContext & RejectionPlace, rejection: Rejection, seq: number): Promise<void>;
  /** The lowest checkpoint whose refusal the store does not hold whole yet. */
  lowestUnstored(): number;
  onStored(listener: () => void): void;
  /** After the input ended: sends the records stored by earlier syncs again through the sink. */
  retry(sink: Sink): Promise<void>;
  /** Completes the objects (and, with commit, the retry); throws when the store could not be written. */
  close(options: { commit: boolean }): Promise<void>;
  abort(): Promise<void>;
}

export interface WriteSummary {
  /** Every counter of the sync, taken once everything settled: what the summary lines and the failure rule read. */
  tally: TallySnapshot;
  invalidLines: number;
  statesReceived: number;
  statesEmitted: number;
  /** True when a shutdown signal stopped the sync before its input ended. */
  interrupted: boolean;
  /** Set when the sync must fail; the caller prints it as a TRACE error and exits non-zero. */
  failure?: ConnectorError;
}

/**
 * Grace for records in flight after a shutdown signal: 7 s, so that settling, releasing states and
 * exiting fit inside the 10 s a platform waits between SIGTERM and SIGKILL (`docker stop`'s default).
 */
export const DEFAULT_GRACE_MS = 7_000;

export async function runWrite(options: WriteOptions): Promise<WriteSummary> {
  const { emitter, sink, catalog } = options;
  const maxInFlight = options.maxInFlight ?? 1000;
  const failFast = options.onRecordError === 'fail';
  const graceMs = options.graceMs ?? DEFAULT_GRACE_MS;
  const streams = indexStreams(catalog);
  const rejected = options.rejected;
  const checkpointer = new Checkpointer((state) => emitter.emit({ type: 'STATE', state }), rejected ? () => rejected.lowestUnstored() : undefined);
  rejected?.onStored(() => checkpointer.recheck());
  const tally = options.tally ?? createTally();
  const summary: WriteSummary = { tally: tally.snapshot(), invalidLines: 0, statesReceived: 0, statesEmitted: 0, interrupted: false };
  /** Records read but not settled, per stream: what is left at the end was not sent. */
  const unsettled = new Map<string, number>();
  const track = (stream: string, delta: number): void => void unsettled.set(stream, (unsettled.get(stream) ?? 0) + delta);
  const warnedStreams = new Set<string>();
  const warnedTypes = new Set<string>();
  /** Records handed to the sink whose outcome has not been handled yet; `allHandled` resolves when none is left. */
  let outstanding = 0;
  let onAllHandled: (() => void) | undefined;
  const handled = (): void => {
    outstanding -= 1;
    if (outstanding === 0) onAllHandled?.();
    wake?.();
  };
  const allHandled = (): Promise<void> =>
    outstanding === 0
      ? Promise.resolve()
      : new Promise<void>((resolve) => {
          const before = onAllHandled;
          onAllHandled = () => {
            onAllHandled = undefined;
            before?.();
            resolve();
          };
        });
  /** Each configured stream's primary key as dotted field names, built once (rejection lines name them). */
  const keyFields = new Map<ConfiguredAirbyteStream, string[] | undefined>();
  const keyFieldsOf = (configured: ConfiguredAirbyteStream): string[] | undefined => {
    if (!keyFields.has(configured)) keyFields.set(configured, configured.primary_key?.map((path) => path.join('.')));
    return keyFields.get(configured);
  };
  /** One function for every record: a record waiting for another further down the input (see RecordContext.onWait). */
  const onWait = (on: boolean): void => {
    waiting += on ? 1 : -1;
    wake?.();
  };
  /** Records waiting for a record further down the input: left out of the in-flight bound (see RecordContext.onWait). */
  let waiting = 0;
  let position = 0;
  let finished = false;
  let wake: (() => void) | undefined;

  const fail = (error: ConnectorError): void => {
    summary.failure ??= error;
    wake?.();
  };
  const stopped = (): boolean => summary.failure !== undefined || options.signal?.aborted === true;
  options.signal?.addEventListener('abort', () => {
    sink.abort?.();
    wake?.();
  }, { once: true });

  /** Counts a record's outcome and, unless `release` is false, lets the states it held back go. */
  const settle = (ticket: Ticket, stream: string, outcome: RecordOutcome, context: RejectionPlace, release = true): void => {
    // After the end (grace period over), a late answer changes nothing: the record stays not sent, its state held.
    if (finished || ticket.settled) return;
    track(stream, -1);
    tally.record(stream, categoryOf(outcome));
    if (outcome.kind === 'rejected') {
      tally.reason(`${outcome.rejection.code}${outcome.rejection.param ? ` on ${outcome.rejection.param}` : ''}`);
      const text = describeRejection(stream, context, outcome.rejection, { showKeyValues: options.logPrimaryKeyValues === true });
      if (options.onRecordError === 'fail') {
        fail(configError(`${text}. The sync stops at the first refused record (on_record_error = fail).`));
      } else {
        emitter.log('WARN', text);
      }
    }
    if (release) checkpointer.settle(ticket, outcome.kind === 'rejected');
  };

  const rejectInvalid = (line: number, rejection: Rejection, stream?: string, namespace?: string | null): void => {
    const ticket = stream === undefined ? checkpointer.addRecord('\u0000invalid-lines') : checkpointer.addRecord(stream, namespace);
    if (stream === undefined) summary.invalidLines += 1;
    const name = stream === undefined ? UNREADABLE : displayName(stream, namespace);
    track(name, 1);
    settle(ticket, name, { kind: 'rejected', rejection }, { position: 0, line });
  };

  /** Settles a refused record once the rejected-records store holds it whole (the checkpointer asks lowestUnstored()). */
  const keepThenSettle = async (
    record: AirbyteRecordMessage,
    context: RecordContext & RejectionPlace,
    ticket: Ticket,
    name: string,
    outcome: RecordOutcome & { kind: 'rejected' },
    store: RejectedRecordsKeeper,
  ): Promise<void> => {
    try {
      await store.keep(record, context, outcome.rejection, ticket.seq);
    } catch (error) {
      // Not stored: the record stays unsettled (counted as not sent), its state held, and the sync fails.
      fail(toConnectorError(error));
      return;
    }
    settle(ticket, name, outcome, context);
  };

  const startRecord = (record: AirbyteRecordMessage, configured: ConfiguredAirbyteStream, line: number): void => {
    position += 1;
    const data = record.data;
    if (!data || typeof data !== 'object' || Array.isArray(data)) {
      rejectInvalid(line, { code: 'invalid_record', reason: 'the record has no "data" object' }, record.stream, record.namespace);
      return;
    }
    if (nestedDeeperThan(data, MAX_DATA_DEPTH)) {
      rejectInvalid(line, { code: 'invalid_record', reason: `the record's "data" is nested more than ${MAX_DATA_DEPTH} levels deep` }, record.stream, record.namespace);
      return;
    }
    const name = displayName(record.stream, record.namespace);
    track(name, 1);
    const ticket = checkpointer.addRecord(record.stream, record.namespace);
    const context: RecordContext & RejectionPlace = {
      stream: record.stream,
      namespace: record.namespace ?? undefined,
      position,
      line,
      primaryKey: primaryKeyOf(configured, data),
      primaryKeyFields: keyFieldsOf(configured),
      configuredStream: configured,
      onWait,
    };
    rejected?.observe(record, context);
    // Callbacks, not an async chain: this runs for every record, up to 100,000 a second on the meter event path. The
    // callbacks hold the record itself only when a rejected-records store may need it: otherwise the parsed record can
    // go as soon as the sink has mapped it, and only the small context waits for the outcome.
    const kept = rejected ? record : undefined;
    outstanding += 1;
    /** The record's outcome (or the error that ends the sync); never throws back into the sink. */
    const done = (outcome: RecordOutcome | undefined, error?: unknown): void => {
      try {
        if (outcome !== undefined) {
          if (outcome.kind === 'rejected' && rejected && kept && !finished) {
            void keepThenSettle(kept, context, ticket, name, outcome, rejected).finally(handled);
            return;
          }
          settle(ticket, name, outcome, context);
        } else if (error instanceof FailureAfterOutcome) {
          // Written, but its webhook document failed under fail: count it, keep its state back (a re-run
          // replays it and forwards the document again), then stop.
          settle(ticket, name, error.outcome, context, false);
          fail(error.error);
        } else if (options.signal?.aborted !== true) {
          // After a shutdown signal the sink refuses records it had not started: they stay unsettled
          // (holding their states back) and the sync ends as interrupted, not failed.
          fail(toConnectorError(error));
        }
      } catch (thrown) {
        fail(toConnectorError(thrown));
      }
      handled();
    };
    if (sink.submit) {
      try {
        sink.submit(record, context, done);
      } catch (error) {
        queueMicrotask(() => done(undefined, error));
      }
    } else {
      sink.write(record, context).then(done, (error: unknown) => done(undefined, error));
    }
  };

  const waitForRoom = async (): Promise<void> => {
    while (checkpointer.unsettled - waiting >= maxInFlight && !stopped()) {
      await new Promise<void>((resolve) => (wake = resolve));
      wake = undefined;
    }
  };

  try {
    reading: for await (const items of readMessageBatches(untilAborted(options.input, options.signal), options.maxLineBytes)) {
      for (const item of items) {
        if (stopped()) break reading;
        if (item.kind === 'invalid') {
          rejectInvalid(item.line, { code: 'invalid_line', reason: item.reason });
          continue;
        }
        const message = item.message;
        switch (message.type) {
          case 'RECORD': {
            const record = message.record as AirbyteRecordMessage | undefined;
            if (!record || typeof record.stream !== 'string') {
              rejectInvalid(item.line, { code: 'invalid_record', reason: `line ${item.line} is a RECORD without a "record.stream"` });
              break;
            }
            const configured = streams.get(streamScope(record.stream, record.namespace));
            if (!configured) {
              const key = streamScope(record.stream, record.namespace);
              tally.unknownStream(displayName(record.stream, record.namespace));
              if (!warnedStreams.has(key)) {
                warnedStreams.add(key);
                emitter.log('WARN', `Skipping records of stream "${record.stream}"${record.namespace ? ` (namespace "${record.namespace}")` : ''}: it is not in the configured catalog.`);
              }
              break;
            }
            startRecord(record, configured, item.line);
            if (checkpointer.unsettled - waiting >= maxInFlight) await waitForRoom();
            // Under on_record_error = fail, a record refused without a request (its outcome settles in a microtask) must
            // stop the next one, so each record gets a turn. Otherwise a chunk's records go out without an await each (a
            // turn per record is a measurable share of the cost of a meter event); a failure the sink reports without a
            // request then stops reading at the chunk's end, and the records started before it are held like any in flight.
            else if (failFast) await undefined;
            break;
          }
          case 'STATE':
            summary.statesReceived += 1;
            checkpointer.addState((message.state ?? {}) as AirbyteStateMessage);
            break;
          case 'TRACE': {
            const trace = message.trace as { type?: string; estimate?: { name?: string; row_estimate?: number } } | undefined;
            if (trace?.type === 'ESTIMATE' && trace.estimate) options.onEstimate?.({ stream: trace.estimate.name, rowEstimate: trace.estimate.row_estimate });
            break;
          }
          default: {
            const type = typeof message.type === 'string' ? message.type : '(missing)';
            if (!warnedTypes.has(type)) {
              warnedTypes.add(type);
              emitter.log('INFO', `Ignoring ${type} messages (first seen on line ${item.line}).`);
            }
          }
        }
        if (emitter.congested) await emitter.drain();
      }
    }
  } catch (error) {
    fail(toConnectorError(error));
  }

  if (!stopped()) {
    sink.endOfInput?.();
    const finishing = (async () => {
      // Stored records of earlier syncs go after this sync's input: a newer record with their primary key has been seen by now.
      if (rejected) await rejected.retry(sink).catch((error: unknown) => fail(toConnectorError(error)));
      await sink.close().catch((error: unknown) => fail(toConnectorError(error)));
      await allHandled();
      if (rejected) await closeStore(rejected, !stopped()).catch((error: unknown) => fail(toConnectorError(error)));
    })();
    // A signal during this last stretch gets the same grace period as one during reading.
    await Promise.race([finishing, graceAfterAbort(options.signal, graceMs)]);
  } else {
    sink.abort?.();
    // Settling and closing together get the grace period: a close that waits on a stuck call must not outlast it.
    await settleWithin(
      (async () => {
        await allHandled();
        await sink.close().catch(() => undefined);
        // Refusals written so far are stored (their states can go), unless the store itself failed.
        if (rejected) await closeStore(rejected, false).catch((error: unknown) => fail(toConnectorError(error)));
      })(),
      graceMs,
    );
  }
  // Decided after settling: a signal can also arrive once the input has ended, while records are still in flight.
  summary.interrupted = options.signal?.aborted === true && summary.failure === undefined;
  checkpointer.recheck();
  summary.statesEmitted = checkpointer.releasedStates;
  finished = true;
  // Records read that never settled: the sync was interrupted (or failed) before Stripe answered them.
  for (const [stream, count] of unsettled) if (count > 0) tally.record(stream, 'not_sent', count);
  if (!stopped() && checkpointer.heldStates > 0) {
    fail(new ConnectorError({ failureType: 'system_error', message: `${checkpointer.heldStates} state message(s) could not be released because earlier records never settled.` }));
  }
  sink.finish?.();
  summary.tally = tally.snapshot();
  // A sync that ran to its end can still have failed: nothing written, too many refusals, unknown streams.
  // Decided last, so the TRACE error follows every state that could be released.
  if (summary.failure === undefined && !summary.interrupted) {
    summary.failure = judgeSync(summary.tally, options.verdict ?? { unknownStreams: 'fail' });
  }
  await emitter.drain();
  return summary;
}

/** Completes the store's objects; after a failure of the store itself, gives them up instead. */
async function closeStore(store: RejectedRecordsKeeper, commit: boolean): Promise<void> {
  try {
    await store.close({ commit });
  } catch (error) {
    await store.abort();
    throw error;
  }
}

/** Label of records with no readable stream in counts and logs. */
export const UNREADABLE = '(unreadable lines)';

/** How a stream is named in counts and logs: `namespace.stream`, or `stream` without a namespace. */
export const displayName = (stream: string, namespace?: string | null): string => (namespace ? `${namespace}.${stream}` : stream);

/** Resolves `ms` after the signal aborts (never, without a signal). */
function graceAfterAbort(signal: AbortSignal | undefined, ms: number): Promise<void> {
  return new Promise((resolve) => {
    if (!signal) return;
    const start = (): void => void setTimeout(resolve, ms).unref();
    if (signal.aborted) start();
    else signal.addEventListener('abort', start, { once: true });
  });
}

async function settleWithin(work: Promise<void>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([work, new Promise<void>((resolve) => (timer = setTimeout(resolve, ms)))]);
  clearTimeout(timer);
}
