// Manual-mode URL injection: record values can never leave /v1/customers/<one segment> on the configured host.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';

const HOSTILE = [
  '../', '..', '.', '../../v1/charges', '//evil.example', '%2e%2e', '%2E%2E/x', '?expand=x', '#frag', 'a/b', 'a\\b',
  'cus_1\r\nHost: evil.example', 'x\nGET /v1/charges', '\u2024\u2024', '．．', '\uff0e\uff0e/\uff0e\uff0e', 'https://evil.example/',
  '@evil.example', ' ', '', '%00', 'cus_\u0000x', '\ud800',
];

let emulator: Emulator;
beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());

describe('manual-mode URL templates and hostile record values', () => {
  it('every request stays at /v1/customers/<one segment> on the emulator host; the rest are rejected', async () => {
    const messages = [...HOSTILE.map((id, i) => recordLine('crm', { id, n: String(i) })), stateLine('crm', 1)];
    const r = await writeToEmulator({
      url: emulator.url,
      config: { configuration: { mode: 'manual', url: '/v1/customers/{message.id}', body: '{"metadata": {"n": "{message.n}"}}' } },
      streams: [{ name: 'crm' }],
      messages,
    });
    // Every hostile record is refused, so the sync fails by default (after its state).
    expect(r.code, r.stdout.slice(-2000)).toBe(1);
    const host = new URL(emulator.url).host;
    const log = emulator.requestLog();
    expect(log.length).toBeGreaterThan(0);
    expect(log.length).toBeLessThanOrEqual(HOSTILE.length);
    for (const q of log) {
      expect(q.host, q.path).toBe(host);
      expect(q.method).toBe('POST');
      expect(q.path, q.path).toMatch(/^\/v1\/customers\/[^/?#\s]+$/);
      const segment = decodeURIComponent(q.path.slice('/v1/customers/'.length));
      expect(['.', '..']).not.toContain(segment);
    }
    // Every record is either sent (and refused by Stripe as a missing customer) or rejected before sending.
    const state = r.messages.find((m) => m.type === 'STATE')!.state;
    expect(state.destinationStats).toEqual({ recordCount: HOSTILE.length, rejectedRecordCount: HOSTILE.length });
    expect(emulator.count('customers')).toBe(0);
    const warnings = r.messages.filter((m) => m.type === 'LOG' && m.log.level === 'WARN').map((m) => m.log.message as string);
    expect(warnings).toHaveLength(HOSTILE.length);
    for (const w of warnings) expect(w).not.toContain('evil.example');
  });

  it.each([
    ['https://evil.example/v1/customers/{message.id}', 'configuration.url'],
    ['//evil.example/v1/customers', 'configuration.url'],
    ['/v1/customers/{message.id}#x', 'fragment'],
    ['https://{message.host}/v1/customers', 'configuration.url'],
    ['/v1/../v1/customers', 'configuration.url'],
  ])('the template %s is refused before any request', async (url, names) => {
    emulator.reset();
    const r = await writeToEmulator({ url: emulator.url, config: { configuration: { mode: 'manual', url } }, streams: [{ name: 'crm' }], messages: [recordLine('crm', { id: 'cus_1', host: 'evil.example' })] });
    expect(r.code).toBe(1);
    const trace = r.messages.find((m) => m.type === 'TRACE')!;
    expect(trace.trace.error.failure_type).toBe('config_error');
    expect(trace.trace.error.message).toContain(names);
    expect(emulator.requestLog()).toHaveLength(0);
  });
});
