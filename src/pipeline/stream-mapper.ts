// What one stream's mapper is: record in, request or rejection out (see stream-mappers.ts, which builds them).
import type { MapResult } from '../core/mapped-request.js';
import type { MeterEventResult } from '../mapping/meter-event.js';
import type { ProviderOutcome, ResolveHooks } from './references.js';

/** Resolving references may read Stripe (the bulk read of the referenced resource) and wait for other records. */
export type MapHooks = ResolveHooks;

/** A mapped record; `onSettled`, when set, is told how the record settled (records that write referenced objects). */
export type StreamMapResult = MapResult & { onSettled?: (outcome: ProviderOutcome) => void };

export interface StreamMapper {
  /** Synchronous unless the stream resolves references or names connected accounts per record. */
  map: (data: Record<string, unknown>, hooks?: MapHooks) => StreamMapResult | Promise<StreamMapResult>;
  /** What the stream writes, for logs: e.g. `customers/upsert` or `POST /v1/customers/{message.id}`. */
  label: string;
  /** Set when the stream writes billing_meter_events through the v2 stream: record → event for the batcher. */
  toMeterEvent?: (data: Record<string, unknown>) => MeterEventResult;
  /** Lines for the end of the stream (template mode: values converted per field). */
  report?: () => string[];
}

