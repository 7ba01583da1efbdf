// Shutdown in-process: a signal while the input stays open, and the exit code per signal.
import { describe, expect, it } from 'vitest';
import { runInProcess, testSink } from '../helpers/run-connector.js';
import { tempJson } from '../helpers/cli.js';
import { catalogOf, recordLine, stateLine } from '../helpers/write-run.js';

const configPath = tempJson('config.json', { api_key: 'sk_test_shutdown', configuration: { mode: 'template', resource_type: 'customers', operation: 'create' } });
const catalogPath = tempJson('catalog.json', catalogOf([{ name: 'customers' }]));
const argv = ['write', '--config', configPath, '--catalog', catalogPath];
const line = (m: object): string => JSON.stringify(m) + '\n';

/** Yields the given lines, then never ends: an stdin the platform keeps open. */
async function* openInput(lines: object[]): AsyncGenerator<string> {
  yield lines.map(line).join('');
  await new Promise(() => undefined);
}

describe('shutdown while stdin stays open', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGINT', 130]] as const) {
    it(`${signal}: stops reading, releases settled states, exits ${code}`, async () => {
      const controller = new AbortController();
      const sink = testSink();
      const run = runInProcess({ argv, input: openInput([recordLine('customers', { i: 1 }), stateLine('customers', 1), recordLine('customers', { i: 2 }), stateLine('customers', 2)]), sink, signal: controller.signal, graceMs: 60_000 });
      // Abort once both records were handed to the sink: the reader is then waiting on the open input.
      while (sink.seen.length < 2) await new Promise((r) => setTimeout(r, 1));
      controller.abort(signal);
      const result = await run;
      expect(result.code).toBe(code);
      expect(result.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.cursor)).toEqual([1, 2]);
    });
  }

  it('a record still in flight when the grace period ends holds its state back', async () => {
    const controller = new AbortController();
    let release: () => void = () => undefined;
    const stuck = new Promise<void>((r) => (release = r));
    const sink = testSink();
    const write = sink.write.bind(sink);
    sink.write = async (r, c) => {
      if ((r.data as { i: number }).i === 2) await stuck;
      return write(r, c);
    };
    const run = runInProcess({ argv, input: openInput([recordLine('customers', { i: 1 }), stateLine('customers', 1), recordLine('customers', { i: 2 }), stateLine('customers', 2)]), sink, signal: controller.signal, graceMs: 1 });
    while (sink.seen.length < 1) await new Promise((r) => setTimeout(r, 1));
    controller.abort('SIGTERM');
    const result = await run;
    release();
    expect(result.code).toBe(143);
    expect(result.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.cursor)).toEqual([1]);
  });
});
