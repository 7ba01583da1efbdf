// Acceptance of issue 14 over real HTTP: re-syncs read what Stripe holds in bulk and write only the differences.
import { describe, expect, it } from 'vitest';
import { useEmulatorBehindProxy } from '../helpers/counting-proxy.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';

const env = useEmulatorBehindProxy({ rateLimit: null });

const N = 300;
const changedAt = new Set([17, 150, 299]);
const people = (n: number, rename: Set<number> = new Set()) =>
  Array.from({ length: n }, (_, i) => recordLine('crm', { external_id: `ext-${i}`, name: rename.has(i) ? `Renamed ${i}` : `Person ${i}`, email: `p${i}@example.com`, metadata: { tier: i % 2 ? 'gold' : 'silver' } }));
const config = (operation: string, extra: Record<string, unknown> = {}) => ({
  configuration: { mode: 'template', resource_type: 'customers', operation, matching_key: 'external_id' },
  ...extra,
});
const streams = [{ name: 'crm' }];

async function sync(operation: string, messages: object[], extra: Record<string, unknown> = {}) {
  env.proxy.reset();
  const result = await writeToEmulator({ url: env.proxy.url, config: config(operation, extra), streams, messages });
  expect(result.code, result.stdout.slice(-2000)).toBe(0);
  const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
  return { result, logs, requests: env.proxy.requests.length, posts: env.proxy.count('POST'), gets: env.proxy.count('GET') };
}

describe('re-syncs by external key (300 customers through a request-counting proxy)', () => {
  it('all new, then unchanged in ≤ 6 requests, then 1 % changed in ≤ 6 + 3; Stripe ends with 300 customers and the new names', async () => {
    const first = await sync('upsert', [...people(N), stateLine('crm', 1)]);
    expect(env.emulator.count('customers')).toBe(N);
    expect(first.posts).toBe(N);
    expect(first.gets).toBe(1); // the list of an empty account
    expect(first.logs.some((l) => l.includes('read 0 existing customers'))).toBe(true);

    const second = await sync('upsert', [...people(N), stateLine('crm', 2)]);
    expect(second.requests).toBeLessThanOrEqual(6);
    expect(second.posts).toBe(0);
    expect(second.logs).toContainEqual(expect.stringMatching(/Stream "crm": read 300 existing customers in [\d.]+ s \(\d list requests?\)/));
    expect(second.logs).toContain('Stream "crm": 300 records: 300 unchanged.');
    const state = second.result.messages.find((m) => m.type === 'STATE');
    expect(state?.state.destinationStats).toMatchObject({ recordCount: N });

    const third = await sync('upsert', [...people(N, changedAt), stateLine('crm', 3)]);
    expect(third.requests).toBeLessThanOrEqual(6 + 3);
    expect(third.posts).toBe(3);
    expect(third.logs).toContain('Stream "crm": 300 records: 3 updated, 297 unchanged.');
    const stored = env.emulator.objects('customers');
    expect(stored).toHaveLength(N);
    const byKey = new Map(stored.map((c) => [(c.metadata as Record<string, string>)['external_id'], c]));
    for (let i = 0; i < N; i += 1) expect(byKey.get(`ext-${i}`)?.['name']).toBe(changedAt.has(i) ? `Renamed ${i}` : `Person ${i}`);
  });

  it('a dry run after the 1 %-changed data plans 3 updates and 297 unchanged, naming the field, and sends no POST', async () => {
    await sync('upsert', people(N));
    const dry = await sync('upsert', people(N, changedAt), { dry_run: true });
    expect(dry.posts).toBe(0);
    expect(env.proxy.requests.every((r) => r.method === 'GET')).toBe(true);
    expect(dry.logs).toContain('dry run plan for stream "crm": 0 to create, 3 to update (fields: name ×3), 0 to delete, 297 unchanged');
    // Names of fields only, never values.
    expect(dry.logs.filter((l) => l.includes('Renamed'))).toEqual([]);
    expect(env.emulator.objects('customers').filter((c) => String(c['name']).startsWith('Renamed'))).toHaveLength(0);
  });

  it('a dry run on an empty account plans creates, and one key twice is one create then one update', async () => {
    const messages = [...people(3), recordLine('crm', { external_id: 'ext-0', name: 'Second', email: 'p0@example.com', metadata: { tier: 'silver' } })];
    const dry = await sync('upsert', messages, { dry_run: true });
    expect(dry.posts).toBe(0);
    expect(dry.logs).toContain('dry run plan for stream "crm": 3 to create, 1 to update (fields: name ×1), 0 to delete, 0 unchanged');
  });
});

describe('creates that never duplicate', () => {
  it('a create-mode sync with a matching key, re-run after its idempotency keys are gone, creates nothing new', async () => {
    await sync('create', people(N));
    expect(env.emulator.count('customers')).toBe(N);
    expect(env.emulator.objects('customers').every((c) => typeof (c.metadata as Record<string, string>)['external_id'] === 'string')).toBe(true);
    env.emulator.forgetIdempotencyKeys();
    const rerun = await sync('create', people(N, changedAt));
    expect(env.emulator.count('customers')).toBe(N);
    expect(rerun.posts).toBe(3);
    expect(rerun.logs).toContain('Stream "crm": 300 records: 3 updated, 297 unchanged.');
  });

  it('without a matching key the same re-run would duplicate every record (why the key matters)', async () => {
    const plain = { configuration: { mode: 'template', resource_type: 'customers', operation: 'create' } };
    const records = Array.from({ length: 20 }, (_, i) => recordLine('crm', { name: `P${i}`, email: `p${i}@example.com` }));
    await writeToEmulator({ url: env.emulator.url, config: plain, streams: [{ name: 'crm', primary_key: [['email']] }], messages: records });
    env.emulator.forgetIdempotencyKeys();
    await writeToEmulator({ url: env.emulator.url, config: plain, streams: [{ name: 'crm', primary_key: [['email']] }], messages: records });
    expect(env.emulator.count('customers')).toBe(40);
  });

  it('two records with one key in one sync: created once, then updated, in input order', async () => {
    const messages = [
      recordLine('crm', { external_id: 'dup', name: 'First', email: 'd@example.com' }),
      recordLine('crm', { external_id: 'dup', name: 'Second', email: 'd@example.com' }),
      recordLine('crm', { external_id: 'dup', name: 'Second', email: 'd@example.com' }),
    ];
    const run = await sync('upsert', messages);
    expect(env.emulator.count('customers')).toBe(1);
    expect(env.emulator.objects('customers')[0]!['name']).toBe('Second');
    expect(run.posts).toBe(2);
    expect(run.logs).toContain('Stream "crm": 3 records: 1 created, 1 updated, 1 unchanged.');
  });
});

describe('search lag', () => {
  const lagged = async (read: 'bulk' | 'lookup') => {
    env.emulator.setSearchLag(3600);
    try {
      const extra = { existing_objects: { read } };
      await sync('upsert', people(40), extra);
      env.emulator.forgetIdempotencyKeys();
      await sync('upsert', people(40, new Set([1])), extra);
      return env.emulator.count('customers');
    } finally {
      env.emulator.setSearchLag(0);
    }
  };

  it('with the bulk read, no duplicates appear even when search lags and the keys are gone', async () => {
    expect(await lagged('bulk')).toBe(40);
  });

  it('per-record search lookups (read: lookup) duplicate under the same conditions', async () => {
    expect(await lagged('lookup')).toBe(80);
  });
});

describe('settings', () => {
  it('diff: false writes every found record (no search, no create)', async () => {
    await sync('upsert', people(50));
    const again = await sync('upsert', people(50), { existing_objects: { diff: false } });
    expect(again.posts).toBe(50);
    expect(again.gets).toBe(1);
    expect(env.emulator.count('customers')).toBe(50);
  });

  it('beyond max_indexed_objects the stream falls back to per-record lookups, with a warning, and stays correct', async () => {
    await sync('upsert', people(120));
    const capped = await sync('upsert', people(120, new Set([5])), { existing_objects: { max_indexed_objects: 50 } });
    expect(capped.logs).toContainEqual(expect.stringContaining('the account holds more than 50 customers'));
    expect(env.proxy.requests.filter((r) => r.path.endsWith('/search')).length).toBe(120);
    expect(env.emulator.count('customers')).toBe(120);
    expect(env.emulator.objects('customers').filter((c) => c['name'] === 'Renamed 5')).toHaveLength(1);
  });

  it('update and delete by id use the same read: unchanged ids cost nothing, missing ones are still sent', async () => {
    await sync('upsert', people(5));
    const ids = env.emulator.objects('customers').map((c) => c.id);
    const byId = (operation: string) => ({ configuration: { mode: 'template', resource_type: 'customers', operation, matching_key: 'id' } });
    env.proxy.reset();
    const update = await writeToEmulator({
      url: env.proxy.url,
      config: byId('update'),
      streams,
      messages: [recordLine('crm', { id: ids[0], name: 'Person 0' }), recordLine('crm', { id: ids[1], name: 'New name' })],
    });
    expect(update.code).toBe(0);
    expect(env.proxy.count('POST')).toBe(1);
    env.proxy.reset();
    const del = await writeToEmulator({ url: env.proxy.url, config: byId('delete'), streams, messages: [recordLine('crm', { id: ids[2] }), recordLine('crm', { id: 'cus_gone' })] });
    expect(del.code).toBe(0);
    expect(env.proxy.count('DELETE')).toBe(2);
    expect(env.emulator.count('customers')).toBe(4);
  });

  it('delete by external key: found objects are deleted, missing keys cost nothing', async () => {
    await sync('upsert', people(5));
    const del = await sync('delete', [recordLine('crm', { external_id: 'ext-1' }), recordLine('crm', { external_id: 'nope' })]);
    expect(env.proxy.count('DELETE')).toBe(1);
    expect(del.gets).toBe(1);
    expect(env.emulator.count('customers')).toBe(4);
  });
});
