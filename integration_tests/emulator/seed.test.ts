// POST /_emulator/seed: objects created as POST /v1/<resource> would, without counting requests.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from './server.js';
import { client } from './test-client.js';

describe('POST /_emulator/seed', () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator({ rateLimit: null });
  });
  afterAll(() => emulator.stop());

  const seed = (body: unknown): Promise<Response> => fetch(`${emulator.url}/_emulator/seed`, { method: 'POST', body: JSON.stringify(body) });

  it('creates listable objects with the given created time, counting no API request', async () => {
    const objects = [1, 2, 3].map((i) => ({ name: `Person ${i}`, email: `p${i}@example.com`, metadata: { external_id: `ext-${i}` } }));
    const answer = await seed({ resource: 'customers', created: 1_700_000_000, objects });
    expect(answer.status).toBe(200);
    expect(await answer.json()).toEqual({ ok: true, created: 3 });
    expect(emulator.requestCounts()).toEqual({});
    const page = await client(emulator.url).get('/v1/customers?limit=10&created[lte]=1700000000');
    expect(page.body.data.map((c: { name: string; metadata: Record<string, string>; created: number; id: string }) => [c.name, c.metadata['external_id'], c.created, c.id.startsWith('cus_')])).toEqual([
      ['Person 3', 'ext-3', 1_700_000_000, true],
      ['Person 2', 'ext-2', 1_700_000_000, true],
      ['Person 1', 'ext-1', 1_700_000_000, true],
    ]);
  });

  it('validates each object as the create endpoint does, and refuses unknown or nested resources', async () => {
    const bad = await seed({ resource: 'customers', objects: [{ name: 'x', shoe_size: '42' }] });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('shoe_size');
    expect((await seed({ resource: 'nope', objects: [] })).status).toBe(400);
    expect((await seed({ resource: 'customer_balance_transactions', objects: [] })).status).toBe(400);
    expect((await seed({ resource: 'customers', objects: {} })).status).toBe(400);
  });
});
