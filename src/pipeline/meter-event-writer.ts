// Meter events through Stripe's v2 stream: events batched up to 100 per request under a session renewed in time.
import type { Send } from '../core/stripe-request.js';
import type { MeterEvent } from '../mapping/meter-event.js';
import { createMeterSession } from '../stripe/meter-session.js';
import { createMeterEventBatcher } from './meter-event-batcher.js';
import type { OutcomeCallback, RecordOutcome } from './sink.js';

export interface MeterEventWriter {
  write(event: MeterEvent): Promise<RecordOutcome>;
  /** `write` with a callback instead of a promise (see Sink.submit). */
  submit(event: MeterEvent, done: OutcomeCallback): void;
  close(): Promise<void>;
}

/**
 * `send` carries the session requests (API host, the account's global rate limit); `sendBatch` the stream
 * batches, paced on their own: the meter event stream has its own, much higher limit (10,000 requests/s live).
 */
export function createMeterEventWriter(options: { send: Send; sendBatch: Send }): MeterEventWriter {
  const session = createMeterSession({ send: options.send });
  const batcher = createMeterEventBatcher({ send: options.sendBatch, session });
  return {
    write: (event) => batcher.submit(event),
    submit: (event, done) => batcher.submitWith(event, done),
    close: () => batcher.close(),
  };
}
