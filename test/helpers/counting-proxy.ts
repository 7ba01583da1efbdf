// A request-counting HTTP proxy on 127.0.0.1 (port 0) in front of the emulator: counts what the connector really sends.
import { createServer, request as httpRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, beforeEach } from 'vitest';
import { startEmulator, type Emulator, type EmulatorOptions } from '../../integration_tests/emulator/server.js';

export interface CountedRequest {
  method: string;
  /** Path without the query string. */
  path: string;
  query: string;
}

export interface CountingProxy {
  url: string;
  requests: CountedRequest[];
  /** Forgets what was counted so far. */
  reset(): void;
  count(method?: string): number;
  stop(): Promise<void>;
}

export async function startCountingProxy(target: string): Promise<CountingProxy> {
  const upstream = new URL(target);
  const requests: CountedRequest[] = [];
  const server = createServer((req, res) => {
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    requests.push({ method: req.method ?? 'GET', path: q === -1 ? url : url.slice(0, q), query: q === -1 ? '' : url.slice(q + 1) });
    const forward = httpRequest({ host: upstream.hostname, port: upstream.port, method: req.method, path: url, headers: { ...req.headers, host: upstream.host } }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    forward.on('error', () => res.destroy());
    req.pipe(forward);
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    reset: () => void requests.splice(0),
    count: (method) => requests.filter((r) => method === undefined || r.method === method).length,
    stop: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * For a test file: an emulator started with `options` and a counting proxy in front of it, both started once
 * (beforeAll), stopped at the end (afterAll) and reset before each test. Read them through the returned object.
 */
export function useEmulatorBehindProxy(options: EmulatorOptions): { readonly emulator: Emulator; readonly proxy: CountingProxy } {
  let emulator: Emulator | undefined;
  let proxy: CountingProxy | undefined;
  beforeAll(async () => {
    emulator = await startEmulator(options);
    proxy = await startCountingProxy(emulator.url);
  });
  afterAll(async () => {
    await proxy?.stop();
    await emulator?.stop();
  });
  beforeEach(() => {
    emulator!.reset();
    proxy!.reset();
  });
  return {
    get emulator() {
      if (!emulator) throw new Error('the emulator starts in beforeAll; read it inside a test or hook');
      return emulator;
    },
    get proxy() {
      if (!proxy) throw new Error('the proxy starts in beforeAll; read it inside a test or hook');
      return proxy;
    },
  };
}
