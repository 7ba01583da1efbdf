// Lists page like Stripe's (limit, cursors, created ranges); search lags when told to; idempotency keys expire.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

let emulator: Emulator;
let api: ReturnType<typeof client>;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  api = client(emulator.url);
});
afterEach(() => emulator.reset());
afterAll(() => emulator.stop());

async function customers(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i += 1) ids.push((await api.post('/v1/customers', { name: `c${i}`, metadata: { external_id: `e${i}` } })).body.id);
  return ids;
}

describe('lists', () => {
  it('pages newest first with limit and starting_after, has_more false on the last page', async () => {
    const ids = await customers(25);
    const seen: string[] = [];
    let cursor = '';
    let pages = 0;
    for (;;) {
      const page = await api.get(`/v1/customers?limit=10${cursor ? `&starting_after=${cursor}` : ''}`);
      expect(page.status).toBe(200);
      pages += 1;
      seen.push(...page.body.data.map((o: { id: string }) => o.id));
      if (!page.body.has_more) break;
      cursor = seen[seen.length - 1]!;
    }
    expect(pages).toBe(3);
    expect(seen).toEqual([...ids].reverse());
  });

  it('defaults to 10 and refuses a limit outside 1..100 naming the param', async () => {
    await customers(12);
    expect((await api.get('/v1/customers')).body.data).toHaveLength(10);
    const bad = await api.get('/v1/customers?limit=101');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('limit');
    expect((await api.get('/v1/customers?limit=100')).body.data).toHaveLength(12);
  });

  it('ending_before answers the newer neighbours, newest first', async () => {
    const ids = await customers(6);
    const page = await api.get(`/v1/customers?limit=2&ending_before=${ids[2]}`);
    expect(page.body.data.map((o: { id: string }) => o.id)).toEqual([ids[4], ids[3]]);
    expect(page.body.has_more).toBe(true);
  });

  it('an unknown cursor is a 400 resource_missing', async () => {
    const bad = await api.get('/v1/customers?starting_after=cus_nope');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatchObject({ code: 'resource_missing', param: 'starting_after' });
  });

  it('filters on created as a timestamp or a range, and names a bad bound', async () => {
    await customers(3);
    const all = emulator.objects('customers');
    const created = Number(all[0]!.created);
    expect((await api.get(`/v1/customers?limit=100&created=${created}`)).body.data.length).toBe(all.filter((o) => o.created === created).length);
    expect((await api.get(`/v1/customers?limit=100&created[gte]=${created}`)).body.data).toHaveLength(3);
    expect((await api.get(`/v1/customers?limit=100&created[gt]=${created + 100}`)).body.data).toHaveLength(0);
    expect((await api.get(`/v1/customers?limit=100&created[lt]=${created}`)).body.data).toHaveLength(0);
    expect((await api.get(`/v1/customers?limit=100&created[lte]=${created + 100}&created[gte]=${created - 100}`)).body.data).toHaveLength(3);
    const bad = await api.get('/v1/customers?created[gte]=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error.param).toBe('created[gte]');
    const unknown = await api.get('/v1/customers?created[after]=1');
    expect(unknown.body.error.param).toBe('created[after]');
  });

  it('combines a created range with a cursor, and status=all keeps every status', async () => {
    const ids = await customers(5);
    const created = Number(emulator.objects('customers')[0]!.created);
    const page = await api.get(`/v1/customers?limit=2&created[gte]=${created - 10}&starting_after=${ids[3]}`);
    expect(page.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[1]]);
    expect((await api.get('/v1/customers?limit=100&status=all')).body.data).toHaveLength(5);
  });

  it('a deleted object leaves the list and the cursors still work', async () => {
    const ids = await customers(4);
    await api.del(`/v1/customers/${ids[1]}`);
    const page = await api.get(`/v1/customers?limit=100&starting_after=${ids[3]}`);
    expect(page.body.data.map((o: { id: string }) => o.id)).toEqual([ids[2], ids[0]]);
  });
});

describe('request counts', () => {
  it('counts API requests per method, and reset clears them', async () => {
    await customers(2);
    await api.get('/v1/customers?limit=1');
    expect(emulator.requestCounts()).toEqual({ POST: 2, GET: 1 });
    const viaControl = await (await fetch(`${emulator.url}/_emulator/request_counts`)).json();
    expect(viaControl).toEqual({ POST: 2, GET: 1 });
    emulator.reset();
    expect(emulator.requestCounts()).toEqual({});
  });
});

describe('search lag', () => {
  it('hides new objects from search for the configured seconds while lists show them at once', async () => {
    emulator.setSearchLag(3600);
    await customers(2);
    const q = encodeURIComponent("metadata['external_id']:'e1'");
    expect((await api.get(`/v1/customers/search?query=${q}`)).body.data).toHaveLength(0);
    expect((await api.get('/v1/customers?limit=10')).body.data).toHaveLength(2);
    emulator.setSearchLag(0);
    expect((await api.get(`/v1/customers/search?query=${q}`)).body.data).toHaveLength(1);
  });

  it('can be set through the control API and at start', async () => {
    const r = await fetch(`${emulator.url}/_emulator/search_lag?seconds=60`, { method: 'POST' });
    expect(await r.json()).toMatchObject({ search_lag_seconds: 60 });
    await customers(1);
    const q = encodeURIComponent("metadata['external_id']:'e0'");
    expect((await api.get(`/v1/customers/search?query=${q}`)).body.data).toHaveLength(0);
    const lagging = await startEmulator({ rateLimit: null, searchLagSeconds: 60 });
    try {
      const other = client(lagging.url);
      await other.post('/v1/customers', { metadata: { external_id: 'x' } });
      expect((await other.get(`/v1/customers/search?query=${encodeURIComponent("metadata['external_id']:'x'")}`)).body.data).toHaveLength(0);
    } finally {
      await lagging.stop();
    }
  });
});

describe('idempotency key expiry', () => {
  it('after the keys are forgotten, the same key and body create a second object', async () => {
    const headers = { 'Idempotency-Key': 'k-expiry' };
    const first = await api.post('/v1/customers', { name: 'a' }, headers);
    expect((await api.post('/v1/customers', { name: 'a' }, headers)).body.id).toBe(first.body.id);
    emulator.forgetIdempotencyKeys();
    const again = await api.post('/v1/customers', { name: 'a' }, headers);
    expect(again.body.id).not.toBe(first.body.id);
    expect(emulator.count('customers')).toBe(2);
    await fetch(`${emulator.url}/_emulator/idempotency/forget`, { method: 'POST' });
    expect((await api.post('/v1/customers', { name: 'a' }, headers)).body.id).not.toBe(again.body.id);
  });

  it('idempotencyTtlSeconds: 0 remembers nothing', async () => {
    const forgetful = await startEmulator({ rateLimit: null, idempotencyTtlSeconds: 0 });
    try {
      const other = client(forgetful.url);
      const headers = { 'Idempotency-Key': 'k0' };
      await other.post('/v1/customers', { name: 'a' }, headers);
      await other.post('/v1/customers', { name: 'a' }, headers);
      expect(forgetful.count('customers')).toBe(2);
    } finally {
      await forgetful.stop();
    }
  });
});
