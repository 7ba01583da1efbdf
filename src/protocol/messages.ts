// Builders for the protocol messages the connector prints.
import type { AirbyteMessage, AirbyteLogMessage, ConnectorSpecification, DestinationCatalog } from '../generated/protocol.js';
import type { ConnectorError } from './errors.js';

export type LogLevel = AirbyteLogMessage['level'];

export const logMessage = (level: LogLevel, message: string): AirbyteMessage => ({ type: 'LOG', log: { level, message } });

export const specMessage = (spec: ConnectorSpecification): AirbyteMessage => ({ type: 'SPEC', spec });

export const connectionStatusMessage = (status: 'SUCCEEDED' | 'FAILED', message?: string): AirbyteMessage => ({
  type: 'CONNECTION_STATUS',
  connectionStatus: message === undefined ? { status } : { status, message },
});

export const destinationCatalogMessage = (catalog: DestinationCatalog): AirbyteMessage => ({ type: 'DESTINATION_CATALOG', destination_catalog: catalog });

/** A TRACE error; the caller's redactor runs over both messages. */
export function traceErrorMessage(error: ConnectorError, redact: (s: string) => string, now = Date.now()): AirbyteMessage {
  return {
    type: 'TRACE',
    trace: {
      type: 'ERROR',
      emitted_at: now,
      error: { message: redact(error.message), internal_message: redact(error.internalMessage), failure_type: error.failureType },
    },
  };
}
