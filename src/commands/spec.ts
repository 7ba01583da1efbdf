// `spec`: prints the connector specification.
import type { ConnectorSpecification } from '../generated/protocol.js';
import { connectionSpecification } from '../config/spec.js';
import { specMessage } from '../protocol/messages.js';
import type { Emitter } from '../protocol/emitter.js';

export const DOCUMENTATION_URL = 'https://docs.airbyte.com/integrations/destinations/stripe';
export const PROTOCOL_VERSION = '0.2.0';

export function connectorSpecification(): ConnectorSpecification {
  return {
    documentationUrl: DOCUMENTATION_URL,
    connectionSpecification,
    supportsIncremental: true,
    supported_destination_sync_modes: ['append', 'append_dedup', 'update', 'soft_delete'],
    protocol_version: PROTOCOL_VERSION,
  };
}

/** The SPEC message as the line `runSpec` emits (no redaction applies to SPEC messages). */
export function specLine(): string {
  return JSON.stringify(specMessage(connectorSpecification()));
}

export function runSpec(emitter: Emitter): number {
  emitter.emit(specMessage(connectorSpecification()));
  return 0;
}
