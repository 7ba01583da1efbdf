// P4: meter events/s end to end (record → toMeterEvent → batcher → client → emulator, no rate limit); headline with the
// emulator in its own process, details with it sharing the connector's thread.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { startEmulator } from '../integration_tests/emulator/server.js';
import { toMeterEvent } from '../src/mapping/meter-event.js';
import { createMeterEventBatcher } from '../src/pipeline/meter-event-batcher.js';
import { createStripeClient } from '../src/stripe/client.js';
import { createMeterSession } from '../src/stripe/meter-session.js';
import type { BenchResult } from './types.js';

const target = 50_000;
/** Records the pipeline keeps unsettled at once (its maxInFlight default). */
const window = 1_000;

interface Emu {
  url: string;
  counted(): Promise<number>;
  /** CPU seconds the emulator process used so far (separate process on Linux only). */
  cpuSeconds?(): number;
  stop(): Promise<void>;
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const total = quick ? 20_000 : 200_000;
  const concurrency = Number(process.env['P4_CONCURRENCY'] ?? 8);
  const separate = await measure(total, concurrency, await childEmulator());
  const shared = await measure(total, concurrency, await inProcessEmulator());
  return [{
    id: 'P4',
    name: 'meter events end to end',
    value: separate.rate,
    unit: 'events/s',
    target: `>= ${target}`,
    pass: separate.rate >= target && separate.lost === 0,
    details: {
      events: total,
      concurrency,
      window,
      emulator: 'separate process (headline)',
      seconds: round(separate.seconds),
      connectorCpuSeconds: round(separate.cpuSeconds),
      connectorCpuPerEventUs: round((separate.cpuSeconds * 1e6) / total),
      emulatorCpuPerEventUs: separate.emulatorCpuSeconds === undefined ? 'n/a' : round((separate.emulatorCpuSeconds * 1e6) / total),
      lost: separate.lost,
      sharedThreadRate: Math.round(shared.rate),
      sharedThreadSeconds: round(shared.seconds),
      sharedThreadLost: shared.lost,
    },
  }];
}

interface Measured {
  rate: number;
  seconds: number;
  cpuSeconds: number;
  emulatorCpuSeconds?: number;
  lost: number;
}

async function measure(total: number, concurrency: number, emu: Emu): Promise<Measured> {
  const client = createStripeClient({ apiKey: 'sk_test_emulator', apiBaseUrl: emu.url });
  const send = client.send;
  try {
    const session = createMeterSession({ send });
    await drive(10_000, -1, send, session, concurrency); // warm-up: JIT tiers, sockets, the session
    const warm = await emu.counted();
    const cpu = process.cpuUsage();
    const emulatorCpu = emu.cpuSeconds?.();
    const started = performance.now();
    const written = await drive(total, 0, send, session, concurrency);
    const seconds = (performance.now() - started) / 1000;
    const used = process.cpuUsage(cpu);
    const emulatorCpuSeconds = emulatorCpu === undefined ? undefined : emu.cpuSeconds!() - emulatorCpu;
    const lost = total - written + (total - ((await emu.counted()) - warm));
    return { rate: total / seconds, seconds, cpuSeconds: (used.user + used.system) / 1e6, emulatorCpuSeconds, lost };
  } finally {
    client.close();
    await emu.stop();
  }
}

/** Feeds `total` records through mapping and batcher, at most `window` unsettled; answers how many were written. */
export async function drive(total: number, run: number, send: Parameters<typeof createMeterSession>[0]['send'], session: ReturnType<typeof createMeterSession>, concurrency: number): Promise<number> {
  const batcher = createMeterEventBatcher({ send, session, concurrency });
  let inFlight = 0;
  let written = 0;
  let wake: (() => void) | undefined;
  const base = Math.floor(Date.now() / 1000) - 3_600;
  for (let i = 0; i < total; i += 1) {
    while (inFlight >= window) await new Promise<void>((resolve) => (wake = resolve));
    const mapped = toMeterEvent({ event_name: 'api_calls', stripe_customer_id: `cus_${i % 1_000}`, value: (i % 10) + 1, timestamp: base + (i % 3_600), run, seq: i }, { stream: 'usage' });
    if (!mapped.ok) throw new Error(mapped.rejection.reason);
    inFlight += 1;
    batcher.submit(mapped.event).then(
      (outcome) => {
        if (outcome.kind === 'written') written += 1;
        inFlight -= 1;
        wake?.();
        wake = undefined;
      },
      (error: unknown) => {
        throw error;
      },
    );
  }
  await batcher.close();
  return written;
}

async function inProcessEmulator(): Promise<Emu> {
  const emu = await startEmulator({ rateLimit: null, logRequests: false });
  return { url: emu.url, counted: async () => emu.meterEventCount(), stop: () => emu.stop() };
}

/** The emulator in its own process, so the connector's thread is measured without the server's work. */
export async function childEmulator(): Promise<Emu> {
  const cli = fileURLToPath(new URL('../integration_tests/emulator/cli.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', cli, '--port', '0', '--rate-limit', 'none', '--quiet'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const url = await new Promise<string>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => reject(new Error(`emulator exited with ${code}`)));
    createInterface({ input: child.stdout! }).once('line', (line) => resolve(line.trim()));
  });
  return {
    url,
    cpuSeconds: () => processCpuSeconds(child.pid),
    async counted() {
      const response = await fetch(`${url}/_emulator/meter_events`);
      return ((await response.json()) as { total: number }).total;
    },
    stop: () =>
      new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** utime + stime from /proc/<pid>/stat, in seconds (clock ticks of 1/100 s); NaN where /proc is absent. */
function processCpuSeconds(pid: number | undefined): number {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100;
  } catch {
    return Number.NaN;
  }
}

function round(value: number): number {
  return Number(value.toFixed(3));
}
