// The test control API under /_emulator/: reset, seed, objects, counts, request log, faults, latency, meter events.
import type { ServerResponse } from 'node:http';
import { newRequestId } from './ids.js';
import { sendJson } from './respond.js';
import type { EmulatorState } from './state.js';
import { planV1 } from './resources.js';
import { platform } from './store.js';
import type { FaultSettings } from './types.js';
import { resourceIndex } from './validate.js';

export function handleControl(state: EmulatorState, method: string, path: string, query: URLSearchParams, raw: string, res: ServerResponse): void {
  const reply = (status: number, body: unknown): void => sendJson(res, status, JSON.stringify(body), newRequestId());
  const account = query.get('account') ?? platform;
  const objects = /^\/_emulator\/objects\/([a-z_]+)$/.exec(path);
  if (method === 'POST' && path === '/_emulator/reset') {
    state.reset();
    return reply(200, { ok: true });
  }
  if (method === 'POST' && path === '/_emulator/seed') {
    try {
      return reply(200, { ok: true, created: seed(state, account, raw) });
    } catch (e) {
      return reply(400, { error: { message: e instanceof Error ? e.message : String(e) } });
    }
  }
  if (method === 'GET' && objects) {
    if (!resourceIndex[objects[1]!]) return reply(404, { error: { message: `unknown resource ${objects[1]!}` } });
    return reply(200, { object: 'list', data: state.store.list(account, objects[1]!) });
  }
  if (method === 'GET' && path === '/_emulator/counts') {
    const counts: Record<string, number> = {};
    for (const name of Object.keys(resourceIndex)) counts[name] = state.store.count(account, name);
    return reply(200, counts);
  }
  if (method === 'GET' && path === '/_emulator/requests') return reply(200, { data: state.requests() });
  if (method === 'GET' && path === '/_emulator/request_counts') return reply(200, Object.fromEntries(state.requestCounts));
  if (method === 'GET' && path === '/_emulator/meter_events') return reply(200, state.meter.snapshot());
  if (method === 'POST' && path === '/_emulator/idempotency/forget') {
    state.idempotency.clear();
    return reply(200, { ok: true });
  }
  if (method === 'POST' && path === '/_emulator/search_lag') {
    const seconds = Number(query.get('seconds'));
    if (!Number.isFinite(seconds) || seconds < 0) return reply(400, { error: { message: 'seconds must be a number >= 0' } });
    state.searchLagSeconds = seconds;
    return reply(200, { ok: true, search_lag_seconds: seconds });
  }
  if (method === 'POST' && path === '/_emulator/faults') {
    try {
      state.faults.set((raw.trim() ? JSON.parse(raw) : {}) as FaultSettings);
      return reply(200, { ok: true, faults: state.faults.settings });
    } catch (e) {
      return reply(400, { error: { message: e instanceof Error ? e.message : String(e) } });
    }
  }
  if (method === 'GET' && path === '/_emulator/latency') return reply(200, state.latency.settings);
  if (method === 'POST' && path === '/_emulator/latency') {
    try {
      const body = (raw.trim() ? JSON.parse(raw) : {}) as Record<string, unknown>;
      // snake_case on the wire, as the rest of the control API.
      const names: Record<string, string> = { median_ms: 'medianMs', sigma: 'sigma', seed: 'seed', max_ms: 'maxMs' };
      const settings: Record<string, unknown> = {};
      for (const [key, value] of Object.entries(body)) {
        if (!names[key]) throw new Error(`unknown latency setting: ${key}`);
        settings[names[key]] = value;
      }
      state.latency.set(settings);
      return reply(200, { ok: true, latency: state.latency.settings });
    } catch (e) {
      return reply(400, { error: { message: e instanceof Error ? e.message : String(e) } });
    }
  }
  return reply(404, { error: { message: `unknown control endpoint ${method} ${path}` } });
}

/**
 * `POST /_emulator/seed` with `{"resource": "customers", "objects": [<create params>...], "created": <unix s>}`:
 * each object is validated and created as `POST /v1/<resource>` would (no request is counted or logged, no
 * rate limit applies), then given `created` when set. Benchmarks use it to fill a large account in seconds.
 */
function seed(state: EmulatorState, account: string, raw: string): number {
  const body = JSON.parse(raw) as { resource?: unknown; objects?: unknown; created?: unknown };
  const entry = typeof body.resource === 'string' ? resourceIndex[body.resource] : undefined;
  if (!entry || entry.path.includes('{')) throw new Error(`resource must name a top-level resource, got ${JSON.stringify(body.resource)}`);
  if (!Array.isArray(body.objects)) throw new Error('objects must be an array of create parameters');
  if (body.created !== undefined && !Number.isInteger(body.created)) throw new Error('created must be a Unix timestamp');
  const deps = { store: state.store, meter: state.meter, checkReferences: state.options.checkReferences !== false };
  for (const params of body.objects as Record<string, unknown>[]) {
    const result = planV1({ method: 'POST', path: entry.path, params, account, livemode: false }, deps)();
    if (body.created !== undefined) (result.body as Record<string, unknown>)['created'] = body.created;
  }
  return body.objects.length;
}
