// The Stripe sink: maps each record, schedules it by object key, sends it paced and retried, forwards the response.
import type { AirbyteRecordMessage } from '../generated/protocol.js';
import type { MappedRequest, Send } from '../mapping/types.js';
import type { StripeOutcome } from '../stripe/types.js';
import { ConnectorError, configError, systemError, transientError } from '../protocol/errors.js';
import { FailureAfterOutcome, type RecordContext, type RecordOutcome, type Sink, type WriteEffect } from './sink.js';
import type { KeyedScheduler } from './keyed-scheduler.js';
import { SchedulerAbortedError } from './keyed-scheduler.js';
import type { ResponseForwarder } from './responses.js';
import { buildForwardedResponse } from './responses-document.js';
import { streamScope } from './checkpoints.js';
import type { StreamMapper } from './stream-mappers.js';
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
  meterEvents?: (event: MeterEvent) => Promise<RecordOutcome>;
  /** Runs when the sink closes (flush batches, close the client). */
  onClose?: () => Promise<void>;
  onAbort?: () => void;
  /** Runs once at the very end (the final progress line). */
  onFinish?: () => void;
}

export function createStripeSink(parts: StripeSinkParts): Sink {
  const { mappers, scheduler } = parts;

  async function execute(mapped: MappedRequest): Promise<{ outcome: StripeOutcome; sent: MappedRequest['request'] }> {
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

  async function writeMeterEvent(toEvent: NonNullable<StreamMapper['toMeterEvent']>, data: Record<string, unknown>, context: RecordContext): Promise<RecordOutcome> {
    const mapped = toEvent(data);
    if (!mapped.ok) {
      const outcome: RecordOutcome = { kind: 'rejected', rejection: mapped.rejection };
      await forward(context, outcome);
      return outcome;
    }
    if (parts.dryRun) {
      parts.log('INFO', `dry run: record #${context.position} of stream "${context.stream}" would add a meter event with fields [${Object.keys(mapped.event).join(', ')}] to a batch for POST /v2/billing/meter_event_stream`);
      const outcome: RecordOutcome = { kind: 'written', effect: 'would_send' };
      await forward(context, outcome);
      return outcome;
    }
    if (!parts.meterEvents) throw systemError('A meter event stream is mapped but no meter event writer was built.');
    const written = await parts.meterEvents(mapped.event);
    const outcome: RecordOutcome = written.kind === 'written' ? { ...written, effect: 'created' } : written;
    await forward(context, outcome);
    return outcome;
  }

  async function write(record: AirbyteRecordMessage, context: RecordContext): Promise<RecordOutcome> {
    const mapper = mappers.get(streamScope(context.stream, context.namespace));
    if (!mapper) throw configError(`No mapping for stream "${context.stream}".`);
    if (mapper.toMeterEvent) return writeMeterEvent(mapper.toMeterEvent, record.data, context);
    const mapped = mapper.map(record.data);
    if (mapped.kind === 'rejected') {
      const outcome: RecordOutcome = { kind: 'rejected', rejection: mapped.rejection };
      await forward(context, outcome);
      return outcome;
    }
    if (parts.dryRun) {
      parts.log('INFO', describeDryRun(context.stream, context.position, mapped));
      const outcome: RecordOutcome = { kind: 'written', effect: 'would_send' };
      await forward(context, outcome, mapped);
      return outcome;
    }
    let result: { outcome: StripeOutcome; sent: MappedRequest['request'] };
    try {
      result = await scheduler.run(mapped.objectKey, () => execute(mapped));
    } catch (error) {
      if (error instanceof SchedulerAbortedError) throw new ConnectorError({ failureType: 'transient_error', message: 'The sync was stopped before this record was sent.' });
      throw error;
    }
    const { outcome: stripe, sent } = result;
    const outcome: RecordOutcome =
      stripe.kind === 'success'
        ? { kind: 'written', effect: effectOf(mapped, sent), id: idOf(stripe.body), status: stripe.status, requestId: stripe.requestId, retries: stripe.attempts - 1, replayed: stripe.replayed }
        : { kind: 'rejected', rejection: { ...stripe.rejection, status: stripe.rejection.status ?? stripe.status }, retries: Math.max(0, stripe.attempts - 1) };
    await forward(context, outcome, mapped, stripe, sent);
    return outcome;
  }

  return {
    write,
    async close() {
      await scheduler.idle();
      await parts.forwarder?.close();
      await parts.onClose?.();
    },
    abort() {
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
      return 'created';
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

function idOf(body: unknown): string | undefined {
  const id = body && typeof body === 'object' ? (body as { id?: unknown }).id : undefined;
  return typeof id === 'string' ? id : undefined;
}
