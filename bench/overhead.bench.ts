// P2 (information since #22): the connector's own cost per request: `write` records/s through the built CLI ÷ a raw keep-alive node:http loop
// sending the same form bodies and headers at the same concurrency, both against one emulator in its own process.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { createStripeClient } from '../src/stripe/client.js';
import { createTransport } from '../src/stripe/transport.js';
import { createPacer } from '../src/pipeline/pacer.js';
import { encodeForm } from '../src/stripe/encode.js';
import { deriveIdempotencyKey } from '../src/stripe/idempotency.js';
import { DEFAULT_API_VERSION, USER_AGENT } from '../src/stripe/version.js';
import { customersConfig, runWrite, type WriteRun } from './lib/connector.js';
import { startEmulatorProcess, type EmulatorProcess } from './lib/emulator-process.js';
import { rawLoop, type RawRequest } from './lib/raw-client.js';
import { round } from './lib/stats.js';
import type { BenchResult } from './types.js';

const concurrency = 32;
const stateEvery = 1_000;

/** The wire form of the records `bench/lib/input.ts` generates, as the connector would send them. */
function rawRequests(count: number, tag: string): RawRequest[] {
  return Array.from({ length: count }, (_, k) => {
    const i = k + 1;
    const data = { email: `user${i}.${tag}@example.com`, name: `User ${i}`, metadata: { crm_id: `crm-${tag}-${i}` } };
    const derived = deriveIdempotencyKey({ source: 'auto', stream: 'customers', operation: 'create', resource: 'customers', primaryKey: [data.metadata.crm_id], record: data });
    if (!('key' in derived) || !derived.key) throw new Error('P2: no idempotency key');
    return {
      path: '/v1/customers',
      body: encodeForm(data),
      headers: {
        authorization: 'Bearer sk_test_emulator',
        'stripe-version': DEFAULT_API_VERSION,
        'user-agent': USER_AGENT,
        accept: 'application/json',
        'idempotency-key': derived.key,
        'content-type': 'application/x-www-form-urlencoded',
      },
    };
  });
}

interface Pair {
  raw: number;
  connector: number;
  connectorWhole: number;
  connectorCpu: number;
  emulatorCpuRaw: number;
  emulatorCpuConnector: number;
  written: number;
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const total = quick ? 5_000 : 20_000;
  const rounds = quick ? 1 : 2;
  const profileDir = process.env['P2_PROFILE'] ? join(tmpdir(), 'dst-stripe-p2-profiles') : undefined;
  if (profileDir) mkdirSync(profileDir, { recursive: true });
  const emulator = await startEmulatorProcess({ rateLimit: null });
  try {
    // Warm-up: the emulator's validator compilation and JIT, for both clients alike.
    await rawLoop(emulator.url, rawRequests(2_000, 'warm'), concurrency);
    const pairs: Pair[] = [];
    for (let r = 0; r < rounds; r++) pairs.push(await pair(emulator, total, `p2r${r}`, profileDir));
    const best = (pick: (p: Pair) => number): number => Math.max(...pairs.map(pick));
    const raw = best((p) => p.raw);
    const connector = best((p) => p.connector);
    const ratio = connector / raw;
    const last = pairs[pairs.length - 1]!;
    // Attribution, in this process (the same one as the raw loop): got through our transport, then the whole client.
    await emulator.reset();
    const transportRps = total / (await loop(rawRequests(total, 'p2transport'), transportSender(emulator.url)));
    await emulator.reset();
    const clientRps = total / (await loop(rawRequests(total, 'p2client'), clientSender(emulator.url)));
    // Information only since #22 (R4 in the resync bench is the CPU target); a lost record still fails the bench.
    const short = pairs.find((p) => p.written !== total);
    if (short) throw new Error(`P2: the connector wrote ${short.written} of ${total} records`);
    return [{
      id: 'P2',
      name: 'connector overhead, for information: write records/s ÷ raw node:http loop (concurrency 32)',
      value: ratio,
      unit: 'ratio',
      details: {
        records: total,
        rounds,
        concurrency,
        rawRps: Math.round(raw),
        connectorRps: Math.round(connector),
        connectorRpsWholeProcess: Math.round(best((p) => p.connectorWhole)),
        perRound: pairs.map((p) => `raw ${Math.round(p.raw)} / connector ${Math.round(p.connector)}`).join('; '),
        transportOnlyRps: Math.round(transportRps),
        clientOnlyRps: Math.round(clientRps),
        connectorCpuUsPerRecord: round((last.connectorCpu * 1e6) / total, 1),
        emulatorCpuUsPerRecordRaw: round((last.emulatorCpuRaw * 1e6) / total, 1),
        emulatorCpuUsPerRecordConnector: round((last.emulatorCpuConnector * 1e6) / total, 1),
        ...(profileDir ? { profiles: profileDir } : {}),
      },
    }];
  } finally {
    await emulator.stop();
  }
}

async function pair(emulator: EmulatorProcess, total: number, tag: string, profileDir: string | undefined): Promise<Pair> {
  await emulator.reset();
  const requests = rawRequests(total, `${tag}raw`);
  let cpu = emulator.cpuSeconds();
  const raw = await rawLoop(emulator.url, requests, concurrency);
  if (raw.failures) throw new Error(`P2: ${raw.failures} raw requests failed`);
  const emulatorCpuRaw = emulator.cpuSeconds() - cpu;

  await emulator.reset();
  cpu = emulator.cpuSeconds();
  const write: WriteRun = await runWrite({
    config: customersConfig(emulator.url, { requests_per_second: 10_000, max_concurrency: concurrency }),
    input: { records: total, stateEvery, tag },
    nodeArgs: profileDir ? ['--cpu-prof', '--cpu-prof-dir', profileDir] : [],
  });
  const emulatorCpuConnector = emulator.cpuSeconds() - cpu;
  if (write.exitCode !== 0) throw new Error(`P2: write exited with ${write.exitCode}: ${write.errors}`);
  const written = (await emulator.counts())['customers'] ?? 0;
  // Steady state: records between the first STATE (after 1,000) and the last, so start-up is left to P5.
  const t = write.stateTimes;
  const steady = (total - stateEvery) / ((t[t.length - 1]! - t[0]!) / 1000);
  return {
    raw: total / raw.seconds,
    connector: steady,
    connectorWhole: total / (write.wallMs / 1000),
    connectorCpu: write.cpuSeconds,
    emulatorCpuRaw,
    emulatorCpuConnector,
    written,
  };
}

type Sender = { send(r: RawRequest, i: number): Promise<boolean>; close(): void };

/** Sends every request through `sender`, `concurrency` at a time; answers the seconds taken. */
async function loop(requests: RawRequest[], sender: Sender): Promise<number> {
  let next = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          const i = next++;
          if (!(await sender.send(requests[i]!, i))) throw new Error(`P2: request ${i} failed`);
        }
      }),
    );
    return (performance.now() - started) / 1000;
  } finally {
    sender.close();
  }
}

/** Our got-based transport alone: pre-encoded body and headers, one attempt each. */
function transportSender(baseUrl: string): Sender {
  const transport = createTransport({ timeoutMs: 60_000 });
  const url = new URL('/v1/customers', baseUrl);
  return {
    async send(r) {
      const result = await transport.attempt({ url, method: 'POST', headers: r.headers, body: r.body });
      return result.kind === 'response' && result.status === 200;
    },
    close: () => transport.close(),
  };
}

/** The whole Stripe client (URL checks, headers, form encoding, pacer, retry loop, answer mapping) without the pipeline. */
function clientSender(baseUrl: string): Sender {
  const client = createStripeClient({ apiKey: 'sk_test_emulator', apiBaseUrl: baseUrl, pacer: createPacer({ mode: 'test', requestsPerSecond: 10_000 }) });
  return {
    async send(r) {
      const body = Object.fromEntries(new URLSearchParams(r.body)) as Record<string, unknown>;
      const outcome = await client.send({ method: 'POST', path: r.path, body, format: 'form', idempotencyKey: r.headers['idempotency-key'] });
      return outcome.kind === 'success';
    },
    close: () => client.close(),
  };
}
