// Child script: bytes the bulk read's index keeps per object. Usage: node --expose-gc --import tsx bench/lib/index-memory.ts <objects>
// Objects are built as list pages of 100 and parsed from JSON, as the connector receives them, then dropped.
import { ExistingIndex } from '../../src/resync/existing-index.js';
import { fieldNames } from '../../src/resync/normalize.js';
import { IdMemory } from '../../src/resync/key-table.js';
import { knownIdKey } from '../../src/mapping/upsert.js';

const objects = Number(process.argv[2] ?? 100_000);
/** `index` (default): the bulk read's index; `ids`: the sync's memory of created ids (key → id), as upserts fill it. */
const kind = process.argv[3] ?? 'index';
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

const body = { name: 'x', email: 'x', metadata: { external_id: 'x', tier: 'x' } };
const customer = (i: number) => ({
  id: `cus_${(1e13 + i * 7919).toString(36).toUpperCase()}`,
  object: 'customer',
  address: null,
  balance: 0,
  created: 1_764_000_000 + Math.floor(i / 50),
  currency: null,
  default_source: null,
  delinquent: false,
  description: null,
  email: `person${i}@example.com`,
  invoice_prefix: 'ABCD1234',
  invoice_settings: { custom_fields: null, default_payment_method: null, footer: null, rendering_options: null },
  livemode: false,
  metadata: { external_id: `ext-${i}`, tier: i % 2 ? 'gold' : 'silver' },
  name: `Person ${i}`,
  phone: null,
  preferred_locales: [],
  shipping: null,
  tax_exempt: 'none',
  test_clock: null,
});

const settle = (): NodeJS.MemoryUsage => {
  gc();
  gc();
  return process.memoryUsage();
};
const before = settle();
const index = new ExistingIndex({ fields: fieldNames(body), matchingKey: 'external_id' });
const ids = new IdMemory();
if (kind === 'ids') for (let i = 0; i < objects; i += 1) ids.set(knownIdKey('customers', 'external_id', `ext-${i}`), customer(i).id);
else for (let start = 0; start < objects; start += 100) {
  const page = JSON.stringify({ object: 'list', data: Array.from({ length: Math.min(100, objects - start) }, (_, k) => customer(start + k)), has_more: true });
  for (const o of (JSON.parse(page) as { data: Record<string, unknown>[] }).data) index.add(o);
}
// Both stay reachable through the measurement.
(globalThis as { kept?: unknown }).kept = [index, ids];
const after = settle();
const kept = after.heapUsed + after.arrayBuffers - (before.heapUsed + before.arrayBuffers);
const mib = (bytes: number): number => Math.round((bytes / 2 ** 20) * 10) / 10;
console.log(
  JSON.stringify({
    kind,
    objects: kind === 'ids' ? objects : index.size,
    fields: kind === 'ids' ? 0 : index.fields.length,
    bytesPerObject: Math.round(kept / objects),
    // Of which in V8's object heap (what its old generation grows from) and in typed arrays outside it.
    heapMiB: mib(after.heapUsed - before.heapUsed),
    typedArraysMiB: mib(after.arrayBuffers - before.arrayBuffers),
    keptMiB: mib(kept),
  }),
);
