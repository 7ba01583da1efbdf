// Acceptance of issue 20 over real HTTP: references by external key, related streams in one sync, Connect per record.
import { describe, expect, it } from 'vitest';
import { useEmulatorBehindProxy } from '../helpers/counting-proxy.js';
import { recordLine, stateLine, writeToEmulator, type StreamSpec } from '../helpers/write-run.js';

const env = useEmulatorBehindProxy({ rateLimit: null, connectedAccounts: ['acct_One1', 'acct_Two2', 'acct_Three3'] });

const catalogStreams: StreamSpec[] = [
  { name: 'products', destination_object_name: 'products', destination_sync_mode: 'append_dedup', primary_key: [['sku']] },
  { name: 'prices', destination_object_name: 'prices', destination_sync_mode: 'append_dedup', primary_key: [['price_code']] },
];
const byProductSku = { stream: 'prices', references: { product: { resource: 'products', matching_key: 'sku' } } };
const config = (extra: Record<string, unknown> = {}) => ({
  configuration: { mode: 'template', resource_type: 'products' },
  // Some cases refuse every record on purpose: the sync still ends normally.
  max_rejected_percent: 100,
  stream_settings: [byProductSku],
  ...extra,
});

const product = (i: number) => recordLine('products', { sku: `SKU-${i}`, name: `Product ${i}` });
const price = (i: number, j: number) => recordLine('prices', { price_code: `P-${i}-${j}`, product: `SKU-${i}`, currency: 'usd', unit_amount: 100 * (i + 1) + j });

async function sync(messages: object[], options: { streams?: StreamSpec[]; config?: Record<string, unknown> } = {}) {
  env.proxy.reset();
  const result = await writeToEmulator({ url: env.proxy.url, config: options.config ?? config(), streams: options.streams ?? catalogStreams, messages });
  expect(result.code, result.stdout.slice(-3000)).toBe(0);
  const logs = result.messages.filter((m) => m.type === 'LOG').map((m) => String(m.log.message));
  return { result, logs, posts: env.proxy.count('POST'), gets: env.proxy.count('GET'), requests: [...env.proxy.requests] };
}

/** Every price is attached to the product holding its SKU, and no request carried a SKU where an id belongs. */
function expectAttached(productCount: number, pricesPer: number): void {
  const products = env.emulator.objects('products');
  expect(products).toHaveLength(productCount);
  const idOfSku = new Map(products.map((p) => [(p.metadata as Record<string, string>)['sku'], p.id]));
  const prices = env.emulator.objects('prices');
  expect(prices).toHaveLength(productCount * pricesPer);
  for (const p of prices) {
    const [, i] = /^P-(\d+)-\d+$/.exec((p.metadata as Record<string, string>)['price_code']!)!;
    expect(p['product']).toBe(idOfSku.get(`SKU-${i}`));
  }
  const bodies = env.emulator.requestLog().map((r) => r.body ?? '');
  expect(bodies.filter((b) => /(^|&)product=SKU/.test(b))).toEqual([]);
}

describe('one sync of products and the prices that reference them by SKU', () => {
  const products = Array.from({ length: 50 }, (_, i) => product(i));
  const prices = Array.from({ length: 50 }, (_, i) => [0, 1, 2].map((j) => price(i, j))).flat();

  it('products first, then prices: every price on its product; a re-run is all unchanged with no write', async () => {
    const first = await sync([...products, ...prices, stateLine('prices', 1)]);
    expectAttached(50, 3);
    expect(first.logs).toContain('Stream "prices": 150 records: 150 created.');
    const second = await sync([...products, ...prices, stateLine('prices', 2)]);
    expect(second.posts).toBe(0);
    expect(second.logs).toContain('Stream "products": 50 records: 50 unchanged.');
    expect(second.logs).toContain('Stream "prices": 150 records: 150 unchanged.');
  });

  it('interleaved record by record (each product, then its prices), and prices before their products', async () => {
    const interleaved = Array.from({ length: 50 }, (_, i) => [product(i), price(i, 0), price(i, 1), price(i, 2)]).flat();
    await sync([...interleaved, stateLine('prices', 1)]);
    expectAttached(50, 3);
    env.emulator.reset();
    // The other way round: each price arrives before the product it names, so it waits for that record.
    const backwards = Array.from({ length: 50 }, (_, i) => [price(i, 0), price(i, 1), price(i, 2), product(i)]).flat();
    const run = await sync([...backwards, stateLine('prices', 1)]);
    expectAttached(50, 3);
    const states = run.result.messages.filter((m) => m.type === 'STATE');
    expect(states).toHaveLength(1);
  });

  it('more prices than the in-flight bound (1,000) ahead of their product: they wait outside the bound, no deadlock', async () => {
    const many = Array.from({ length: 1_200 }, (_, n) => recordLine('prices', { price_code: `M-${n}`, product: 'SKU-0', currency: 'usd', unit_amount: 100 + n }));
    const run = await sync([stateLine('prices', 1), ...many, stateLine('prices', 2), product(0), stateLine('prices', 3)]);
    const id = env.emulator.objects('products')[0]!.id;
    expect(env.emulator.objects('prices').filter((p) => p['product'] === id)).toHaveLength(1_200);
    // States still wait for every record before them.
    const states = run.result.messages.filter((m) => m.type === 'STATE').map((m) => m.state.stream.stream_state.cursor);
    expect(states).toEqual([1, 2, 3]);
  }, 120_000);

  it('a second sync of 30 new prices resolves their products from one bulk read, with no per-record lookups', async () => {
    await sync([...products, ...prices]);
    const fresh = Array.from({ length: 30 }, (_, k) => price(k, 3 + (k % 2)));
    const second = await sync(fresh, { streams: [catalogStreams[1]!] });
    expect(second.posts).toBe(30);
    // One list page of products (50 fit one page) plus the prices stream's own re-sync read (150 prices: 2 pages); no search, no retrieve.
    const gets = second.requests.filter((r) => r.method === 'GET').map((r) => r.path);
    expect(gets.filter((p) => p === '/v1/products')).toHaveLength(1);
    expect(gets.filter((p) => p !== '/v1/products' && p !== '/v1/prices')).toEqual([]);
    expect(env.emulator.objects('prices')).toHaveLength(180);
    const idOfSku = new Map(env.emulator.objects('products').map((p) => [(p.metadata as Record<string, string>)['sku'], p.id]));
    for (const p of env.emulator.objects('prices').filter((o) => /-[34]$/.test(String((o.metadata as Record<string, string>)['price_code'])))) {
      const [, i] = /^P-(\d+)-/.exec((p.metadata as Record<string, string>)['price_code']!)!;
      expect(p['product']).toBe(idOfSku.get(`SKU-${i}`));
    }
  });
});

describe('keys that resolve to nothing or to several objects', () => {
  it('refuses a price whose SKU no product holds, without a request, naming the field and the resource (value hashed)', async () => {
    const run = await sync([price(7, 0)], { streams: [catalogStreams[1]!] });
    expect(run.posts).toBe(0);
    const warning = run.logs.find((l) => l.includes('reference_unresolved'));
    expect(warning).toMatch(/reference_unresolved on product - no products object with sku = #[0-9a-f]{10}/);
    expect(warning).not.toContain('SKU-7');
  });

  it('with the products stream in the sync, an SKU that never arrives is refused at the end of the input', async () => {
    const run = await sync([price(7, 0), product(1)]);
    expect(env.emulator.objects('prices')).toHaveLength(0);
    expect(run.logs.some((l) => /reference_unresolved on product/.test(l))).toBe(true);
    expect(run.logs).toContain('Stream "prices": 1 record: 1 rejected.');
  });

  it('refuses a price whose SKU two products hold, naming both ids', async () => {
    const a = await fetch(`${env.emulator.url}/v1/products`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=A&metadata[sku]=SKU-2' }).then((r) => r.json() as Promise<{ id: string }>);
    const b = await fetch(`${env.emulator.url}/v1/products`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' }, body: 'name=B&metadata[sku]=SKU-2' }).then((r) => r.json() as Promise<{ id: string }>);
    const run = await sync([price(2, 0)], { streams: [catalogStreams[1]!] });
    expect(run.posts).toBe(0);
    const warning = run.logs.find((l) => l.includes('reference_ambiguous'))!;
    expect(warning).toContain(a.id);
    expect(warning).toContain(b.id);
  });

  it('a price whose product record was refused is refused with that reason', async () => {
    const bad = recordLine('products', { sku: 'SKU-3', name: 'x', no_such_field: 1 });
    const run = await sync([bad, price(3, 0)]);
    expect(run.posts).toBe(0);
    expect(run.logs.some((l) => /reference_rejected on product - the record that writes products object with sku = #[0-9a-f]{10} in this sync was refused: validation_failed/.test(l))).toBe(true);
  });

  it('a dry run resolves with GET requests only and counts unresolved references in its plan', async () => {
    await sync(Array.from({ length: 3 }, (_, i) => product(i)));
    const dry = await sync([price(0, 0), price(1, 0), price(9, 0)], { streams: [catalogStreams[1]!], config: config({ dry_run: true }) });
    expect(dry.posts).toBe(0);
    expect(dry.logs).toContain('dry run plan for stream "prices": 2 to create, 0 to update, 0 to delete, 0 unchanged, 1 refused (1 with unresolved references)');
  });
});

describe('subscriptions referencing customers by crm_id and prices by price_code', () => {
  it('land with the right customer and item prices', async () => {
    const streams: StreamSpec[] = [
      ...catalogStreams,
      { name: 'customers', destination_object_name: 'customers', destination_sync_mode: 'append_dedup', primary_key: [['crm_id']] },
      { name: 'subscriptions', destination_object_name: 'subscriptions', destination_sync_mode: 'append_dedup', primary_key: [['contract_id']] },
    ];
    const settings = [
      byProductSku,
      { stream: 'subscriptions', references: { customer: { resource: 'customers', matching_key: 'crm_id' }, 'items[].price': { resource: 'prices', matching_key: 'price_code' } } },
    ];
    const recurring = (i: number, j: number) => recordLine('prices', { price_code: `R-${i}-${j}`, product: `SKU-${i}`, currency: 'usd', unit_amount: 500 + j, recurring: { interval: 'month' } });
    const messages = [
      product(0),
      product(1),
      recurring(0, 0),
      recurring(1, 0),
      recurring(1, 1),
      ...[0, 1, 2].map((c) => recordLine('customers', { crm_id: `crm-${c}`, email: `c${c}@example.com` })),
      recordLine('subscriptions', { contract_id: 'k-0', customer: 'crm-0', items: [{ price: 'R-0-0' }] }),
      recordLine('subscriptions', { contract_id: 'k-1', customer: 'crm-1', items: [{ price: 'R-1-0', quantity: 2 }, { price: 'R-1-1' }] }),
      recordLine('subscriptions', { contract_id: 'k-2', customer: 'crm-2', items: [{ price: 'R-0-0' }] }),
    ];
    await sync(messages, { streams, config: config({ stream_settings: settings }) });
    const customerOf = new Map(env.emulator.objects('customers').map((c) => [(c.metadata as Record<string, string>)['crm_id'], c.id]));
    const priceOf = new Map(env.emulator.objects('prices').map((p) => [(p.metadata as Record<string, string>)['price_code'], p.id]));
    const subscriptions = new Map(env.emulator.objects('subscriptions').map((s) => [(s.metadata as Record<string, string>)['contract_id'], s]));
    expect(subscriptions.size).toBe(3);
    expect(subscriptions.get('k-1')!['customer']).toBe(customerOf.get('crm-1'));
    const items = (s: Record<string, unknown>) => JSON.stringify(s['items']);
    expect(items(subscriptions.get('k-1')!)).toContain(priceOf.get('R-1-0'));
    expect(items(subscriptions.get('k-1')!)).toContain(priceOf.get('R-1-1'));
    expect(items(subscriptions.get('k-2')!)).toContain(priceOf.get('R-0-0'));
    expect(subscriptions.get('k-2')!['customer']).toBe(customerOf.get('crm-2'));
  });
});

describe('Stripe Connect per record', () => {
  const accounts = ['acct_One1', 'acct_Two2', 'acct_Three3'];
  const customers = Array.from({ length: 200 }, (_, i) =>
    // crm-0 … crm-39 exist in two accounts each (i and i + 100 share a crm_id).
    recordLine('crm', { crm_id: `crm-${i % 100}`, acct: accounts[i < 100 ? i % 2 : 1 + (i % 2)], email: `c${i}@example.com`, name: `Customer ${i}` }),
  );
  const streams: StreamSpec[] = [{ name: 'crm', destination_object_name: 'customers', destination_sync_mode: 'append_dedup', primary_key: [['crm_id']] }];
  const connect = config({ stream_settings: [{ stream: 'crm', stripe_account_field: 'acct' }], stripe_account: 'acct_One1' });

  it('200 customers over 3 accounts with overlapping crm_id: each account holds exactly its own; the re-run is unchanged; no acct in a body', async () => {
    await sync(customers, { streams, config: connect });
    const expected = new Map<string, Set<string>>(accounts.map((a) => [a, new Set()]));
    customers.forEach((line) => {
      const data = line.record.data as { crm_id: string; acct: string; name: string };
      expected.get(data.acct)!.add(`${data.crm_id}:${data.name}`);
    });
    for (const account of accounts) {
      const held = env.emulator.objects('customers', account).map((c) => `${(c.metadata as Record<string, string>)['crm_id']}:${String(c['name'])}`);
      expect(new Set(held)).toEqual(expected.get(account));
      expect(held).toHaveLength(expected.get(account)!.size);
    }
    expect(env.emulator.count('customers')).toBe(0);
    const log = env.emulator.requestLog();
    expect(log.filter((r) => (r.body ?? '').includes('acct'))).toEqual([]);
    expect(new Set(log.map((r) => r.account))).toEqual(new Set(accounts));

    const rerun = await sync(customers, { streams, config: connect });
    expect(rerun.posts).toBe(0);
    expect(rerun.logs).toContain('Stream "crm": 200 records: 200 unchanged.');
  });

  it('refuses a record whose account field is not an account id, and one the key cannot act on, without failing the sync', async () => {
    const run = await sync(
      [
        recordLine('crm', { crm_id: 'x-1', acct: 'cus_123', email: 'a@example.com' }),
        recordLine('crm', { crm_id: 'x-2', acct: 'acct_Unknown9', email: 'b@example.com' }),
        recordLine('crm', { crm_id: 'x-3', acct: 'acct_Two2', email: 'c@example.com' }),
      ],
      { streams, config: connect },
    );
    expect(run.logs.some((l) => /invalid_field on acct/.test(l))).toBe(true);
    expect(run.logs.some((l) => /account_invalid/.test(l))).toBe(true);
    expect(env.emulator.count('customers', 'acct_Two2')).toBe(1);
  });
});

describe('cost', () => {
  it('the references of a 10,000-price sync cost one list read of the products (N/100 requests), not a lookup per record', async () => {
    // 400 products: read in pages one after the other (larger accounts are read in parallel created-ranges,
    // which adds at most one boundary page per lane: docs/performance.md).
    const N = 400;
    for (let i = 0; i < N; i += 50) {
      await Promise.all(
        Array.from({ length: 50 }, (_, k) =>
          fetch(`${env.emulator.url}/v1/products`, { method: 'POST', headers: { Authorization: 'Bearer sk_test_x', 'Content-Type': 'application/x-www-form-urlencoded' }, body: `name=P${i + k}&metadata[sku]=SKU-${i + k}` }),
        ),
      );
    }
    const prices = Array.from({ length: 10_000 }, (_, n) => recordLine('prices', { price_code: `C-${n}`, product: `SKU-${n % N}`, currency: 'usd', unit_amount: 100 + n }));
    // A dry run resolves exactly as a write does (GET only), without 10,000 creates: the count is of reads.
    const dry = await sync(prices, { streams: [catalogStreams[1]!], config: config({ dry_run: true }) });
    const productReads = dry.requests.filter((r) => r.path.startsWith('/v1/products'));
    expect(productReads.every((r) => r.method === 'GET' && r.path === '/v1/products')).toBe(true);
    expect(productReads.length).toBeLessThanOrEqual(N / 100);
    expect(dry.logs).toContain('dry run plan for stream "prices": 10000 to create, 0 to update, 0 to delete, 0 unchanged');
  }, 120_000);
});
