// Buffers meter events into stream requests of at most 100, keeps several in flight, and settles each event with its batch.
import PQueue from 'p-queue';
import { sha256Hex, type MeterEvent } from '../mapping/meter-event.js';
import { configError, systemError } from '../protocol/errors.js';
import type { MeterSession } from '../stripe/meter-session.js';
import type { StripeOutcome, StripeRequest } from '../core/stripe-request.js';
import type { OutcomeCallback, RecordOutcome } from './sink.js';
import type { Rejection } from '../core/rejection.js';

export interface MeterEventBatcherOptions {
  send: (request: StripeRequest) => Promise<StripeOutcome>;
  session: MeterSession;
  /** Events per request; capped at Stripe's limit of 100. Default 100. */
  batchSize?: number;
  /** How long a partial batch waits for more events. Default 50 ms. */
  lingerMs?: number;
  /** Stream requests in flight at once. Default 8. */
  concurrency?: number;
}

export interface MeterEventBatcher {
  /** Resolves when the event's batch settled: written, or rejected with a reason; rejects with a ConnectorError that must end the sync. */
  submit(event: MeterEvent): Promise<RecordOutcome>;
  /** The same, with the outcome handed to `done` (asynchronously, once): no promise per event. */
  submitWith(event: MeterEvent, done: OutcomeCallback): void;
  /** Sends the partial batch and waits for every request in flight. */
  close(): Promise<void>;
}

export const METER_STREAM_PATH = '/v2/billing/meter_event_stream';
export const MAX_EVENTS_PER_REQUEST = 100;

interface Entry {
  event: MeterEvent;
  /** The event's outcome, or (outcome undefined) the error that ends the sync. */
  done: OutcomeCallback;
}

const EVENT_PARAM = /^events\[(\d+)\](?:\.(.+))?$/;

export function createMeterEventBatcher(options: MeterEventBatcherOptions): MeterEventBatcher {
  const { send, session } = options;
  const batchSize = Math.min(MAX_EVENTS_PER_REQUEST, options.batchSize ?? MAX_EVENTS_PER_REQUEST);
  const lingerMs = options.lingerMs ?? 50;
  const concurrency = options.concurrency ?? 8;
  if (!Number.isInteger(batchSize) || batchSize < 1) throw systemError('The meter event batch size must be a whole number of at least 1.');
  if (!Number.isFinite(lingerMs) || lingerMs < 0) throw systemError('The meter event linger time must be a non-negative number.');
  if (!Number.isInteger(concurrency) || concurrency < 1) throw systemError('The meter event concurrency must be a whole number of at least 1.');

  const queue = new PQueue({ concurrency });
  let buffer: Entry[] = [];
  let timer: NodeJS.Timeout | undefined;
  let failure: unknown;
  let closed = false;

  function flush(): void {
    if (timer !== undefined) {
      clearTimeout(timer);
      timer = undefined;
    }
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    void queue.add(() => settle(batch));
  }

  async function settle(batch: Entry[]): Promise<void> {
    try {
      if (failure !== undefined) throw failure;
      await post(batch);
    } catch (error) {
      failure ??= error;
      for (const entry of batch) entry.done(undefined, error);
    }
  }

  /**
   * Sends the batch; renews the session once after a refused token; after an idempotency_error resends under a
   * content key; drops an event a 400 names and resends the rest.
   */
  async function post(batch: Entry[]): Promise<void> {
    let remaining = batch;
    let renewed = false;
    let keyFrom: 'identifiers' | 'content' = 'identifiers';
    while (remaining.length > 0) {
      const token = await session.token();
      const outcome = await send(streamRequest(remaining, token, keyFrom));
      if (outcome.kind === 'success') {
        const written: RecordOutcome = { kind: 'written', effect: 'created', status: outcome.status, retries: outcome.attempts - 1, replayed: outcome.replayed };
        if (outcome.requestId !== undefined) written.requestId = outcome.requestId;
        for (const entry of remaining) entry.done(written);
        return;
      }
      if (outcome.status === 401) {
        if (renewed) {
          throw configError(
            `The meter event stream refused a freshly opened session token (401 ${outcome.rejection.code}).`,
            outcome.rejection.reason,
          );
        }
        renewed = true;
        session.invalidate(token);
        continue;
      }
      renewed = false;
      if (outcome.status === 400 && outcome.rejection.type === 'idempotency_error' && keyFrom === 'identifiers') {
        keyFrom = 'content';
        continue;
      }
      const named = outcome.status === 400 ? eventAt(outcome.rejection, remaining.length) : undefined;
      if (named && remaining.length > 1) {
        remaining[named.index]!.done({ kind: 'rejected', rejection: named.rejection, retries: outcome.attempts - 1 });
        remaining = remaining.filter((_, i) => i !== named.index);
        continue;
      }
      const rejection = named?.rejection ?? outcome.rejection;
      for (const entry of remaining) entry.done({ kind: 'rejected', rejection, retries: outcome.attempts - 1 });
      return;
    }
  }

  function submitWith(event: MeterEvent, done: OutcomeCallback): void {
    if (closed || failure !== undefined) {
      const error = closed ? systemError('A meter event was submitted after the batcher was closed.') : failure;
      queueMicrotask(() => done(undefined, error));
      return;
    }
    buffer.push({ event, done });
    if (buffer.length >= batchSize) flush();
    else if (timer === undefined) timer = setTimeout(flush, lingerMs);
  }

  return {
    submitWith,
    submit(event) {
      return new Promise<RecordOutcome>((resolve, reject) => submitWith(event, (outcome, error) => (outcome === undefined ? reject(error) : resolve(outcome))));
    },
    async close() {
      closed = true;
      flush();
      await queue.onIdle();
    },
  };
}

/**
 * The stream request for these events. Its idempotency key hashes the batch's identifiers (each derived identifier
 * already hashes its record), so a re-run of the same batch is replayed. With `keyFrom: 'content'` it hashes the
 * events as sent: the fallback when an identifier-keyed batch met an idempotency_error because a record changed
 * under an identifier of its own; Stripe's identifier dedupe then drops the events it already counted.
 */
export function streamRequest(entries: readonly { event: MeterEvent }[], bearer: string, keyFrom: 'identifiers' | 'content' = 'identifiers'): StripeRequest {
  const events = entries.map((entry) => entry.event);
  const basis = keyFrom === 'content' ? JSON.stringify(events) : JSON.stringify(events.map((event) => event.identifier));
  return {
    method: 'POST',
    path: METER_STREAM_PATH,
    host: 'meter_events',
    format: 'json',
    body: { events },
    bearer,
    idempotencyKey: `dst-stripe-mev-${keyFrom === 'content' ? 'c' : 'i'}-${sha256Hex(basis)}`,
  };
}

/** A 400 whose param is `events[i]...` names one event: its index and a rejection with the param relative to the event. */
function eventAt(rejection: Rejection, count: number): { index: number; rejection: Rejection } | undefined {
  const match = rejection.param === undefined ? null : EVENT_PARAM.exec(rejection.param);
  if (!match) return undefined;
  const index = Number(match[1]);
  if (index >= count) return undefined;
  return { index, rejection: { ...rejection, param: match[2] ?? 'event' } };
}
