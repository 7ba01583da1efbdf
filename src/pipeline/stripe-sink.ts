// The Stripe sink: maps each record, schedules it by object key, sends it paced and retried, forwards the response.
import type { AirbyteRecordMessage } from '../generated/protocol.js';
import type { MapResult, MappedRequest, WriteResult, PlannedAction } from '../core/mapped-request.js';
import type { Send, StripeOutcome } from '../core/stripe-request.js';
import { SyncPlan } from '../resync/plan.js';
import { ConnectorError, configError, systemError, transientError } from '../protocol/errors.js';
import { FailureAfterOutcome, type OutcomeCallback, type RecordContext, type RecordOutcome, type Sink, type WriteEffect } from './sink.js';
import type { Rejection } from '../core/rejection.js';
import { StripeGaveUpError } from '../stripe/client.js';
import type { KeyedScheduler } from './keyed-scheduler.js';
import { SchedulerAbortedError } from './keyed-scheduler.js';
import type { ResponseForwarder } from './responses.js';
import { buildForwardedResponse } from './responses-document.js';
import { streamScope } from '../protocol/catalog.js';
import type { StreamMapper, StreamMapResult } from './stream-mapper.js';
import { describeDryRun } from './dry-run.js';
import type { MeterEvent } from '../mapping/meter-event.js';

export interface StripeSinkParts {
  mappers: Map<string, StreamMapper>;
  scheduler: KeyedScheduler;
  send: Send;
  /** When set, forwards each settled record's document. */
  forwarder?: ResponseForwarder;
  includeRequestBody?: boolean;
  onRecordError: 'skip' | 'fail';
  dryRun: boolean;
  log: (level: 'INFO' | 'WARN', text: string) => void;
  /** Events of streams that write meter events through the v2 stream go here (batched). */
  meterEvents?: {
    write(event: MeterEvent): Promise<RecordOutcome>;
    /** The same, with a callback instead of a promise (see Sink.submit). */
    submit(event: MeterEvent, done: OutcomeCallback): void;
  };
  /** Runs when the sink closes (flush batches, close the client). */
  onClose?: () => Promise<void>;
  onAbort?: () => void;
  /** Runs once at the very end (the final progress line). */
  onFinish?: () => void;
  /** The sync's reference resolver, when a stream has `references`: told when the input ends or the sync stops. */
  references?: { endOfInput(): void; abort(): void };
  /**
   * With a rejected-records store: a record Stripe kept failing past every attempt (429, 5xx, network)
   * is refused as retryable and kept for the next sync, instead of failing the sync.
   */
  keepGaveUp?: boolean;
}

/** Dry run: the bulk read may list objects, and nothing else reaches Stripe. */
function readOnly(send: Send): Send {
  return (request) => {
    if (request.method !== 'GET') throw systemError(`Dry run refused to send ${request.method} ${request.path.split('?', 1)[0]}: a dry run only reads.`);
    return send(request);
  };
}

export function createStripeSink(parts: StripeSinkParts): Sink {
  const { mappers, scheduler } = parts;
  const plan = new SyncPlan();
  let planned = false;
  /** Dry-run records still being planned: the plan's summary waits for them. */
  const inflightPlans = new Set<Promise<unknown>>();

  async function execute(mapped: MappedRequest): Promise<{ outcome: WriteResult; sent: MappedRequest['request'] }> {
    if (mapped.execute) {
      // The last request that was not a lookup tells what an upsert by external key did (update or create).
      let last: MappedRequest['request'] | undefined;
      const outcome = await mapped.execute((request) => {
        if (request.method !== 'GET') last = request;
        return parts.send(request);
      });
      return { outcome, sent: last ?? mapped.request };
    }
    const send = parts.send;
    const outcome = await send(mapped.request);
    if (outcome.kind === 'rejected' && outcome.status === 404) {
      if (mapped.onMissing) return { outcome: await send(mapped.onMissing), sent: mapped.onMissing };
      if (mapped.missingIsSuccess) return { outcome: { kind: 'success', status: 404, body: outcome.body, requestId: outcome.rejection.requestId, replayed: false, attempts: outcome.attempts }, sent: mapped.request };
    }
    return { outcome, sent: mapped.request };
  }

  async function forward(context: RecordContext, outcome: RecordOutcome, mapped?: MappedRequest, stripe?: StripeOutcome, sent?: MappedRequest['request']): Promise<void> {
    if (!parts.forwarder) return;
    const doc = buildForwardedResponse({ context, mapped, sent, stripe, outcome, includeRequestBody: parts.includeRequestBody ?? false });
    const result = await parts.forwarder.forward(doc);
    if (result.ok) return;
    const text = `Could not forward the response of record #${context.position} of stream "${context.stream}" to the webhook: ${result.reason}`;
    if (parts.onRecordError === 'fail') throw new FailureAfterOutcome(outcome, transientError(`${text}. The sync stops (on_record_error = fail); the records were written to Stripe, and a re-run replays them without duplicates.`));
    parts.log('WARN', text);
  }

  /** Not async: on the meter event path (up to 100,000 events/s) each record's outcome is its batch's promise, with no wrapper per record. */
  function writeMeterEvent(toEvent: NonNullable<StreamMapper['toMeterEvent']>, data: Record<string, unknown>, context: RecordContext): Promise<RecordOutcome> {
    const mapped = toEvent(data);
    if (!mapped.ok) return forwarded(context, { kind: 'rejected', rejection: mapped.rejection });
    if (parts.dryRun) {
      parts.log('INFO', `dry run: record #${context.position} of stream "${context.stream}" would add a meter event with fields [${Object.keys(mapped.event).join(', ')}] to a batch for POST /v2/billing/meter_event_stream`);
      return forwarded(context, { kind: 'written', effect: 'would_send' });
    }
    if (!parts.meterEvents) return Promise.reject(systemError('A meter event stream is mapped but no meter event writer was built.'));
    // The batcher settles written events with one shared outcome (effect: created) per batch.
    const written = parts.meterEvents.write(mapped.event);
    return parts.forwarder ? written.then((outcome) => forwarded(context, outcome)) : written;
  }

  async function forwarded(context: RecordContext, outcome: RecordOutcome): Promise<RecordOutcome> {
    await forward(context, outcome);
    return outcome;
  }

  /** Records still being mapped (references resolving): closing waits for them to reach the scheduler. */
  const preparing = new Set<Promise<unknown>>();
  const lookupSend = parts.dryRun ? readOnly(parts.send) : parts.send;

  function write(record: AirbyteRecordMessage, context: RecordContext): Promise<RecordOutcome> {
    const mapper = mappers.get(streamScope(context.stream, context.namespace));
    if (!mapper) return Promise.reject(configError(`No mapping for stream "${context.stream}".`));
    if (mapper.toMeterEvent) {
      try {
        return writeMeterEvent(mapper.toMeterEvent, record.data, context);
      } catch (error) {
        return Promise.reject(error);
      }
    }
    return writeRecord(mapper, record, context);
  }

  async function writeRecord(mapper: StreamMapper, record: AirbyteRecordMessage, context: RecordContext): Promise<RecordOutcome> {
    const pending = mapper.map(record.data, { send: lookupSend, onWait: context.onWait });
    let mapped: StreamMapResult;
    if (pending instanceof Promise) {
      preparing.add(pending);
      try {
        mapped = await pending;
      } finally {
        preparing.delete(pending);
      }
    } else mapped = pending;
    if (!mapped.onSettled) return writeMapped(mapped, context);
    try {
      const outcome = await writeMapped(mapped, context);
      mapped.onSettled(outcome);
      return outcome;
    } catch (error) {
      mapped.onSettled(error instanceof FailureAfterOutcome ? error.outcome : { kind: 'rejected', rejection: { code: 'not_sent', reason: 'the sync stopped before this record settled' } });
      throw error;
    }
  }

  async function writeMapped(mapped: MapResult, context: RecordContext): Promise<RecordOutcome> {
    if (mapped.kind === 'rejected') {
      const outcome: RecordOutcome = { kind: 'rejected', rejection: mapped.rejection };
      if (parts.dryRun && mapped.rejection.code.startsWith('reference_')) {
        // A reference that would not resolve is part of the plan: counted per stream.
        planned = true;
        plan.note(context.stream, { action: 'reject', code: mapped.rejection.code });
      }
      await forward(context, outcome);
      return outcome;
    }
    if (parts.dryRun) {
      if (mapped.plan) return writePlanned(mapped, mapped.plan, context);
      parts.log('INFO', describeDryRun(context.stream, context.position, mapped));
      const outcome: RecordOutcome = { kind: 'written', effect: 'would_send' };
      await forward(context, outcome, mapped);
      return outcome;
    }
    let result: Awaited<ReturnType<typeof execute>>;
    try {
      result = await scheduled(mapped, () => execute(mapped));
    } catch (error) {
      const rejection = parts.keepGaveUp ? gaveUpRejection(error) : undefined;
      if (!rejection) throw error;
      const outcome: RecordOutcome = { kind: 'rejected', rejection };
      await forward(context, outcome, mapped);
      return outcome;
    }
    const { outcome: settled, sent } = result;
    if (settled.kind === 'unchanged') {
      const outcome: RecordOutcome = { kind: 'written', effect: 'unchanged', ...(settled.id === undefined ? {} : { id: settled.id }) };
      await forward(context, outcome, mapped);
      return outcome;
    }
    const stripe: StripeOutcome = settled;
    const outcome: RecordOutcome =
      stripe.kind === 'success'
        ? { kind: 'written', effect: effectOf(mapped, sent), id: idOf(stripe.body), status: stripe.status, requestId: stripe.requestId, retries: stripe.attempts - 1, replayed: stripe.replayed }
        : { kind: 'rejected', rejection: { ...stripe.rejection, status: stripe.rejection.status ?? stripe.status }, retries: Math.max(0, stripe.attempts - 1) };
    await forward(context, outcome, mapped, stripe, sent);
    return outcome;
  }

  /** Dry run with a bulk read: decide with GET requests only what the record would do, and count it in the plan. */
  async function writePlanned(mapped: MappedRequest, planOf: NonNullable<MappedRequest['plan']>, context: RecordContext): Promise<RecordOutcome> {
    // Noted inside the tracked promise, so the plan's summary at close counts every record.
    const planning = scheduled(mapped, () => planOf(lookupSend)).then((action) => {
      planned = true;
      plan.note(context.stream, action);
      parts.log('INFO', describePlanned(context.stream, context.position, mapped, action));
      return action;
    });
    inflightPlans.add(planning);
    planning.catch(() => undefined).finally(() => inflightPlans.delete(planning));
    const action = await planning;
    const outcome: RecordOutcome =
      action.action === 'unchanged'
        ? { kind: 'written', effect: 'unchanged' }
        : action.action === 'reject'
          ? { kind: 'rejected', rejection: { code: action.code, reason: `dry run: the record would be refused (${action.code})` } }
          : { kind: 'written', effect: 'would_send' };
    await forward(context, outcome, mapped);
    return outcome;
  }

  async function scheduled<T>(mapped: MappedRequest, task: () => Promise<T>): Promise<T> {
    try {
      return await scheduler.run(mapped.objectKey, task);
    } catch (error) {
      if (error instanceof SchedulerAbortedError) throw new ConnectorError({ failureType: 'transient_error', message: 'The sync was stopped before this record was sent.' });
      throw error;
    }
  }

  /**
   * A meter event with nothing to forward goes to its batch with the callback itself (no promise per record); every
   * other record, and an event refused before a batch, takes `write` and hands its outcome over.
   */
  function submit(record: AirbyteRecordMessage, context: RecordContext, done: OutcomeCallback): void {
    const meterEvents = parts.meterEvents;
    const toEvent = mappers.get(streamScope(context.stream, context.namespace))?.toMeterEvent;
    if (toEvent && meterEvents && !parts.forwarder && !parts.dryRun) {
      let mapped: ReturnType<typeof toEvent> | undefined;
      try {
        mapped = toEvent(record.data);
      } catch {
        // Left to write(), which maps again and reports the error its own way.
      }
      if (mapped?.ok) {
        meterEvents.submit(mapped.event, done);
        return;
      }
    }
    write(record, context).then(
      (outcome) => done(outcome),
      (error: unknown) => done(undefined, error),
    );
  }

  return {
    write,
    submit,
    endOfInput() {
      parts.references?.endOfInput();
    },
    async close() {
      parts.references?.endOfInput();
      // Records whose references resolved go to the scheduler before it is asked to drain.
      while (preparing.size > 0) await Promise.allSettled([...preparing]);
      await scheduler.idle();
      await Promise.allSettled([...inflightPlans]);
      if (planned) for (const line of plan.lines()) parts.log('INFO', line);
      await parts.forwarder?.close();
      await parts.onClose?.();
    },
    abort() {
      parts.references?.abort();
      scheduler.abort();
      parts.onAbort?.();
    },
    finish() {
      parts.onFinish?.();
    },
  };
}

/**
 * What a request Stripe accepted did, from the operation and the request that settled the record: an
 * upsert created when its create request went out (after a 404 or a search that found nothing).
 * Manual mode cannot tell a create from an update (any endpoint, any method): `sent`, or `deleted` for DELETE.
 */
export function effectOf(mapped: Pick<MappedRequest, 'operation' | 'request' | 'onMissing' | 'execute'>, sent: MappedRequest['request']): WriteEffect {
  switch (mapped.operation) {
    case 'create':
      // With a matching key a create may update the object that already holds the key.
      return mapped.execute !== undefined && sent !== mapped.request ? 'updated' : 'created';
    case 'update':
      return 'updated';
    case 'delete':
    case 'DELETE':
      return 'deleted';
    case 'upsert':
      // By external key, `mapped.request` is the very create request the plan sends when nothing matched.
      return sent === mapped.onMissing || (mapped.execute !== undefined && sent === mapped.request) ? 'created' : 'updated';
    default:
      return 'sent';
  }
}

/** The plan's line for one record: its action and, for updates, the names of the fields that differ. */
export function describePlanned(stream: string, position: number, mapped: MappedRequest, planned: PlannedAction): string {
  const head = `dry run: record #${position} of stream "${stream}"`;
  switch (planned.action) {
    case 'unchanged':
      return `${head} is unchanged (its object already holds its fields): nothing would be sent`;
    case 'update':
      return `${head} would update its object (${mapped.operation}); fields that differ: [${planned.changed.join(', ')}]`;
    case 'create':
      return `${head} would create a new object (${mapped.operation}): no existing object has its matching key`;
    case 'delete':
      return `${head} would ${mapped.request.method === 'DELETE' ? 'delete' : 'end'} its object`;
    case 'reject':
      return `${head} would be refused (${planned.code})`;
    case 'send':
      return describeDryRun(stream, position, mapped);
  }
}

/** The refusal of a record Stripe kept failing for, or undefined for failures that must still end the sync. */
export function gaveUpRejection(error: unknown): Rejection | undefined {
  if (!(error instanceof StripeGaveUpError) || error.unsafeToRepeat) return undefined;
  const { status, networkCode, requestId } = error.last;
  const code = status === undefined ? 'network_error' : status === 429 ? 'rate_limited' : 'stripe_unavailable';
  return { code, reason: `${error.message}${networkCode ? ` (${networkCode})` : ''}`, ...(status === undefined ? {} : { status }), ...(requestId ? { requestId } : {}) };
}

function idOf(body: unknown): string | undefined {
  const id = body && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
