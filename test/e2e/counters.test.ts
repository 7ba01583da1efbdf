// One set of counters: on every path (success, re-run, on_record_error fail, SIGTERM, webhook failure,
// dry run) the final progress line, the end-of-sync summary, destinationStats and the webhook documents agree.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { defaultDeps } from '../../src/deps.js';
import { tempJson } from '../helpers/cli.js';
import { runInProcess, type InProcessResult } from '../helpers/run-connector.js';
import { catalogOf, recordLine, stateLine, TEST_KEY } from '../helpers/write-run.js';

interface Receiver {
  url: string;
  docs: Array<Record<string, any>>; // eslint-disable-line @typescript-eslint/no-explicit-any
  status: number;
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const receiver = { docs: [], status: 200 } as unknown as Receiver;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      if (receiver.status === 200) {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        receiver.docs.push(...(Array.isArray(body) ? body : [body]));
      }
      res.writeHead(receiver.status).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  receiver.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hook`;
  receiver.close = () => new Promise<void>((resolve) => {
    server.close(() => resolve());
    server.closeAllConnections();
  });
  return receiver;
}

const COUNT = /(\d[\d,]*) (created|updated|deleted|unchanged|sent|replayed|would send|rejected|not sent|retried|throttled \(429\))(?=[,;.]|$)/g;

/** `{ created: 4, rejected: 2, retried: 1, ... }` from a progress or summary line. */
function countsIn(line: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [, n, word] of line.matchAll(COUNT)) out[word!] = Number(n!.replaceAll(',', ''));
  return out;
}

interface Views {
  progress: Record<string, number>;
  summary: Record<string, number>;
  /** The record categories alone (no retried, throttled). */
  records: Record<string, number>;
  docs: Record<string, number>;
  destinationStats: { recordCount: number; rejectedRecordCount: number };
}

function views(result: InProcessResult, receiver?: Receiver): Views {
  const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => m.log.message as string);
  const progressLines = logs.filter((l) => l.startsWith('progress (done): '));
  const summaryLines = logs.filter((l) => l.startsWith('Sync summary: '));
  expect(progressLines, logs.join('\n')).toHaveLength(1);
  expect(summaryLines, logs.join('\n')).toHaveLength(1);
  const progress = countsIn(progressLines[0]!);
  const summary = countsIn(summaryLines[0]!);
  const { retried: _r, 'throttled (429)': _t, ...records } = summary;
  const docs: Record<string, number> = {};
  for (const d of receiver?.docs ?? []) {
    const word = String(d.outcome).replace('_', ' ');
    docs[word] = (docs[word] ?? 0) + 1;
  }
  const destinationStats = { recordCount: 0, rejectedRecordCount: 0 };
  for (const m of result.messages.filter((x) => x.type === 'STATE')) {
    destinationStats.recordCount += m.state.destinationStats.recordCount;
    destinationStats.rejectedRecordCount += m.state.destinationStats.rejectedRecordCount;
  }
  return { progress, summary, records, docs, destinationStats };
}

/** The progress line and the summary say the same; the webhook saw one document per settled record. */
function expectAgreement(v: Views, withDocs: boolean): void {
  expect(v.progress).toEqual(v.summary);
  if (withDocs) {
    const { 'not sent': _n, ...settled } = v.records;
    expect(v.docs).toEqual(settled);
  }
}

let emulator: Emulator;
let receiver: Receiver;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  receiver = await startReceiver();
});
afterAll(async () => {
  await receiver?.close();
  await emulator?.stop();
});
beforeEach(() => {
  emulator.reset();
  receiver.docs = [];
  receiver.status = 200;
});

const good = (i: number) => recordLine('crm', { email: `p${i}@example.com`, metadata: { crm_id: `crm-${i}` } });
// `nickname` is not a customer field: refused by validation before any request.
const bad = (i: number) => recordLine('crm', { email: `p${i}@example.com`, nickname: 'x', metadata: { crm_id: `crm-${i}` } });

async function write(config: Record<string, unknown>, input: Parameters<typeof runInProcess>[0]['input'], extra: { signal?: AbortSignal; graceMs?: number } = {}): Promise<InProcessResult> {
  const configPath = tempJson('config.json', {
    api_key: TEST_KEY,
    api_base_url: emulator.url,
    requests_per_second: 2000,
    configuration: { mode: 'template', resource_type: 'customers' },
    response_webhook: { url: receiver.url, max_attempts: 1 },
    ...config,
  });
  const catalogPath = tempJson('catalog.json', catalogOf([{ name: 'crm', primary_key: [['metadata', 'crm_id']] }]));
  return runInProcess({ argv: ['write', '--config', configPath, '--catalog', catalogPath], input, deps: defaultDeps(), signal: extra.signal, graceMs: extra.graceMs });
}

const mixed = [good(0), good(1), bad(2), stateLine('crm', 1), good(3), bad(4), good(5), stateLine('crm', 2)];

describe('counters agree', () => {
  it('success: created and rejected; retries counted when they happen', async () => {
    emulator.setFaults({ schedule: ['429', '429'] });
    const r = await write({}, mixed);
    expect(r.code, r.stdout).toBe(0);
    const v = views(r, receiver);
    expect(v.summary).toEqual({ created: 4, rejected: 2, retried: 2, 'throttled (429)': 2 });
    expectAgreement(v, true);
    expect(v.destinationStats).toEqual({ recordCount: 6, rejectedRecordCount: 2 });
    expect(emulator.requestLog().filter((q) => q.status === 429)).toHaveLength(2);
  });

  it('a re-run: what Stripe answered from its idempotency store counts as replayed, not created', async () => {
    await write({}, mixed);
    receiver.docs = [];
    const r = await write({}, mixed);
    const v = views(r, receiver);
    expect(v.records).toEqual({ replayed: 4, rejected: 2 });
    expectAgreement(v, true);
    expect(emulator.count('customers')).toBe(4);
  });

  it('on_record_error fail: the records that settled before the stop are counted everywhere', async () => {
    const r = await write({ on_record_error: 'fail' }, [good(0), good(1), stateLine('crm', 1), bad(2), good(3), stateLine('crm', 2)]);
    expect(r.code).toBe(1);
    const v = views(r, receiver);
    expect(v.records.rejected).toBe(1);
    expect((v.records.created ?? 0) + (v.records['not sent'] ?? 0)).toBe(3);
    expectAgreement(v, true);
    expect(v.records.created).toBe(emulator.count('customers'));
  });

  it('SIGTERM: records read but never answered are "not sent", and every view agrees', async () => {
    const controller = new AbortController();
    const line = (m: object): string => JSON.stringify(m) + '\n';
    // Two records are answered; then Stripe answers nothing within the grace period. The input stays
    // open, as a platform's does while it cancels.
    async function* open(): AsyncGenerator<string> {
      yield [good(0), good(1), stateLine('crm', 1)].map(line).join('');
      while (receiver.docs.length < 2) await new Promise((r) => setTimeout(r, 5));
      emulator.setFaults({ rate: 1, kinds: ['latency'], latencyFaultMs: 60_000, seed: 7 });
      yield [...Array.from({ length: 38 }, (_, i) => good(i + 2)), stateLine('crm', 2)].map(line).join('');
      controller.abort('SIGTERM');
      await new Promise(() => undefined);
    }
    const r = await write({ max_concurrency: 2 }, open(), { signal: controller.signal, graceMs: 200 });
    expect(r.code).toBe(143);
    const v = views(r, receiver);
    expect(v.records).toEqual({ created: 2, 'not sent': 38 });
    expectAgreement(v, true);
    expect(v.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 0 });
  });

  it('webhook failure under skip: records still count as created; no document arrived', async () => {
    receiver.status = 500;
    const r = await write({}, mixed);
    expect(r.code).toBe(0);
    const v = views(r, receiver);
    expect(v.records).toEqual({ created: 4, rejected: 2 });
    expectAgreement(v, false);
    expect(v.docs).toEqual({});
  });

  it('webhook failure under fail: the written record counts as created and keeps its state back', async () => {
    receiver.status = 500;
    const r = await write({ on_record_error: 'fail' }, [good(0), stateLine('crm', 1)]);
    expect(r.code).toBe(1);
    const v = views(r, receiver);
    expect(v.records).toEqual({ created: 1 });
    expectAgreement(v, false);
    expect(r.messages.filter((m) => m.type === 'STATE')).toEqual([]);
  });

  it('dry run: "would send", with a document per record and nothing in Stripe', async () => {
    const r = await write({ dry_run: true }, mixed);
    expect(r.code).toBe(0);
    const v = views(r, receiver);
    expect(v.records).toEqual({ 'would send': 4, rejected: 2 });
    expectAgreement(v, true);
    expect(v.destinationStats).toEqual({ recordCount: 6, rejectedRecordCount: 2 });
    expect(emulator.count('customers')).toBe(0);
  });

  it('upserts count as created when the object was new, updated when it existed; deletes as deleted', async () => {
    const products = (name: string) => [1, 2].map((i) => recordLine('crm', { id: `prod_c${i}`, name: `${name} ${i}` }));
    const upsert = { configuration: { mode: 'template', resource_type: 'products', operation: 'upsert', matching_key: 'id' } };
    const first = views(await write(upsert, products('first')), receiver);
    expect(first.records).toEqual({ created: 2 });
    receiver.docs = [];
    const second = views(await write(upsert, [...products('second'), recordLine('crm', { id: 'prod_c3', name: 'third' })]), receiver);
    expect(second.records).toEqual({ created: 1, updated: 2 });
    expectAgreement(second, true);
    receiver.docs = [];
    const removed = views(await write({ configuration: { mode: 'template', resource_type: 'products', operation: 'delete', matching_key: 'id' } }, products('x')), receiver);
    expect(removed.records).toEqual({ deleted: 2 });
    expectAgreement(removed, true);
  });

  it('an upsert by an external key (bulk read, then update, create or nothing) counts what it did', async () => {
    const rows = (ids: string[], tag = '') => ids.map((id) => recordLine('crm', { crm_ref: id, email: `${id}${tag}@example.com` }));
    const upsert = { configuration: { mode: 'template', resource_type: 'customers', operation: 'upsert', matching_key: 'crm_ref' } };
    expect(views(await write(upsert, rows(['a', 'b'])), receiver).records).toEqual({ created: 2 });
    receiver.docs = [];
    const again = views(await write(upsert, rows(['a', 'c'], '2')), receiver);
    expect(again.records).toEqual({ created: 1, updated: 1 });
    expectAgreement(again, true);
    receiver.docs = [];
    const unchanged = views(await write(upsert, rows(['a', 'b', 'c'], '2')), receiver);
    expect(unchanged.records).toEqual({ unchanged: 2, updated: 1 });
    expectAgreement(unchanged, true);
  });
});
