// The bulk read over a fake list endpoint that pages like Stripe's: every object exactly once, ranges side by side.
import { describe, expect, it } from 'vitest';
import { bulkRead } from '../../src/resync/bulk-read.js';
import type { Send } from '../../src/core/stripe-request.js';
import { prng as createPrng } from '../../integration_tests/emulator/random.js';

type Obj = { id: string; created: number };

/** A list endpoint over `objects` (newest first): limit, starting_after, created[gte|lt]; counts requests and concurrency. */
function fakeList(objects: Obj[]) {
  const sorted = [...objects].sort((a, b) => b.created - a.created || (a.id < b.id ? 1 : -1));
  const stats = { requests: 0, inFlight: 0, maxInFlight: 0, queries: [] as string[] };
  const send: Send = async (request) => {
    stats.requests += 1;
    stats.inFlight += 1;
    stats.maxInFlight = Math.max(stats.maxInFlight, stats.inFlight);
    await new Promise((r) => setImmediate(r));
    stats.inFlight -= 1;
    const query = new URLSearchParams(request.path.split('?')[1] ?? '');
    stats.queries.push(query.toString());
    const gte = query.get('created[gte]');
    const lt = query.get('created[lt]');
    let data = sorted.filter((o) => (gte === null || o.created >= Number(gte)) && (lt === null || o.created < Number(lt)));
    const after = query.get('starting_after');
    if (after) data = data.slice(data.findIndex((o) => o.id === after) + 1);
    const limit = Number(query.get('limit'));
    return { kind: 'success', status: 200, body: { object: 'list', data: data.slice(0, limit), has_more: data.length > limit }, replayed: false, attempts: 1 };
  };
  return { send, stats };
}

function account(n: number, spanSeconds: number, seed = 1): Obj[] {
  const random = createPrng(seed);
  const start = 1_700_000_000;
  return Array.from({ length: n }, (_, i) => ({ id: `cus_${String(i).padStart(7, '0')}`, created: start + Math.floor(random() * spanSeconds) }));
}

async function readAll(objects: Obj[], options: { lanes?: number; createdRanges?: boolean } = {}) {
  const fake = fakeList(objects);
  const seen: string[] = [];
  const result = await bulkRead({ send: fake.send, path: '/v1/customers', createdRanges: options.createdRanges ?? true, lanes: options.lanes, onObject: (o) => (seen.push(String(o['id'])), true) });
  return { result, seen, stats: fake.stats };
}

describe('bulkRead', () => {
  it('reads a small account page after page: 300 objects in 3 requests', async () => {
    const { result, seen, stats } = await readAll(account(300, 20));
    expect(result).toEqual({ kind: 'complete', objects: 300, requests: 3 });
    expect(new Set(seen).size).toBe(300);
    expect(stats.maxInFlight).toBe(1);
  });

  it('an empty account costs one request', async () => {
    const { result } = await readAll([]);
    expect(result).toEqual({ kind: 'complete', objects: 0, requests: 1 });
  });

  for (const [label, objects] of [
    ['spread over a year', account(20_000, 365 * 86400, 2)],
    ['all in one second', account(3_000, 1, 3)],
    ['two bursts a year apart', [...account(4_000, 60, 4), ...account(4_000, 60, 5).map((o) => ({ id: `${o.id}b`, created: o.created - 365 * 86400 }))]],
  ] as [string, Obj[]][]) {
    it(`a large account ${label}: every object exactly once`, async () => {
      const { result, seen } = await readAll(objects);
      expect(result.kind).toBe('complete');
      expect(seen.length).toBe(objects.length);
      expect(new Set(seen).size).toBe(objects.length);
    });
  }

  it('splits a large account into created ranges read side by side, with few wasted requests', async () => {
    const objects = account(20_000, 365 * 86400, 6);
    const { result, stats } = await readAll(objects, { lanes: 4 });
    expect(stats.maxInFlight).toBe(4);
    expect(stats.queries.some((q) => q.includes('created%5Bgte%5D') && q.includes('created%5Blt%5D'))).toBe(true);
    // 200 full pages; ranges cost at most one partial page each.
    expect(result.requests).toBeLessThanOrEqual(200 + 40);
  });

  it('without created ranges (or one lane) it pages in order', async () => {
    const objects = account(1_000, 86400, 7);
    for (const options of [{ createdRanges: false }, { lanes: 1 }]) {
      const { result, stats } = await readAll(objects, options);
      expect(result).toEqual({ kind: 'complete', objects: 1000, requests: 10 });
      expect(stats.maxInFlight).toBe(1);
    }
  });

  it('stops when onObject says the index is full', async () => {
    const fake = fakeList(account(1_000, 86400, 8));
    let n = 0;
    const result = await bulkRead({ send: fake.send, path: '/v1/customers', createdRanges: true, onObject: () => ++n <= 250 });
    expect(result.kind).toBe('stopped');
    expect(fake.stats.requests).toBe(3);
  });

  it('a refused page ends the read with its status and code', async () => {
    const send: Send = async () => ({ kind: 'rejected', status: 403, rejection: { code: 'secret_key_required', reason: 'x' }, attempts: 1 });
    const result = await bulkRead({ send, path: '/v1/customers', createdRanges: true, onObject: () => true });
    expect(result).toEqual({ kind: 'refused', objects: 0, requests: 1, status: 403, code: 'secret_key_required' });
  });

  it('passes the resource filters on every page', async () => {
    const fake = fakeList(account(150, 10, 9));
    await bulkRead({ send: fake.send, path: '/v1/subscriptions', filters: { status: 'all' }, createdRanges: true, onObject: () => true });
    expect(fake.stats.queries.every((q) => q.includes('status=all'))).toBe(true);
  });
});
