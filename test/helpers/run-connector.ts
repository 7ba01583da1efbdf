// Drives runConnector in-process with a chosen sink, capturing stdout and stderr.
import { runConnector, type ConnectorDeps } from '../../src/run.js';
import type { Sink } from '../../src/pipeline/sink.js';
import { collector, linesInput } from './streams.js';
import { parseLines } from './protocol-schema.js';

export interface InProcessResult {
  code: number;
  stdout: string;
  stderr: string;
  messages: Array<Record<string, any>>;
}

export async function runInProcess(options: {
  argv: string[];
  input?: Array<string | object> | AsyncIterable<Buffer | string>;
  sink?: Sink;
  deps?: Partial<ConnectorDeps>;
  signal?: AbortSignal;
  graceMs?: number;
  maxInFlight?: number;
}): Promise<InProcessResult> {
  const stdout = collector();
  const stderr = collector();
  const input = Array.isArray(options.input) ? linesInput(options.input) : (options.input ?? linesInput([]));
  const code = await runConnector({
    argv: options.argv,
    stdin: input,
    stdout: stdout.stream,
    stderr: stderr.stream,
    signal: options.signal,
    graceMs: options.graceMs,
    maxInFlight: options.maxInFlight,
    deps: {
      createSink: () => {
        if (!options.sink) throw new Error('no sink given');
        return options.sink;
      },
      verify: async () => 'ok',
      buildCatalog: () => ({ operations: [] }),
      ...options.deps,
    },
  });
  return { code, stdout: stdout.text(), stderr: stderr.text(), messages: parseLines(stdout.text()) };
}

/** A sink that settles each record after a delay chosen per record, rejecting those `reject` picks. */
export function testSink(options: { delayMs?: (data: Record<string, unknown>) => number; reject?: (data: Record<string, unknown>) => boolean; fail?: (data: Record<string, unknown>) => Error | undefined } = {}): Sink & { seen: Array<Record<string, unknown>>; closed: boolean; maxConcurrent: number } {
  let active = 0;
  const sink = {
    seen: [] as Array<Record<string, unknown>>,
    closed: false,
    maxConcurrent: 0,
    async write(record: { data: Record<string, unknown> }) {
      active++;
      sink.maxConcurrent = Math.max(sink.maxConcurrent, active);
      sink.seen.push(record.data);
      const delay = options.delayMs?.(record.data) ?? 0;
      if (delay) await new Promise((r) => setTimeout(r, delay));
      active--;
      const error = options.fail?.(record.data);
      if (error) throw error;
      if (options.reject?.(record.data)) return { kind: 'rejected' as const, rejection: { code: 'parameter_unknown', param: 'nickname', reason: 'Received unknown parameter: nickname', status: 400, requestId: 'req_test123' } };
      return { kind: 'written' as const, id: 'cus_x' };
    },
    async close() {
      sink.closed = true;
    },
  };
  return sink;
}
