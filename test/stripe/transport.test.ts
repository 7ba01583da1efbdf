// Tests for the single-attempt transport: body parsing and network failures.
import { describe, expect, it } from 'vitest';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createTransport, parseBody } from '../../src/stripe/transport.js';
import { startStub } from './helpers/stub-server.js';

describe('parseBody', () => {
  it.each([
    ['', undefined],
    ['{"id":"cus_1"}', { id: 'cus_1' }],
    ['[1,2]', [1, 2]],
    ['<html>Bad gateway</html>', '<html>Bad gateway</html>'],
    ['{"truncated":', '{"truncated":'],
  ])('%s', (text, expected) => {
    expect(parseBody(text)).toEqual(expected);
  });
});

describe('createTransport', () => {
  it('answers HTTP errors as responses, not exceptions', async () => {
    const stub = await startStub([{ status: 502, body: { error: { type: 'api_error' } } }]);
    const transport = createTransport({ timeoutMs: 5000 });
    try {
      const result = await transport.attempt({ url: new URL(`${stub.url}/v1/x`), method: 'GET', headers: {} });
      expect(result).toMatchObject({ kind: 'response', status: 502, body: { error: { type: 'api_error' } } });
    } finally {
      transport.close();
      await stub.close();
    }
  });

  it('reports a refused connection by code without the headers it was given', async () => {
    const transport = createTransport({ timeoutMs: 5000 });
    try {
      const result = await transport.attempt({ url: new URL('http://127.0.0.1:1/v1/x'), method: 'POST', headers: { authorization: 'Bearer sk_test_emulator' }, body: 'a=1' });
      expect(result).toMatchObject({ kind: 'network', code: 'ECONNREFUSED' });
      expect(JSON.stringify(result)).not.toContain('sk_test_emulator');
    } finally {
      transport.close();
    }
  });
});

describe('createTransport over a raw server', () => {
  async function withServer(handler: (req: IncomingMessage, res: ServerResponse) => void, run: (url: string) => Promise<void>): Promise<void> {
    const server = createServer(handler);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      await run(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  }

  it('sends the body with its length and reads the whole answer', async () => {
    let received = '';
    await withServer(
      (req, res) => {
        req.on('data', (c: Buffer) => (received += c.toString()));
        req.on('end', () => res.writeHead(200, { 'request-id': 'req_1' }).end('{"ok":true}'));
      },
      async (url) => {
        const transport = createTransport({ timeoutMs: 5000 });
        const result = await transport.attempt({ url: new URL(`${url}/v1/x`), method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=Zo%C3%AB' });
        transport.close();
        expect(result).toMatchObject({ kind: 'response', status: 200, body: { ok: true }, headers: { 'request-id': 'req_1' } });
        expect(received).toBe('name=Zo%C3%AB');
      },
    );
  });

  it('gives up on a silent server after the timeout with ETIMEDOUT', async () => {
    await withServer(
      () => undefined,
      async (url) => {
        const transport = createTransport({ timeoutMs: 200 });
        const result = await transport.attempt({ url: new URL(`${url}/v1/x`), method: 'GET', headers: {} });
        transport.close();
        expect(result).toMatchObject({ kind: 'network', code: 'ETIMEDOUT' });
      },
    );
  });

  it('reports a connection cut in the middle of the answer as ECONNRESET', async () => {
    await withServer(
      (_req, res) => {
        res.writeHead(200, { 'content-length': '100' });
        res.write('{"partial":');
        setTimeout(() => res.socket?.destroy(), 20);
      },
      async (url) => {
        const transport = createTransport({ timeoutMs: 5000 });
        const result = await transport.attempt({ url: new URL(`${url}/v1/x`), method: 'GET', headers: {} });
        transport.close();
        expect(result).toMatchObject({ kind: 'network', code: 'ECONNRESET' });
      },
    );
  });
});
