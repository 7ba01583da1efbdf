// `write` at default pacing against the emulator's model of Stripe's limits (a global bucket and one per
// endpoint). No verdict depends on speed: the connector's buckets (24/s, a tenth of a second of burst)
// stay inside the emulator's (25/s, a second of burst) however the machine stalls, so no 429 may come back.
import { afterEach, describe, expect, it } from 'vitest';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { recordLine, stateLine, writeToEmulator } from '../helpers/write-run.js';

let emulator: Emulator | undefined;
afterEach(async () => {
  await emulator?.stop();
  emulator = undefined;
});

/** `perStream` records of each stream, one of each in turn, then a STATE per stream. */
function interleaved(perStream: number): object[] {
  const messages: object[] = [];
  for (let i = 0; i < perStream; i++) {
    messages.push(recordLine('people', { email: `p${i}@example.com`, metadata: { seq: String(i) } }));
    messages.push(recordLine('goods', { name: `Good ${i}`, metadata: { seq: String(i) } }));
  }
  messages.push(stateLine('people', perStream), stateLine('goods', perStream));
  return messages;
}

const streams = [
  { name: 'people', destination_object_name: 'customers' },
  { name: 'goods', destination_object_name: 'products' },
];
const base = { configuration: { mode: 'template', resource_type: 'customers' }, requests_per_second: undefined };

function seqs(objects: Array<Record<string, unknown>>): string[] {
  return objects.map((o) => String((o['metadata'] as Record<string, string>)['seq'])).sort();
}

describe('default pacing under Stripe-like limits', () => {
  it.each([
    ['live', 'sk_live_emulatorPacing42'],
    ['test', 'sk_test_emulatorPacing42'],
  ])('%s key, two endpoints at once: every record once, no 429', async (mode, key) => {
    emulator = await startEmulator({ live: mode === 'live', latency: { medianMs: 5, sigma: 0.8, seed: 3 } });
    const r = await writeToEmulator({ url: emulator.url, config: { ...base, api_key: key }, streams, messages: interleaved(30) });
    expect(r.code, r.stdout).toBe(0);
    expect(seqs(emulator.objects('customers'))).toEqual(seqs(Array.from({ length: 30 }, (_, i) => ({ metadata: { seq: String(i) } }))));
    expect(emulator.count('products')).toBe(30);
    expect(emulator.requestLog().filter((q) => q.status === 429)).toEqual([]);
  });

  it('an endpoint held below the pace gets 429s and backs off; every record still lands once', async () => {
    emulator = await startEmulator({ live: true, endpointRateLimit: 8 });
    const r = await writeToEmulator({ url: emulator.url, config: { ...base, api_key: 'sk_live_emulatorPacing42' }, streams, messages: interleaved(30) });
    expect(r.code, r.stdout).toBe(0);
    expect(emulator.count('customers')).toBe(30);
    expect(emulator.count('products')).toBe(30);
    expect(new Set(seqs(emulator.objects('customers'))).size).toBe(30);
    expect(emulator.requestLog().some((q) => q.status === 429)).toBe(true);
  });
});
