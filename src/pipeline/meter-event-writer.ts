// Meter events through Stripe's v2 stream: events batched up to 100 per request under a session renewed in time.
import type { Send } from '../mapping/types.js';
import type { MeterEvent } from '../mapping/meter-event.js';
import { createMeterSession } from '../stripe/meter-session.js';
import { createMeterEventBatcher } from './meter-event-batcher.js';
import type { RecordOutcome } from './sink.js';

export interface MeterEventWriter {
  write(event: MeterEvent): Promise<RecordOutcome>;
  close(): Promise<void>;
}

export function createMeterEventWriter(options: { send: Send }): MeterEventWriter {
  const session = createMeterSession({ send: options.send });
  const batcher = createMeterEventBatcher({ send: options.send, session });
  return {
    write: (event) => batcher.submit(event),
    close: () => batcher.close(),
  };
}
