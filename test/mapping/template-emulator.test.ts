// Every resource's example operations, mapped by the template mapper and sent to the local emulator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { creationOrder, exampleFor, fillPlaceholders, RESOURCE_EXAMPLES } from '../../src/mapping/examples.js';
import { listResources, type TemplateOperation } from '../../src/mapping/resources.js';
import { createTemplateMapper } from '../../src/mapping/template.js';
import type { WriteResult, MapResult } from '../../src/core/mapped-request.js';
import { createStripeClient, type StripeClient } from '../../src/stripe/client.js';
import type { ResourceType } from '../../src/generated/config.js';
import type { StripeOutcome } from '../../src/core/stripe-request.js';

let emulator: Emulator;
let client: StripeClient;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
  client = createStripeClient({ apiKey: 'sk_test_emulator', apiBaseUrl: emulator.url, maxAttempts: 1 });
});
afterAll(async () => {
  client.close();
  await emulator.stop();
});

let sequence = 0;

/** What the sink does with a mapped request: execute, or send with onMissing and missingIsSuccess. */
async function run(result: MapResult): Promise<StripeOutcome | WriteResult> {
  if (result.kind === 'rejected') throw new Error(`mapper rejected: ${JSON.stringify(result.rejection)}`);
  const send = (request: Parameters<StripeClient['send']>[0]) => client.send(request);
  if (result.execute) return result.execute(send);
  const outcome = await send(result.request);
  if (outcome.kind === 'rejected' && outcome.status === 404) {
    if (result.onMissing) return send(result.onMissing);
    if (result.missingIsSuccess) return { kind: 'success', status: 404, body: null, replayed: false, attempts: 1 };
  }
  return outcome;
}

function mapper(resource: ResourceType, operation: TemplateOperation, matchingKey = 'id') {
  const run = ++sequence;
  return createTemplateMapper({ resource, operation, matchingKey, idempotencyKey: (op, res, data) => ({ key: `test-${run}-${op}-${res}-${JSON.stringify(data).length}` }) });
}

/** Creates the example's dependencies and the object itself; returns the placeholder resolver. */
async function prepare(resource: ResourceType): Promise<(name: string) => string> {
  const ids = new Map<string, string>();
  const resolve = (name: string): string => {
    const id = ids.get(name);
    if (!id) throw new Error(`no ${name} created for the example`);
    return id;
  };
  for (const name of [...creationOrder(resource), resource]) {
    const outcome = await run(mapper(name, 'create')(fillPlaceholders(RESOURCE_EXAMPLES[name].create, resolve)));
    expect(outcome, `create ${name}`).toMatchObject({ kind: 'success' });
    const id = (outcome as { body: { id?: string } }).body.id;
    if (id) ids.set(name === resource ? 'self' : name, id);
  }
  return resolve;
}

const cases = listResources().flatMap((r) => r.operations.map((operation) => [r.name, operation] as const));

/** Where a delete is an action endpoint (cancel or void), the state the object must end in. */
const endedState: Partial<Record<ResourceType, string>> = { payment_intents: 'canceled', setup_intents: 'canceled', quotes: 'canceled', credit_notes: 'void', billing_meters: 'inactive' };

describe('template mode against the emulator', () => {
  it('covers every cancel/void delete', () => {
    const actions = listResources().filter((r) => r.delete?.kind === 'action').map((r) => r.name).sort();
    // Credit grants have no status: their void sets voided_at (checked below).
    expect(actions).toEqual([...Object.keys(endedState), 'refunds', 'billing_credit_grants'].sort());
  });

  // A refund that already succeeded cannot be canceled (Stripe cancels only refunds in requires_action);
  // the example refund is a card refund, so its delete is the refusal tested below.
  it.each(cases.filter(([r, o]) => !(r === 'refunds' && o === 'delete')))('%s %s', async (resource, operation) => {
    const resolve = await prepare(resource);
    if (operation === 'create') return;
    const example = exampleFor(resource, operation)!;
    const outcome = await run(mapper(resource, operation, example.matchingKey)(fillPlaceholders(example.record, resolve)));
    expect(outcome, JSON.stringify(outcome)).toMatchObject({ kind: 'success' });
    const ended = operation === 'delete' ? endedState[resource] : undefined;
    if (ended) expect(emulator.objects(resource).find((o) => o.id === resolve('self'))).toMatchObject({ status: ended });
    if (resource === 'billing_credit_grants' && operation === 'delete') {
      expect(emulator.objects(resource).find((o) => o.id === resolve('self'))?.['voided_at']).toEqual(expect.any(Number));
    }
  });

  it('refunds delete cancels a refund that waits for customer action, and is refused for a succeeded one', async () => {
    const resolve = await prepare('refunds');
    const succeeded = await run(mapper('refunds', 'delete')({ id: resolve('self') }));
    expect(succeeded).toMatchObject({ kind: 'rejected', status: 400 });
    const waiting = await run(mapper('refunds', 'create')({ charge: resolve('charges'), instructions_email: 'ada@example.com' }));
    const id = (waiting as { body: { id: string; status: string } }).body.id;
    expect((waiting as { body: { status: string } }).body.status).toBe('requires_action');
    expect(await run(mapper('refunds', 'delete')({ id }))).toMatchObject({ kind: 'success' });
    expect(emulator.objects('refunds').find((o) => o.id === id)).toMatchObject({ status: 'canceled' });
    const cancels = emulator.requestLog().filter((q) => q.method === 'POST' && q.path.endsWith('/cancel') && q.path.startsWith('/v1/refunds/'));
    expect(cancels.map((q) => q.path)).toEqual([`/v1/refunds/${resolve('self')}/cancel`, `/v1/refunds/${id}/cancel`]);
  });

  it('a delete whose object is gone counts as deleted for cancel and void too', async () => {
    expect(await run(mapper('payment_intents', 'delete')({ id: 'pi_missing' }))).toMatchObject({ kind: 'success', status: 404 });
    expect(await run(mapper('credit_notes', 'delete')({ id: 'cn_missing' }))).toMatchObject({ kind: 'success', status: 404 });
  });

  it('upsert by external key creates once, then updates the same object', async () => {
    const before = emulator.count('customers');
    const record = { crm_id: 'crm-77', email: 'grace@example.com', name: 'Grace' };
    const shared = new Map<string, string>();
    const map = () => createTemplateMapper({ resource: 'customers', operation: 'upsert', matchingKey: 'crm_id', idempotencyKey: () => ({ key: `k-${++sequence}` }), knownIds: shared });
    const created = await run(map()(record));
    const updated = await run(map()({ ...record, name: 'Grace Hopper' }));
    // A re-run with a fresh memory finds it by search (the emulator's index is immediate).
    const again = await run(createTemplateMapper({ resource: 'customers', operation: 'upsert', matchingKey: 'crm_id', idempotencyKey: () => ({ key: `k-${++sequence}` }) })(record));
    expect([created.kind, updated.kind, again.kind]).toEqual(['success', 'success', 'success']);
    expect(emulator.count('customers')).toBe(before + 1);
    const customer = emulator.objects('customers').find((c) => (c['metadata'] as Record<string, string>)['crm_id'] === 'crm-77');
    expect(customer).toMatchObject({ name: 'Grace', email: 'grace@example.com' });
  });

  it('upsert by custom id creates on resource_missing, then updates', async () => {
    const map = () => mapper('coupons', 'upsert');
    expect(await run(map()({ id: 'WINTER10', percent_off: 10, duration: 'once', name: 'Winter' }))).toMatchObject({ kind: 'success' });
    expect(await run(map()({ id: 'WINTER10', percent_off: 10, duration: 'once', name: 'Winter sale' }))).toMatchObject({ kind: 'success' });
    expect(emulator.objects('coupons').filter((c) => c.id === 'WINTER10')).toMatchObject([{ name: 'Winter sale' }]);
  });

  it('archives a price on delete and counts a missing object as deleted', async () => {
    const resolve = await prepare('prices');
    await run(mapper('prices', 'delete')({ id: resolve('self') }));
    expect(emulator.objects('prices').find((p) => p.id === resolve('self'))).toMatchObject({ active: false });
    expect(await run(mapper('customers', 'delete')({ id: 'cus_missing' }))).toMatchObject({ kind: 'success', status: 404 });
  });
});
