import { describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { readFileSync, writeFileSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { packageRoot } from '../../src/paths.js';
import { ConnectorError } from '../../src/protocol/errors.js';
import { runInProcess, testSink } from '../helpers/run-connector.js';
import { assertProtocolLines } from '../helpers/protocol-schema.js';
import { primaryKeyHash } from '../../src/pipeline/rejections.js';

const it_dir = join(packageRoot, 'integration_tests');
const configPath = join(it_dir, 'sample_config.json');
const catalogPath = join(it_dir, 'configured_catalog.json');
const argv = ['write', '--config', configPath, '--catalog', catalogPath];
const record = (i: number, stream = 'customers') => ({ type: 'RECORD', record: { stream, data: { crm_id: `c${i}`, i }, emitted_at: 1 } });
const state = (cursor: number, extra: Record<string, unknown> = {}) => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'customers' }, stream_state: { cursor } }, ...extra } });

function tempConfig(patch: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'dst-stripe-'));
  const path = join(dir, 'config.json');
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(configPath, 'utf8')), ...patch }));
  return path;
}

describe('write pipeline (through runConnector)', () => {
  it('writes integration_tests/messages.jsonl and returns every state with counts', async () => {
    const sink = testSink({ reject: (d) => 'nickname' in d });
    const input = readFileSync(join(it_dir, 'messages.jsonl'), 'utf8').split('\n').filter(Boolean);
    const result = await runInProcess({ argv, input, sink });
    expect(result.code).toBe(0);
    assertProtocolLines(result.stdout);
    const states = result.messages.filter((m) => m.type === 'STATE');
    const sent = input.map((l) => JSON.parse(l)).filter((m) => m.type === 'STATE');
    expect(states).toHaveLength(sent.length);
    states.forEach((s, i) => {
      const { destinationStats, ...rest } = s.state;
      expect(rest).toEqual(sent[i].state);
      expect(destinationStats.recordCount).toBe(i < 2 ? 3 : 1);
    });
    expect(states[2]!.state.destinationStats.rejectedRecordCount).toBe(1);
    expect(sink.closed).toBe(true);
    const warn = result.messages.find((m) => m.type === 'LOG' && m.log.level === 'WARN');
    // The primary key by its field names and a short hash of its values, never the values themselves.
    expect(warn?.log.message).toContain(`Rejected record #7 of stream "customers" (line 9, primary key metadata.crm_id #${primaryKeyHash(['crm-007'])}): parameter_unknown on nickname`);
    expect(warn?.log.message).not.toContain('crm-007');
    expect(warn?.log.message.match(/Request-Id req_test123/g)).toHaveLength(1);
    expect(result.stdout).not.toContain('user7@example.com');
  });

  it('states settle in order when records finish out of order', async () => {
    const sink = testSink({ delayMs: (d) => (d.i === 1 ? 50 : 0) });
    const result = await runInProcess({ argv, input: [record(1), state(1), record(2), state(2), record(3), state(3)], sink });
    expect(result.code).toBe(0);
    expect(result.messages.filter((m) => m.type === 'STATE').map((m) => [m.state.stream.stream_state.cursor, m.state.destinationStats.recordCount])).toEqual([[1, 1], [2, 1], [3, 1]]);
    expect(sink.maxConcurrent).toBeGreaterThan(1);
  });

  it('skips unknown streams and message types with one log line each', async () => {
    const sink = testSink();
    const result = await runInProcess({ argv: ['write', '--config', tempConfig({ unknown_streams: 'skip' }), '--catalog', catalogPath], input: [record(1, 'ghosts'), record(2, 'ghosts'), { type: 'CONTROL' }, { type: 'CONTROL' }, record(3), state(1)], sink });
    expect(result.code).toBe(0);
    const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
    const warnings = result.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);
    expect(warnings.filter((l) => l.includes('"ghosts"'))).toHaveLength(1);
    expect(logs).toContain('Stream "ghosts" is not in the configured catalog: 2 records not written.');
    expect(logs.filter((l) => l.includes('Ignoring CONTROL'))).toHaveLength(1);
    expect(sink.seen).toHaveLength(1);
    expect(result.messages.find((m) => m.type === 'STATE')!.state.destinationStats.recordCount).toBe(1);
  });

  it('rejects an unreadable line by number, counts it and keeps going under skip', async () => {
    const sink = testSink();
    const result = await runInProcess({ argv, input: [record(1), '{"type": "RECORD", "record": {"email": "secret@x.io"', record(2), state(1)], sink });
    expect(result.code).toBe(0);
    expect(result.stdout).not.toContain('secret@x.io');
    expect(result.messages.some((m) => m.type === 'LOG' && m.log.message.includes('line 2 is not valid JSON'))).toBe(true);
    const st = result.messages.find((m) => m.type === 'STATE')!.state;
    expect(st.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 0 });
  });

  it('fail policy stops with a TRACE error naming the first refused record', async () => {
    const sink = testSink({ reject: (d) => d.i === 2 });
    const result = await runInProcess({ argv: ['write', '--config', tempConfig({ on_record_error: 'fail' }), '--catalog', catalogPath], input: [record(1), state(1), record(2), state(2), record(3)], sink });
    expect(result.code).toBe(1);
    assertProtocolLines(result.stdout);
    const trace = result.messages.find((m) => m.type === 'TRACE')!;
    expect(trace.trace.error.failure_type).toBe('config_error');
    expect(trace.trace.error.message).toContain('Rejected record #2');
    expect(result.messages.filter((m) => m.type === 'STATE')).toHaveLength(1);
  });

  it('a sink failure fails the sync with its failure type, after releasing settled states', async () => {
    const sink = testSink({ fail: (d) => (d.i === 3 ? new ConnectorError({ failureType: 'transient_error', message: 'Stripe kept answering 500' }) : undefined), delayMs: (d) => (d.i === 3 ? 10 : 0) });
    const result = await runInProcess({ argv, input: [record(1), state(1), record(2), state(2), record(3), state(3), record(4)], sink });
    expect(result.code).toBe(1);
    const states = result.messages.filter((m) => m.type === 'STATE');
    expect(states.map((s) => s.state.stream.stream_state.cursor)).toEqual([1, 2]);
    expect(result.messages.at(-1)).toMatchObject({ type: 'TRACE', trace: { error: { failure_type: 'transient_error', message: 'Stripe kept answering 500' } } });
  });

  it('pauses reading when the in-flight bound is reached', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    let read = 0;
    async function* input() {
      for (let i = 0; i < 1000; i++) {
        read++;
        yield JSON.stringify(record(i)) + '\n';
      }
    }
    const sink = testSink();
    const write = sink.write.bind(sink);
    sink.write = async (r, c) => {
      await gate;
      return write(r, c);
    };
    const run = runInProcess({ argv, input: input(), sink, maxInFlight: 10 });
    await new Promise((r) => setTimeout(r, 50));
    expect(read).toBeLessThanOrEqual(12);
    release();
    const result = await run;
    expect(result.code).toBe(0);
    expect(read).toBe(1000);
  });

  it('a shutdown signal stops reading and releases only settled states', async () => {
    const controller = new AbortController();
    const sink = testSink({ delayMs: (d) => ((d.i as number) >= 3 ? 5000 : 0) });
    async function* input() {
      yield [record(1), state(1), record(2), state(2), record(3), state(3)].map((m) => JSON.stringify(m) + '\n').join('');
      setTimeout(() => controller.abort(), 30);
      await new Promise((r) => setTimeout(r, 200));
      yield JSON.stringify(record(4)) + '\n';
    }
    const result = await runInProcess({ argv, input: input(), sink, signal: controller.signal, graceMs: 100 });
    expect(result.code).toBe(143);
    expect(result.messages.filter((m) => m.type === 'STATE').map((s) => s.state.stream.stream_state.cursor)).toEqual([1, 2]);
    expect(sink.seen.map((d) => d.i)).toEqual([1, 2, 3]);
  });

  it('records the sink refuses after a shutdown signal end the sync as interrupted (143), not failed', async () => {
    const controller = new AbortController();
    let abortSink: () => void = () => undefined;
    const aborted = new Promise<never>((_, reject) => (abortSink = () => reject(new ConnectorError({ failureType: 'transient_error', message: 'The sync was stopped before this record was sent.' }))));
    aborted.catch(() => undefined);
    const sink = { ...testSink(), write: async (r: { data: Record<string, unknown> }) => ((r.data.i as number) >= 3 ? aborted : { kind: 'written' as const }), abort: () => abortSink() };
    async function* input() {
      yield [record(1), state(1), record(2), state(2), record(3), state(3)].map((m) => JSON.stringify(m) + '\n').join('');
      setTimeout(() => controller.abort(), 30);
      await new Promise((r) => setTimeout(r, 200));
    }
    const result = await runInProcess({ argv, input: input(), sink, signal: controller.signal, graceMs: 100 });
    expect(result.code).toBe(143);
    expect(result.messages.filter((m) => m.type === 'TRACE')).toEqual([]);
    expect(result.messages.filter((m) => m.type === 'STATE').map((s) => s.state.stream.stream_state.cursor)).toEqual([1, 2]);
  });

  it('a shutdown signal after the input ended, with records still in flight, is an interruption (143)', async () => {
    const controller = new AbortController();
    // The signal comes once record 3 is in the sink (not after a fixed time, which a slow start could outrun).
    const sink = testSink({ delayMs: (d) => ((d.i as number) >= 3 ? (setTimeout(() => controller.abort(), 10), 300) : 0) });
    const result = await runInProcess({ argv, input: [record(1), state(1), record(2), state(2), record(3), state(3)], sink, signal: controller.signal, graceMs: 1000 });
    expect(result.code).toBe(143);
    expect(result.messages.filter((m) => m.type === 'TRACE')).toEqual([]);
    expect(result.messages.some((m) => m.type === 'LOG' && m.log.message.startsWith('Stopped by a shutdown signal'))).toBe(true);
  });

  it('a missing catalog file is a config_error trace', async () => {
    const result = await runInProcess({ argv: ['write', '--config', configPath, '--catalog', '/nonexistent/catalog.json'], input: [], sink: testSink() });
    expect(result.code).toBe(1);
    expect(result.messages[0]).toMatchObject({ type: 'TRACE', trace: { error: { failure_type: 'config_error' } } });
    expect(result.messages[0]!.trace.error.message).toContain('Cannot read the catalog file');
  });

  it('an unknown source sync_mode in the catalog is a config_error naming the field', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dst-stripe-'));
    const bad = join(dir, 'catalog.json');
    writeFileSync(bad, JSON.stringify({ streams: [{ stream: { name: 'customers', json_schema: {} }, sync_mode: 'sideways', destination_sync_mode: 'append' }] }));
    const result = await runInProcess({ argv: ['write', '--config', configPath, '--catalog', bad], input: [], sink: testSink() });
    expect(result.code).toBe(1);
    expect(result.messages[0]!.trace.error.message).toContain('catalog streams[0].sync_mode must be one of full_refresh, incremental');
  });

  it('a record nested deeper than the limit is rejected by line before reaching the sink', async () => {
    const deep = `${'{"next":'.repeat(10_000)}1${'}'.repeat(10_000)}`;
    const sink = testSink();
    const result = await runInProcess({ argv, input: [`{"type":"RECORD","record":{"stream":"customers","emitted_at":1,"data":${deep}}}\n`, record(2), state(1)], sink });
    expect(result.code).toBe(0);
    expect(sink.seen.map((d) => d.i)).toEqual([2]);
    const warn = result.messages.find((m) => m.type === 'LOG' && m.log.level === 'WARN')!;
    expect(warn.log.message).toContain('(line 1)');
    expect(warn.log.message).toContain('nested more than 64 levels');
    expect(result.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 1 });
  });

  it('an unknown sync mode in the catalog is a config_error naming the stream', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dst-stripe-'));
    const bad = join(dir, 'catalog.json');
    writeFileSync(bad, JSON.stringify({ streams: [{ stream: { name: 'customers', json_schema: {} }, sync_mode: 'full_refresh', destination_sync_mode: 'merge' }] }));
    const result = await runInProcess({ argv: ['write', '--config', configPath, '--catalog', bad], input: [], sink: testSink() });
    expect(result.code).toBe(1);
    expect(result.messages[0]!.trace.error.message).toContain('catalog streams[0].destination_sync_mode must be one of');
  });

  it('empty stdin is a clean, empty sync', async () => {
    const result = await runInProcess({ argv, input: [], sink: testSink() });
    expect(result.code).toBe(0);
    expect(result.messages.filter((m) => m.type !== 'LOG')).toEqual([]);
  });
});

describe('shutdown after the input has ended', () => {
  it('a signal while the last records are in flight still bounds the wait by the grace period', async () => {
    const controller = new AbortController();
    // The signal comes once record 2 is in the sink, after record 1 settled (not after a fixed time).
    const sink = testSink({ delayMs: (d) => ((d.i as number) === 2 ? (setTimeout(() => controller.abort(), 10), 60_000) : 0) });
    // Without the bound this would wait for the 60 s record and hit the test's timeout.
    const result = await runInProcess({ argv, input: [record(1), state(1), record(2), state(2)], sink, signal: controller.signal, graceMs: 100 });
    expect(result.code).toBe(143);
    expect(result.messages.filter((m) => m.type === 'STATE').map((s) => s.state.stream.stream_state.cursor)).toEqual([1]);
  });
});
