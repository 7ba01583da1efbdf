// R1–R3: re-syncs by external key against the emulator: requests per record, time and peak RSS for an
// all-new, an unchanged and a 1 %-changed run of N customers; R4: CPU per record of the unchanged re-sync.
// Up to 100,000 customers the all-new pass is a connector run like the others. Above that (RESYNC_SIZES,
// e.g. the one-off at 1,000,000), the account is seeded through the emulator's control route
// (POST /_emulator/seed, the same validation and create as POST /v1/customers, 500 objects per `created`
// second) in a minute instead of half an hour; the unchanged and 1 %-changed passes stay full runs of the
// built CLI with its shebang flags.
import { execFileSync } from 'node:child_process';
import { Readable } from 'node:stream';
import { fileURLToPath } from 'node:url';
import { runWrite, type WriteRun } from './lib/connector.js';
import { startEmulatorProcess, type EmulatorProcess } from './lib/emulator-process.js';
import { round } from './lib/stats.js';
import type { BenchResult } from './types.js';
import { DEFAULT_MAX_INDEXED_OBJECTS } from '../src/resync/existing-objects.js';

const stateEvery = 1_000;
/** Peak RSS goals: 150 MiB up to 100,000 indexed objects (both re-syncs), 256 MiB for the unchanged re-sync of 1,000,000. */
const rssTargetMiB = (objects: number): number => (objects > 100_000 ? 256 : 150);
/** R4: CPU per record of the unchanged re-sync (no writes: CPU is its whole cost), start-up and the list read included. */
const cpuTargetUs = 100;

const catalog = {
  streams: [
    {
      stream: { name: 'customers', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: 'append',
    },
  ],
};

/** Sizes above this are seeded through the emulator's control route instead of an all-new connector run. */
const seedAbove = 100_000;

/** Record i's fields (every 100th renamed when `changed`). */
const customer = (i: number, changed: boolean) => ({ external_id: `ext-${i}`, name: changed && i % 100 === 0 ? `Renamed ${i}` : `Person ${i}`, email: `person${i}@example.com`, metadata: { tier: i % 2 ? 'gold' : 'silver' } });

/** N customer records keyed by external_id; every 100th renamed when `changed`. */
function input(records: number, changed: boolean): Readable {
  function* chunks(): Generator<string> {
    let chunk = '';
    for (let i = 1; i <= records; i++) {
      const data = customer(i, changed);
      chunk += `${JSON.stringify({ type: 'RECORD', record: { stream: 'customers', data, emitted_at: 1_764_200_000_000 + i } })}\n`;
      if (i % stateEvery === 0 || i === records) chunk += `${JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: 'customers' }, stream_state: { up_to: i } } } })}\n`;
      if (i % 200 === 0) {
        yield chunk;
        chunk = '';
      }
    }
    if (chunk) yield chunk;
  }
  return Readable.from(chunks());
}

/** The customers the all-new pass would create (its create bodies), 500 per `created` second ending now; returns the seconds taken. */
async function seed(emulator: EmulatorProcess, records: number): Promise<number> {
  const started = performance.now();
  const first = Math.floor(Date.now() / 1000) - Math.ceil(records / 500);
  for (let start = 1; start <= records; start += 500) {
    const objects = [];
    for (let i = start; i < start + 500 && i <= records; i++) {
      const { external_id, name, email, metadata } = customer(i, false);
      objects.push({ name, email, metadata: { ...metadata, external_id } });
    }
    const created = first + Math.floor(start / 500);
    const answer = await fetch(`${emulator.url}/_emulator/seed`, { method: 'POST', body: JSON.stringify({ resource: 'customers', created, objects }) });
    if (!answer.ok) throw new Error(`seeding ${records} customers: ${answer.status} ${await answer.text()}`);
  }
  return round((performance.now() - started) / 1000, 1);
}

interface Pass {
  label: 'new' | 'unchanged' | '1% changed';
  requests: number;
  posts: number;
  seconds: number;
  peakMiB: number;
  /** CPU seconds of the connector process (all its threads). */
  cpuSeconds: number;
}

async function pass(emulator: EmulatorProcess, records: number, label: Pass['label']): Promise<Pass> {
  const config = {
    api_key: 'sk_test_emulator',
    api_base_url: emulator.url,
    requests_per_second: 10_000,
    max_concurrency: 32,
    configuration: { mode: 'template', resource_type: 'customers', operation: 'upsert', matching_key: 'external_id' },
    // Defaults, except where N passes the default bound (which would make the run fall back to per-record lookups).
    ...(records > DEFAULT_MAX_INDEXED_OBJECTS ? { existing_objects: { max_indexed_objects: records } } : {}),
  };
  const before = await emulator.requestCounts();
  const run: WriteRun = await runWrite({ config, catalog, input: { records, stateEvery }, inputStream: input(records, label === '1% changed') });
  if (run.exitCode !== 0) throw new Error(`resync ${label} ${records}: write exited with ${run.exitCode}: ${run.errors}`);
  const after = await emulator.requestCounts();
  const total = (c: Record<string, number>): number => Object.values(c).reduce((a, b) => a + b, 0);
  return { label, requests: total(after) - total(before), posts: (after['POST'] ?? 0) - (before['POST'] ?? 0), seconds: round(run.wallMs / 1000, 1), peakMiB: round(run.peakRssKiB / 1024, 1), cpuSeconds: run.cpuSeconds };
}

function indexBytesPerObject(objects: number, kind: 'index' | 'ids' = 'index'): { bytesPerObject: number; heapMiB: number; typedArraysMiB: number } {
  const script = fileURLToPath(new URL('./lib/index-memory.ts', import.meta.url));
  const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script, String(objects), kind], { cwd: fileURLToPath(new URL('..', import.meta.url)), encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').pop()!) as { bytesPerObject: number; heapMiB: number; typedArraysMiB: number };
}

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  // RESYNC_SIZES=1000000 (comma-separated) runs other sizes, e.g. the one-off at a million objects.
  const sizes = process.env['RESYNC_SIZES'] ? process.env['RESYNC_SIZES'].split(',').map(Number) : quick ? [300, 20_000] : [300, 100_000];
  const results: BenchResult[] = [];
  for (const n of sizes) {
    const emulator = await startEmulatorProcess({ rateLimit: null });
    try {
      const seeded = n > seedAbove ? await seed(emulator, n) : undefined;
      const created = seeded === undefined ? [await pass(emulator, n, 'new')] : [];
      const passes = [...created, await pass(emulator, n, 'unchanged'), await pass(emulator, n, '1% changed')];
      const counts = await emulator.counts();
      if (counts['customers'] !== n) throw new Error(`resync ${n}: the emulator holds ${counts['customers']} customers, expected ${n}`);
      const limit = { new: Infinity, unchanged: n / 50, '1% changed': n / 50 + n / 100 };
      for (const p of passes) {
        results.push({
          id: 'R1',
          name: `requests per record, upsert by external key, ${p.label}, ${n.toLocaleString('en')} customers`,
          value: round(p.requests / n, 4),
          unit: 'req/record',
          ...(p.label === 'new' ? {} : { target: p.label === 'unchanged' ? '<= N/50 requests' : '<= N/50 + changes', pass: p.requests <= limit[p.label] }),
          details: { records: n, requests: p.requests, posts: p.posts, seconds: p.seconds, peakRssMiB: p.peakMiB },
        });
      }
      // Up to 100,000 objects both re-syncs count; beyond, the goal is the unchanged one's (the 1 % changed one is reported).
      const unchanged = passes.find((p) => p.label === 'unchanged')!;
      const changed = passes.find((p) => p.label === '1% changed')!;
      const counted = n > 100_000 ? [unchanged] : [unchanged, changed];
      const peak = Math.max(...counted.map((p) => p.peakMiB));
      results.push({
        id: 'R2',
        name: `peak RSS of a re-sync holding ${n.toLocaleString('en')} indexed objects${n > 100_000 ? ' (unchanged)' : ''}`,
        value: peak,
        unit: 'MiB',
        target: `<= ${rssTargetMiB(n)} MiB`,
        pass: peak <= rssTargetMiB(n),
        details: { ...(seeded === undefined ? {} : { 'seeded through the control route, seconds': seeded }), ...Object.fromEntries(passes.map((p) => [`${p.label} seconds`, p.seconds])), ...Object.fromEntries(passes.map((p) => [`${p.label} peakMiB`, p.peakMiB])) },
      });
      if (n >= 100_000) {
        const us = round((unchanged.cpuSeconds * 1e6) / n, 1);
        results.push({
          id: 'R4',
          name: `CPU per record, unchanged re-sync of ${n.toLocaleString('en')} customers (list read and start-up included)`,
          value: us,
          unit: 'µs',
          target: `<= ${cpuTargetUs} µs`,
          pass: us <= cpuTargetUs,
          details: { cpuSeconds: round(unchanged.cpuSeconds, 2), wallSeconds: unchanged.seconds, ...(created[0] ? { newCpuPerRecordUs: round((created[0].cpuSeconds * 1e6) / n, 1) } : {}), changedCpuPerRecordUs: round((changed.cpuSeconds * 1e6) / n, 1) },
        });
      }
    } finally {
      await emulator.stop();
    }
  }
  for (const objects of quick ? [100_000] : [100_000, 1_000_000]) {
    const m = indexBytesPerObject(objects);
    results.push({ id: 'R3', name: `index memory per object (4 managed fields), ${objects.toLocaleString('en')} objects`, value: m.bytesPerObject, unit: 'bytes', details: { heapMiB: m.heapMiB, typedArraysMiB: m.typedArraysMiB } });
    const ids = indexBytesPerObject(objects, 'ids');
    results.push({ id: 'R3i', name: `created-id memory per record (key -> id), ${objects.toLocaleString('en')} records`, value: ids.bytesPerObject, unit: 'bytes', details: { heapMiB: ids.heapMiB, typedArraysMiB: ids.typedArraysMiB } });
  }
  return results;
}
