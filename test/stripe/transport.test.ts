// Tests for the single-attempt transport: body parsing and network failures.
import { describe, expect, it } from 'vitest';
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
