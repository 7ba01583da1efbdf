// The only writer of stdout: one protocol message per line, logs and traces redacted, backpressure respected.
import type { Writable } from 'node:stream';
import type { AirbyteMessage } from '../generated/protocol.js';
import { logMessage, traceErrorMessage, type LogLevel } from './messages.js';
import type { ConnectorError } from './errors.js';

export interface Emitter {
  emit(message: AirbyteMessage): void;
  log(level: LogLevel, text: string): void;
  traceError(error: ConnectorError): void;
  /** Resolves once everything written so far has been handed to the OS. */
  drain(): Promise<void>;
  /** True while the output buffer is over its high-water mark: callers that produce a lot should await drain(). */
  readonly congested: boolean;
}

/** Takes secrets out of a text before it is written (config/redact.ts builds one from the config). */
export type Redactor = (text: string) => string;

export function createEmitter(output: Writable, redact: Redactor): Emitter {
  let congested = false;
  const write = (line: string): void => {
    if (!output.write(line + '\n')) congested = true;
  };
  return {
    emit(message) {
      // LOG and TRACE texts pass through the redactor; STATE and other messages are echoed as they are.
      write(message.type === 'LOG' || message.type === 'TRACE' ? redact(JSON.stringify(message)) : JSON.stringify(message));
    },
    log(level, text) {
      write(JSON.stringify(logMessage(level, redact(text))));
    },
    traceError(error) {
      write(JSON.stringify(traceErrorMessage(error, redact)));
    },
    drain() {
      if (!congested || output.writableLength === 0) {
        congested = false;
        return Promise.resolve();
      }
      return new Promise((resolve) => output.once('drain', () => ((congested = false), resolve())));
    },
    get congested() {
      return congested;
    },
  };
}
