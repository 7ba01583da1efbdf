// startEmulator: a local, stateful stand-in for api.stripe.com on 127.0.0.1 (node:http, no framework).
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { handleApi } from './api.js';
import { handleControl } from './control.js';
import { unrecognizedUrl } from './errors.js';
import { newRequestId } from './ids.js';
import { sendError, sendJson } from './respond.js';
import { EmulatorState } from './state.js';
import { platform } from './store.js';
import type { Emulator, EmulatorOptions, LoggedRequest } from './types.js';

export type { Emulator, EmulatorOptions, FaultKind, FaultSettings, LatencySettings, LoggedRequest, StripeObject } from './types.js';

const maxBody = 1024 * 1024;
const maxLoggedBody = 4096;

export async function startEmulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const state = new EmulatorState(options);
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size <= maxBody) chunks.push(c);
    });
    req.on('end', () => {
      if (size > maxBody) return sendJson(res, 413, JSON.stringify({ error: { type: 'invalid_request_error', message: 'Request body too large.' } }), newRequestId());
      const raw = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks).toString('utf8');
      dispatch(state, req, res, raw).catch((e: unknown) => {
        if (!res.headersSent) sendJson(res, 500, JSON.stringify({ error: { type: 'api_error', message: String(e) } }), newRequestId());
      });
    });
  });
  server.keepAliveTimeout = 30_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    port,
    async stop() {
      for (const t of state.hangs) clearTimeout(t);
      state.hangs.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
    reset: () => state.reset(),
    setFaults: (f) => state.faults.set(f),
    setLatency: (l) => state.latency.set(l),
    setSearchLag: (seconds) => void (state.searchLagSeconds = seconds),
    forgetIdempotencyKeys: () => state.idempotency.clear(),
    connectAccounts: (...ids) => {
      state.connected ??= new Set();
      for (const id of ids) state.connected.add(id);
    },
    objects: (resource, account = platform) => state.store.list(account, resource),
    count: (resource, account = platform) => state.store.count(account, resource),
    requestLog: () => state.requests(),
    requestCounts: () => Object.fromEntries(state.requestCounts),
    meterEventCount: (what) => state.meter.count(what),
    meterEvents: () => state.meter.snapshot(),
  };
}

async function dispatch(state: EmulatorState, req: IncomingMessage, res: ServerResponse, raw: string): Promise<void> {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const path = q === -1 ? url : url.slice(0, q);
  const query = q === -1 ? '' : url.slice(q + 1);
  const method = req.method ?? 'GET';
  if (path.startsWith('/_emulator/')) return handleControl(state, method, path, new URLSearchParams(query), raw, res);
  const log: LoggedRequest = { method, path, host: req.headers.host, status: 0, at: Date.now() };
  const contentType = req.headers['content-type'];
  if (contentType) log.contentType = contentType;
  const stripeVersion = req.headers['stripe-version'];
  if (typeof stripeVersion === 'string') log.stripeVersion = stripeVersion;
  if (query) log.query = query;
  if (raw) log.body = raw.length > maxLoggedBody ? raw.slice(0, maxLoggedBody) : raw;
  state.record(log);
  if (path.startsWith('/v1/') || path.startsWith('/v2/')) return handleApi(state, req, res, raw, path, query, log);
  const requestId = newRequestId();
  log.status = 404;
  sendError(res, unrecognizedUrl(method, path), requestId);
}
