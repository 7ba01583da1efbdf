// The connector as a function of argv and streams: what main.ts runs and what tests drive in-process.
import type { Readable, Writable } from 'node:stream';
import { createRedactor, type Redactor } from './config/redact.js';
import { createEmitter } from './protocol/emitter.js';
import { toConnectorError } from './protocol/errors.js';
import { parseCommand, UsageError, USAGE } from './cli.js';
import type { CredentialCheck } from './commands/check.js';
import type { CatalogBuilder } from './commands/discover.js';
import type { SinkFactory } from './commands/write.js';

export interface ConnectorDeps {
  createSink: SinkFactory;
  verify: CredentialCheck;
  buildCatalog: CatalogBuilder;
}

export interface RunOptions {
  argv: string[];
  stdin: Readable | AsyncIterable<Buffer | string>;
  stdout: Writable;
  stderr: Writable;
  deps: ConnectorDeps;
  /** Shutdown request for write; abort it with the signal's name ('SIGINT' exits 130, anything else 143). */
  signal?: AbortSignal;
  graceMs?: number;
  maxInFlight?: number;
}

/** Runs one command; resolves to the exit code. Never throws. Command modules load on demand (fast `spec`). */
export async function runConnector(options: RunOptions): Promise<number> {
  let redact: Redactor = createRedactor();
  const emitter = createEmitter(options.stdout, (s) => redact(s));
  const onConfig = (config: unknown): void => {
    redact = createRedactor(config);
  };
  let command;
  try {
    command = parseCommand(options.argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    options.stderr.write(`destination-stripe: ${error.message}\n${USAGE}\n`);
    return 2;
  }
  try {
    switch (command.name) {
      case 'spec':
        return (await import('./commands/spec.js')).runSpec(emitter);
      case 'check':
        return await (await import('./commands/check.js')).runCheck({ configPath: command.config, emitter, verify: options.deps.verify, onConfig });
      case 'discover':
        return await (await import('./commands/discover.js')).runDiscover({ configPath: command.config, emitter, build: options.deps.buildCatalog, onConfig });
      case 'write': {
        const { runWriteCommand } = await import('./commands/write.js');
        const summary = await runWriteCommand({
          configPath: command.config,
          catalogPath: command.catalog,
          input: options.stdin,
          emitter,
          createSink: options.deps.createSink,
          signal: options.signal,
          onConfig,
          graceMs: options.graceMs,
          maxInFlight: options.maxInFlight,
        });
        if (summary.failure) {
          emitter.traceError(summary.failure);
          await emitter.drain();
          return 1;
        }
        return summary.interrupted ? interruptedExitCode(options.signal) : 0;
      }
    }
  } catch (error) {
    emitter.traceError(toConnectorError(error));
    await emitter.drain();
    return 1;
  }
}

/** 128 + the signal's number, as shells report a process a signal stopped: 130 for SIGINT, 143 for SIGTERM. */
export function interruptedExitCode(signal: AbortSignal | undefined): number {
  return signal?.reason === 'SIGINT' ? 130 : 143;
}
