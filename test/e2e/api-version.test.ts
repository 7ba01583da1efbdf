// The Stripe-Version a sync sends, validation at every depth in dry run, and what pinning another version changes.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { STRIPE_API_VERSION } from '../../src/generated/stripe-api-version.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());
beforeEach(() => emulator.reset());

const SECRET = 'planet-secret-value';
const template = (resource: string, extra: Record<string, unknown> = {}) => ({ configuration: { mode: 'template', resource_type: resource, ...extra } });
const logs = (r: Awaited<ReturnType<typeof writeToEmulator>>, level?: string): string[] =>
  r.messages.filter((m) => m.type === 'LOG' && (level === undefined || m.log.level === level)).map((m) => m.log.message as string);

describe('Stripe-Version', () => {
  it('sends the pinned package version by default, on v1 and v2 requests alike', async () => {
    const messages = [
      recordLine('crm', { email: 'a@example.com', business_name: 'Acme' }),
      recordLine('usage', { event_name: 'api_calls', type: 'cancel', cancel: { identifier: 'evt-1' } }),
      stateLine('crm', 1),
    ];
    const r = await writeToEmulator({
      url: emulator.url,
      config: { configuration: { mode: 'template', resource_type: 'customers' } },
      streams: [{ name: 'crm' }],
      messages: messages.slice(0, 1).concat(messages.slice(2)),
    });
    expect(r.code, r.stdout).toBe(0);
    const v2 = await writeToEmulator({ url: emulator.url, config: template('billing_meter_event_adjustments'), streams: [{ name: 'usage' }], messages: [messages[1]!] });
    expect(v2.code, v2.stdout).toBe(0);
    const sent = emulator.requestLog();
    expect(sent.map((q) => q.path)).toEqual(['/v1/customers', '/v2/billing/meter_event_adjustments']);
    expect(sent.map((q) => q.stripeVersion)).toEqual([STRIPE_API_VERSION, STRIPE_API_VERSION]);
    expect(sent[1]!.contentType).toMatch(/^application\/json/);
    expect(logs(r, 'INFO')).toContain(`Stripe-Version ${STRIPE_API_VERSION} (the default: the version of the request schemas).`);
  });

  it('refuses an unknown nested field in dry run, naming its path and never its value', async () => {
    const messages = [
      recordLine('crm', { email: 'a@example.com', address: { city: 'Paris', planet: SECRET } }),
      recordLine('crm', { email: 'b@example.com', address: { city: 'Paris' } }),
      stateLine('crm', 1),
    ];
    const r = await writeToEmulator({ url: emulator.url, config: { ...template('customers'), dry_run: true }, streams: [{ name: 'crm' }], messages });
    expect(r.code).toBe(0);
    expect(emulator.requestLog()).toHaveLength(0);
    const refusal = logs(r).find((m) => m.includes('address.planet'));
    expect(refusal).toContain('unknown field "address.planet"');
    expect(r.stdout + r.stderr).not.toContain(SECRET);
    expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 1 });
  });

  it('with another api_version pinned, sends it, refuses nothing on the schemas and says so once', async () => {
    const messages = [
      // `coupon` on a customer: gone from the current API, accepted by 2023-08-16.
      recordLine('crm', { email: 'a@example.com', coupon: 'SUMMER' }),
      recordLine('crm', { email: 'b@example.com', address: { planet: SECRET } }),
      stateLine('crm', 1),
    ];
    const config = { ...template('customers'), dry_run: true, api_version: '2023-08-16' };
    const r = await writeToEmulator({ url: emulator.url, config, streams: [{ name: 'crm' }], messages });
    expect(r.code).toBe(0);
    expect(r.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 2, rejectedRecordCount: 0 });
    const warnings = logs(r, 'WARN').filter((m) => m.startsWith('Stripe-Version 2023-08-16 (pinned by api_version)'));
    expect(warnings).toHaveLength(1);

    // Sent for real, the header carries the pinned version, and what the connector still checks is its own need: the matching key.
    const update = await writeToEmulator({
      url: emulator.url,
      config: { ...template('customers', { operation: 'update' }), api_version: '2023-08-16' },
      streams: [{ name: 'crm' }],
      messages: [recordLine('crm', { name: 'no id here' }), stateLine('crm', 1)],
    });
    expect(update.messages.find((m) => m.type === 'STATE')!.state.destinationStats).toEqual({ recordCount: 1, rejectedRecordCount: 1 });
    expect(logs(update).some((m) => m.includes('record has no "id"'))).toBe(true);
    const created = await writeToEmulator({ url: emulator.url, config: { ...template('customers'), api_version: '2023-08-16' }, streams: [{ name: 'crm' }], messages: [recordLine('crm', { email: 'c@example.com' })] });
    expect(created.code).toBe(0);
    expect(emulator.requestLog().map((q) => q.stripeVersion)).toEqual(['2023-08-16']);
  });
});
