// Meter events through Stripe's v2 stream: record → event, batched up to 100 per request under a renewed session.
import type { Send } from '../mapping/types.js';
import { toMeterEvent } from '../mapping/meter-event.js';
import { createMeterSession } from '../stripe/meter-session.js';
import { createMeterEventBatcher } from './meter-event-batcher.js';
import type { RecordContext, RecordOutcome } from './sink.js';

export interface MeterEventWriter {
  write(data: Record<string, unknown>, context: RecordContext): Promise<RecordOutcome>;
  close(): Promise<void>;
}

export function createMeterEventWriter(options: { send: Send }): MeterEventWriter {
  const session = createMeterSession({ send: options.send });
  const batcher = createMeterEventBatcher({ send: options.send, session });
  return {
    async write(data, context) {
      const mapped = toMeterEvent(data, { stream: context.stream });
      if (!mapped.ok) return { kind: 'rejected', rejection: mapped.rejection };
      return batcher.submit(mapped.event);
    },
    close: () => batcher.close(),
  };
}
