// Acceptance of issue #12: no top-level create parameter of the current API is refused as unknown, for any
// resource; nested unknown fields are refused with their path; schema checks off under another version.
import { describe, expect, it } from 'vitest';
import { listResources, readResourceSchema } from '../../src/mapping/resources.js';
import { validateBody } from '../../src/mapping/record-validation.js';
import { createTemplateMapper } from '../../src/mapping/template.js';

describe('current API parameters', () => {
  const cases = listResources().flatMap((r) =>
    Object.keys((readResourceSchema(r.createSchema)['properties'] as Record<string, unknown> | undefined) ?? {}).map((field) => [r.name, field] as const),
  );

  it('covers every offered resource', () => {
    expect(new Set(cases.map(([r]) => r)).size).toBe(listResources().length);
    expect(cases.length).toBeGreaterThan(400);
  });

  it('refuses none of them as unknown, whatever value it carries', () => {
    const unknown = cases.filter(([resource, field]) => {
      const rejection = validateBody(resource, 'create', { [field]: 'x' }, { required: false, maxProblems: 100 });
      return rejection?.reason.includes(`unknown field "${field}"`);
    });
    expect(unknown).toEqual([]);
  });

  it.each([
    ['customers', 'business_name'],
    ['customers', 'individual_name'],
    ['products', 'marketing_features'],
    ['subscriptions', 'billing_mode'],
    ['invoices', 'automatically_finalizes_at'],
    ['invoiceitems', 'pricing'],
  ])('%s create knows %s (refused before #12)', (resource, field) => {
    expect(cases).toContainEqual([resource, field]);
  });
});

describe('null on update (sent as an empty value, which unsets)', () => {
  it('is accepted where Stripe lets a field be unset, refused where it cannot be', () => {
    expect(validateBody('customers', 'update', { address: null, description: null, metadata: { crm: null } })).toBeUndefined();
    expect(validateBody('subscriptions', 'update', { cancel_at_period_end: null })).toMatchObject({
      param: 'cancel_at_period_end',
      reason: 'subscriptions update: field "cancel_at_period_end" cannot be unset (null or "")',
    });
    expect(validateBody('customers', 'update', { invoice_settings: { custom_fields: null, rendering_options: { amount_tax_display: null } } })).toBeUndefined();
  });
});

describe('schema checks under another API version', () => {
  const keys = () => ({ key: 'k' });

  it('are on by default and refuse unknown fields at any depth', () => {
    const map = createTemplateMapper({ resource: 'customers', operation: 'create', idempotencyKey: keys });
    expect(map({ email: 'a@example.com', address: { planet: 'Mars' } })).toMatchObject({ kind: 'rejected', rejection: { param: 'address[planet]' } });
  });

  it('are off when the sync pins another version: bodies go as they are, ids and matching keys are still checked', () => {
    const create = createTemplateMapper({ resource: 'customers', operation: 'create', idempotencyKey: keys, schemaChecks: false });
    expect(create({ email: 'a@example.com', coupon: 'OLD', address: { planet: 'Mars' } })).toMatchObject({
      kind: 'request',
      request: { body: { email: 'a@example.com', coupon: 'OLD', address: { planet: 'Mars' } } },
    });
    const update = createTemplateMapper({ resource: 'customers', operation: 'update', idempotencyKey: keys, schemaChecks: false });
    expect(update({ name: 'x' })).toMatchObject({ kind: 'rejected', rejection: { code: 'missing_field', param: 'id' } });
    const nested = createTemplateMapper({ resource: 'product_features', operation: 'create', idempotencyKey: keys, schemaChecks: false });
    expect(nested({ entitlement_feature: 'feat_1' })).toMatchObject({ kind: 'rejected', rejection: { code: 'missing_field', param: 'product' } });
    // Upsert still splits the fields the schemas know (a plan's currency goes only to create); a field they do
    // not know (one of another version) goes to both requests and Stripe judges it.
    const upsert = createTemplateMapper({ resource: 'plans', operation: 'upsert', idempotencyKey: keys, schemaChecks: false });
    const mapped = upsert({ id: 'gold', currency: 'usd', interval: 'month', nickname: 'Gold', aggregate_usage: 'sum' });
    expect(mapped).toMatchObject({
      kind: 'request',
      request: { path: '/v1/plans/gold', body: { nickname: 'Gold', aggregate_usage: 'sum' } },
      onMissing: { body: { id: 'gold', currency: 'usd', interval: 'month', nickname: 'Gold', aggregate_usage: 'sum' } },
    });
    expect((mapped as { request: { body: Record<string, unknown> } }).request.body).not.toHaveProperty('currency');
  });
});
