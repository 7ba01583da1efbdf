// Canary secrets pushed into every output path of `write`: LOG lines, rejection lines, TRACE errors, webhook
// documents, progress lines and stderr. Each path must show the mask where the canary would be, and no canary.
// Each redaction call is needed by at least one assertion here (see docs/testing.md for how that was checked).
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { MASK } from '../../src/config/redact.js';
import { defaultDeps } from '../../src/deps.js';
import { tempJson } from '../helpers/cli.js';
import { runInProcess, type InProcessResult } from '../helpers/run-connector.js';
import { catalogOf, recordLine, stateLine } from '../helpers/write-run.js';

// Every canary holds CANARY, so one substring check finds any of them, whole or cut.
const KEY = 'sk_test_CANARYkey1234567890';
const OTHER_KEY = 'sk_live_CANARYnotConfigured55';
const BEARER = 'CANARYbearer0987654321';
const RAW_HEADER = 'CANARYrawHeaderValue';

let emulator: Emulator;
let receiver: Server;
let hookUrl: string;
const documents: string[] = [];

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      documents.push(Buffer.concat(chunks).toString('utf8'));
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await emulator?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

async function write(patch: Record<string, unknown>, records: Array<Record<string, unknown>>): Promise<InProcessResult> {
  documents.length = 0;
  emulator.reset();
  const config = tempJson('config.json', {
    api_key: KEY,
    api_base_url: emulator.url,
    requests_per_second: 2000,
    configuration: { mode: 'template', resource_type: 'customers', operation: 'update' },
    response_webhook: { url: hookUrl, headers: { Authorization: `Bearer ${BEARER}`, 'X-Hook-Secret': RAW_HEADER }, forward: 'all', include_request_body: true },
    ...patch,
  });
  const catalog = tempJson('catalog.json', catalogOf([{ name: 'crm' }]));
  return runInProcess({ argv: ['write', '--config', config, '--catalog', catalog], input: [...records.map((r) => recordLine('crm', r)), stateLine('crm', 1)], deps: defaultDeps() });
}

const logs = (r: InProcessResult, match: (text: string) => boolean): string[] =>
  r.messages.filter((m) => m.type === 'LOG' && match(m.log.message as string)).map((m) => m.log.message as string);

function expectMasked(where: string, texts: string[]): void {
  expect(texts.length, `${where}: no line to check`).toBeGreaterThan(0);
  for (const text of texts) expect(text, where).not.toContain('CANARY');
  expect(texts.some((t) => t.includes(MASK)), `${where}: the canary never reached it, so the mask is not shown`).toBe(true);
}

// Records that carry each canary where Stripe or the connector echoes it: an unknown field named by the canary
// (a local rejection names the field), an id Stripe cannot find (Stripe's 404 message repeats the id), and a
// value sent in the request body (forwarded to the webhook with include_request_body).
const records = [
  { id: 'cus_missing1', [BEARER]: 1 },
  { id: 'cus_missing2', [RAW_HEADER]: 1 },
  { id: BEARER, description: RAW_HEADER },
  { id: KEY, description: OTHER_KEY },
  { id: OTHER_KEY, description: BEARER },
  // Glued to a word, the key escapes the key pattern (\b): only the configured-secret list masks it.
  { id: 'cus_missing3', description: `ref${KEY}` },
];

describe('canary secrets in every output path are masked', () => {
  it('rejection lines (LOG WARN), progress and summary lines (LOG INFO), webhook documents and stderr', async () => {
    const r = await write({}, records);
    expect(r.code, r.stdout).not.toBe(2);
    const rejections = logs(r, (t) => t.startsWith('Rejected record'));
    expect(rejections).toHaveLength(records.length);
    expectMasked('rejection lines', rejections);
    // Each canary's own mask: the field-name canaries (local rejection) and the id canaries (Stripe's 404 text).
    expect(rejections.filter((t) => t.includes(`unknown field "${MASK}"`))).toHaveLength(2);
    // Stripe's text quoting the id is cut to '…' in log lines (the full text goes only to the webhook, masked).
    expect(rejections.filter((t) => t.includes('resource_missing') && t.includes('…'))).toHaveLength(4);
    const progress = logs(r, (t) => t.startsWith('progress'));
    expect(progress.length).toBeGreaterThan(0);
    for (const line of progress) expect(line).not.toContain('CANARY');
    for (const line of logs(r, () => true)) expect(line).not.toContain('CANARY');
    expectMasked('webhook documents', documents);
    expect(documents).toHaveLength(records.length);
    expect(r.stdout).not.toContain('CANARY');
    expect(r.stderr).not.toContain('CANARY');
  });

  it.each([
    ['a field named by the bearer credential', { id: 'cus_missing', [BEARER]: 1 }, true],
    ['a field named by a raw header secret', { id: 'cus_missing', [RAW_HEADER]: 1 }, true],
    ['a field named like the API key', { id: 'cus_missing', [KEY]: 1 }, true],
    ['an id Stripe echoes: the bearer credential', { id: BEARER }, false],
    ['an id Stripe echoes: the API key', { id: KEY }, false],
    ['an id Stripe echoes: a key that is not configured', { id: OTHER_KEY }, false],
  ] as const)('TRACE error (on_record_error fail), message and internal message: %s', async (_name, record, reachesTrace) => {
    const r = await write({ on_record_error: 'fail' }, [record]);
    expect(r.code).toBe(1);
    const traces = r.messages.filter((m) => m.type === 'TRACE' && m.trace.type === 'ERROR');
    expect(traces).toHaveLength(1);
    const { message, internal_message: internal } = traces[0]!.trace.error as { message: string; internal_message: string };
    if (reachesTrace) {
      expectMasked('TRACE message', [message]);
      expectMasked('TRACE internal message', [internal]);
    }
    expect(r.stdout + r.stderr).not.toContain('CANARY');
    expectMasked('webhook document', documents);
  });

  it('dry-run lines name the path with {id} for record values, and the body by its keys only', async () => {
    // Manual mode: the dry run logs the request it would send (template streams log a plan instead).
    const manual = { mode: 'manual', method: 'POST', url: '/v1/customers/{message.id}', content_format: 'auto', body: '{"description": "{message.description}"}' };
    const r = await write({ dry_run: true, configuration: manual }, [{ id: 'cus_CANARYprivateId', description: `ref${KEY}` }]);
    expect(r.code, r.stdout).toBe(0);
    const dry = logs(r, (t) => t.startsWith('dry run:'));
    expect(dry).toHaveLength(1);
    expect(dry[0]).toContain('would send POST /v1/customers/{id} with fields [description]');
    for (const line of logs(r, () => true)) expect(line).not.toContain('CANARY');
    expect(r.stdout + r.stderr).not.toContain('CANARY');
  });

  it('dry-run plan lines of a template stream carry no canary either', async () => {
    const r = await write({ dry_run: true }, [{ id: 'cus_CANARYprivateId', description: `ref${KEY}` }, { id: 'cus_x', [BEARER]: 1 }]);
    expect(r.code, r.stdout).toBe(0);
    expect(logs(r, (t) => t.startsWith('dry run:')).length).toBeGreaterThan(0);
    expectMasked('rejection lines of a dry run', logs(r, (t) => t.startsWith('Rejected record')));
    expect(r.stdout + r.stderr).not.toContain('CANARY');
  });
});
