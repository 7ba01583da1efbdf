// P4: meter events/s end to end: the built CLI (with its shebang flags) reads RECORD lines from stdin and writes them
// through the v2 meter event stream (100 per request) to the emulator in its own process, stream limits off; peak RSS at
// two sizes shows whether memory stays flat. P4c, for information: the same events from toMeterEvent through the
// batcher and the client alone, in the bench's own process (no stdin, no pipeline), which splits the cost per event.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { toMeterEvent } from '../src/mapping/meter-event.js';
import { createMeterEventBatcher } from '../src/pipeline/meter-event-batcher.js';
import { createStripeClient } from '../src/stripe/client.js';
import { createMeterSession } from '../src/stripe/meter-session.js';
import { runWrite } from './lib/connector.js';
import { startEmulatorProcess } from './lib/emulator-process.js';
import type { BenchResult } from './types.js';

const target = 100_000;
const targetMiB = 150;
const targetRatio = 1.2;
/** Records the pipeline keeps unsettled at once (its maxInFlight default). */
const window = 1_000;
const stateEvery = 10_000;

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const large = Number(process.env['P4_EVENTS'] ?? (quick ? 200_000 : 5_000_000));
  const small = Math.max(stateEvery * 2, Math.round(large / 10));
  const results: BenchResult[] = [];
  const smallRun = await endToEnd(small);
  const largeRun = await endToEnd(large);
  const ratio = largeRun.peakMiB / smallRun.peakMiB;
  results.push({
    id: 'P4',
    name: `meter events end to end (CLI, v2 stream, 100 per request), ${large.toLocaleString('en')} events`,
    value: Math.round(largeRun.steadyRate),
    unit: 'events/s',
    target: `>= ${target.toLocaleString('en')}`,
    pass: largeRun.steadyRate >= target && largeRun.lost === 0,
    details: { events: large, wallSeconds: round(largeRun.seconds), overallRate: Math.round(large / largeRun.seconds), connectorCpuPerEventUs: round(largeRun.cpuUs), emulatorCpuPerEventUs: round(largeRun.emulatorCpuUs), lost: largeRun.lost, states: largeRun.states },
  });
  results.push({
    id: 'P4m',
    name: `peak RSS of the meter event write, ${large.toLocaleString('en')} events (vs ${small.toLocaleString('en')})`,
    value: largeRun.peakMiB,
    unit: 'MiB',
    target: `<= ${targetMiB} MiB, large/small <= ${targetRatio}`,
    pass: largeRun.peakMiB <= targetMiB && ratio <= targetRatio,
    details: { smallEvents: small, smallPeakMiB: smallRun.peakMiB, largePeakMiB: largeRun.peakMiB, ratio: round(ratio), smallSteadyRate: Math.round(smallRun.steadyRate) },
  });
  results.push(await components(quick ? 20_000 : 200_000));
  return results;
}

interface EndToEnd {
  steadyRate: number;
  seconds: number;
  cpuUs: number;
  emulatorCpuUs: number;
  peakMiB: number;
  lost: number;
  states: number;
}

/** Meter event RECORD lines (identifiers derived by the connector), a STATE every `stateEvery`, generated lazily. */
function meterInput(events: number, run: number): Readable {
  const base = Math.floor(Date.now() / 1000) - 3_600;
  function* chunks(): Generator<string> {
    let chunk = '';
    for (let i = 1; i <= events; i++) {
      // A template, not JSON.stringify: this generator shares the machine's cores with what is measured.
      chunk += `{"type":"RECORD","record":{"stream":"usage","data":{"event_name":"api_calls","stripe_customer_id":"cus_${i % 1_000}","value":${(i % 10) + 1},"timestamp":${base + (i % 3_600)},"run":${run},"seq":${i}},"emitted_at":${1_764_200_000_000 + i}}}\n`;
      if (i % stateEvery === 0 || i === events) chunk += `${JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'usage' }, stream_state: { up_to: i } } } })}\n`;
      if (i % 200 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(chunks());
}

const meterCatalog = {
  streams: [{ stream: { name: 'usage', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] }, sync_mode: 'full_refresh', destination_sync_mode: 'append' }],
};

async function endToEnd(events: number): Promise<EndToEnd> {
  const emulator = await startEmulatorProcess({ rateLimit: null });
  try {
    const config = { api_key: 'sk_test_emulator', api_base_url: emulator.url, configuration: { mode: 'template', resource_type: 'billing_meter_events', meter_events_api: 'v2_stream' } };
    const emulatorCpu = emulator.cpuSeconds();
    const write = await runWrite({ config, catalog: meterCatalog, input: { records: events, stateEvery }, inputStream: meterInput(events, Date.now()) });
    if (write.exitCode !== 0) throw new Error(`P4: write exited with ${write.exitCode}: ${write.errors}`);
    const counted = ((await (await fetch(`${emulator.url}/_emulator/meter_events`)).json()) as { total: number }).total;
    const times = write.stateTimes;
    // Steady state: events between the first STATE and the last, so start-up (and the session) is left out.
    const steadyRate = times.length > 1 ? (events - stateEvery) / ((times[times.length - 1]! - times[0]!) / 1000) : events / (write.wallMs / 1000);
    return {
      steadyRate,
      seconds: write.wallMs / 1000,
      cpuUs: (write.cpuSeconds * 1e6) / events,
      emulatorCpuUs: ((emulator.cpuSeconds() - emulatorCpu) * 1e6) / events,
      peakMiB: round(write.peakRssKiB / 1024),
      lost: events - counted,
      states: write.states,
    };
  } finally {
    await emulator.stop();
  }
}

/** P4c: mapping, batcher and client alone in this process (emulator in its own), for the split of the cost per event. */
async function components(total: number): Promise<BenchResult> {
  const concurrency = Number(process.env['P4_CONCURRENCY'] ?? 8);
  const separate = await measure(total, concurrency, await childEmulator());
  return {
    id: 'P4c',
    name: 'meter events, toMeterEvent + batcher + client only (no stdin, no pipeline), for information',
    value: Math.round(separate.rate),
    unit: 'events/s',
    details: {
      events: total,
      concurrency,
      window,
      seconds: round(separate.seconds),
      cpuPerEventUs: round((separate.cpuSeconds * 1e6) / total),
      emulatorCpuPerEventUs: separate.emulatorCpuSeconds === undefined ? 'n/a' : round((separate.emulatorCpuSeconds * 1e6) / total),
      lost: separate.lost,
    },
  };
}

interface Emu {
  url: string;
  counted(): Promise<number>;
  /** CPU seconds the emulator process used so far (separate process on Linux only). */
  cpuSeconds?(): number;
  stop(): Promise<void>;
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
