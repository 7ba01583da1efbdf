// Canary secrets (API key, webhook token) never appear in stdout, stderr or webhook payloads of any CLI invocation.
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { builtMain, hasBuild, runCli, tempJson, type CliResult } from '../helpers/cli.js';
import { assertProtocolLines, parseLines } from '../helpers/protocol-schema.js';
import { catalogOf, recordLine, stateLine } from '../helpers/write-run.js';

const KEY = 'sk_test_CANARYkey1234567890';
const TOKEN = 'CANARYTOKENwebhook0987654321';
const CANARIES = [KEY, TOKEN, 'CANARYkey1234567890', 'CANARYTOKEN'];

let emulator: Emulator;
let receiver: Server;
let receiverUrl: string;
const received: Array<{ headers: IncomingHttpHeaders; body: string }> = [];

beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  emulator = await startEmulator({ rateLimit: null });
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      received.push({ headers: req.headers, body: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(200).end('{}');
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
  receiverUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`;
});
afterAll(async () => {
  await emulator?.stop();
  await new Promise((resolve) => receiver?.close(resolve));
});

const config = (patch: Record<string, unknown> = {}) =>
  tempJson('config.json', { api_key: KEY, api_base_url: emulator.url, configuration: { mode: 'template', resource_type: 'customers' }, ...patch });
const catalog = () => tempJson('catalog.json', catalogOf([{ name: 'crm' }]));
const input = (lines: object[]) => lines.map((l) => JSON.stringify(l)).join('\n') + '\n';

function expectNoCanary(where: string, text: string): void {
  for (const canary of CANARIES) expect(text.includes(canary), `${canary.slice(0, 12)}… in ${where}`).toBe(false);
}
function scan(r: CliResult): void {
  expectNoCanary('stdout', r.stdout);
  expectNoCanary('stderr', r.stderr);
  assertProtocolLines(r.stdout);
}

describe('secrets never leak', () => {
  it('check (succeeding, unreachable, refused key) and discover', async () => {
    const ok = await runCli(['check', '--config', config()]);
    expect(parseLines(ok.stdout)[0]!.connectionStatus.status).toBe('SUCCEEDED');
    scan(ok);
    const unreachable = await runCli(['check', '--config', config({ api_base_url: 'http://127.0.0.1:1' })]);
    expect(parseLines(unreachable.stdout)[0]!.connectionStatus.status).toBe('FAILED');
    scan(unreachable);
    const refused = await runCli(['check', '--config', config({ api_key: 'rk_live_CANARYkey1234567890' })]);
    expect(parseLines(refused.stdout)[0]!.connectionStatus.status).toBe('FAILED');
    scan(refused);
    const publishable = await runCli(['check', '--config', config({ api_key: 'pk_live_CANARYkey1234567890' })]);
    expect(parseLines(publishable.stdout)[0]!.connectionStatus.status).toBe('FAILED');
    scan(publishable);
    scan(await runCli(['discover', '--config', config()]));
  });

  it('write with rejections, a webhook carrying a token header, and a key Stripe refuses', async () => {
    received.length = 0;
    emulator.reset();
    const messages = [
      recordLine('crm', { email: 'ok@example.com', description: KEY }),
      recordLine('crm', { email: 'x@example.com', bogus: TOKEN }),
      recordLine('crm', { email: 'y@example.com', balance: 'not-a-number' }),
      stateLine('crm', 1),
    ];
    const webhook = { url: receiverUrl, headers: { Authorization: `Bearer ${TOKEN}` }, forward: 'all' };
    const r = await runCli(['write', '--config', config({ response_webhook: webhook }), '--catalog', catalog()], { input: input(messages) });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    scan(r);
    expect(parseLines(r.stdout).filter((m) => m.type === 'LOG' && m.log.level === 'WARN').length).toBeGreaterThanOrEqual(2);
    expect(received.length).toBeGreaterThan(0);
    for (const call of received) {
      expectNoCanary('webhook payload', call.body);
      expect(JSON.stringify(call.headers)).not.toContain(KEY);
      expect(call.headers.authorization).toBe(`Bearer ${TOKEN}`);
    }
    // The token never went to Stripe (a record value equal to the key does: it is the record's data).
    for (const q of emulator.requestLog()) expect(q.body ?? '').not.toContain('CANARYTOKEN');

    const refused = await runCli(['write', '--config', config({ api_key: 'rk_live_CANARYkey1234567890', response_webhook: webhook }), '--catalog', catalog()], { input: input(messages) });
    expect(refused.code).toBe(1);
    expect(parseLines(refused.stdout).some((m) => m.type === 'TRACE' && m.trace.error.failure_type === 'config_error')).toBe(true);
    scan(refused);
    for (const call of received) expectNoCanary('webhook payload', call.body);
  });
});
