// P1: full speed under Stripe's real limits. The built connector, default settings, against the emulator
// modelling a global bucket (25/s sandbox, 100/s live), one bucket per endpoint (25/s, search 20/s) and a
// long-tailed latency (log-normal, median 400 ms, sigma 0.8): one, three and five endpoints, and upserts by
// external key (a search per record). Every record must land exactly once.
import { startEmulator, type Emulator, type LoggedRequest } from '../integration_tests/emulator/server.js';
import { runWrite } from './lib/connector.js';
import { round } from './lib/stats.js';
import type { BenchResult } from './types.js';

export const LATENCY = { medianMs: 400, sigma: 0.8, seed: 13 };
const targetRatio = 0.95;
const target429Share = 0.01;

interface StreamSpec {
  /** Stream and destination object (resource) name. */
  resource: string;
  record: (i: number, tag: string) => Record<string, unknown>;
}

const streams: Record<string, StreamSpec> = {
  customers: { resource: 'customers', record: (i, tag) => ({ email: `user${i}.${tag}@example.com`, name: `User ${i}`, metadata: { seq: `${tag}-${i}` } }) },
  products: { resource: 'products', record: (i, tag) => ({ name: `Product ${i}`, metadata: { seq: `${tag}-${i}` } }) },
  tax_rates: { resource: 'tax_rates', record: (i, tag) => ({ display_name: 'VAT', percentage: 20, inclusive: false, metadata: { seq: `${tag}-${i}` } }) },
  coupons: { resource: 'coupons', record: (i, tag) => ({ percent_off: 10, duration: 'once', metadata: { seq: `${tag}-${i}` } }) },
  shipping_rates: { resource: 'shipping_rates', record: (i, tag) => ({ display_name: `Ground ${i}`, type: 'fixed_amount', fixed_amount: { amount: 500, currency: 'usd' }, metadata: { seq: `${tag}-${i}` } }) },
};

interface Scenario {
  name: string;
  mode: 'test' | 'live';
  streams: string[];
  /** What bounds the scenario: the global limit or the sum of the endpoints' own. */
  ceiling: number;
  /** Records per stream (full run). */
  perStream: number;
  upsert?: boolean;
}

export const scenarios: Scenario[] = [
  { name: 'one endpoint, sandbox', mode: 'test', streams: ['customers'], ceiling: 25, perStream: 750 },
  { name: 'one endpoint, live', mode: 'live', streams: ['customers'], ceiling: 25, perStream: 750 },
  { name: 'three endpoints, sandbox', mode: 'test', streams: ['customers', 'products', 'tax_rates'], ceiling: 25, perStream: 250 },
  { name: 'three endpoints, live', mode: 'live', streams: ['customers', 'products', 'tax_rates'], ceiling: 75, perStream: 750 },
  { name: 'five endpoints, live', mode: 'live', streams: ['customers', 'products', 'tax_rates', 'coupons', 'shipping_rates'], ceiling: 100, perStream: 600 },
  { name: 'upsert by external key, sandbox', mode: 'test', streams: ['customers'], ceiling: 20, perStream: 300, upsert: true },
  { name: 'upsert by external key, live', mode: 'live', streams: ['customers'], ceiling: 20, perStream: 400, upsert: true },
];

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const only = process.env['P1_ONLY'];
  const results: BenchResult[] = [];
  for (const scenario of scenarios) {
    if (only && !scenario.name.includes(only)) continue;
    results.push(await measure(scenario, quick ? Math.ceil(scenario.perStream / 3) : scenario.perStream));
  }
  return results;
}

function catalogFor(scenario: Scenario): unknown {
  return {
    streams: scenario.streams.map((name) => ({
      stream: { name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: scenario.upsert ? 'append_dedup' : 'append',
      destination_object_name: streams[name]!.resource,
      ...(scenario.upsert ? { primary_key: [['external_id']] } : {}),
    })),
  };
}

/** RECORD lines of every stream interleaved (one of each in turn), a STATE per stream every 100 records. */
function inputLines(scenario: Scenario, perStream: number, tag: string): string[] {
  const lines: string[] = [];
  for (let i = 1; i <= perStream; i++) {
    for (const name of scenario.streams) {
      const data = streams[name]!.record(i, tag);
      if (scenario.upsert) data['external_id'] = `ext-${tag}-${i}`;
      lines.push(JSON.stringify({ type: 'RECORD', record: { stream: name, data, emitted_at: 1_764_200_000_000 + i } }));
      if (i % 100 === 0 || i === perStream) lines.push(JSON.stringify({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name }, stream_state: { up_to: i } } } }));
    }
  }
  return lines;
}

/** Requests per second over the span from the first to the last request of `log`. */
function spanRate(count: number, log: LoggedRequest[]): { rate: number; seconds: number } {
  if (log.length < 2) return { rate: 0, seconds: 0 };
  const seconds = (log[log.length - 1]!.at - log[0]!.at) / 1000;
  return { rate: seconds > 0 ? count / seconds : 0, seconds };
}

/** Most requests of `log` arriving within any one second. */
function peakPerSecond(log: LoggedRequest[]): number {
  let peak = 0;
  let start = 0;
  for (let end = 0; end < log.length; end++) {
    while (log[end]!.at - log[start]!.at >= 1000) start++;
    peak = Math.max(peak, end - start + 1);
  }
  return peak;
}

async function measure(scenario: Scenario, perStream: number): Promise<BenchResult> {
  const live = scenario.mode === 'live';
  const emulator: Emulator = await startEmulator({ live, latency: LATENCY, logRequests: true });
  const tag = `p1${scenario.mode}${scenario.streams.length}${scenario.upsert ? 'u' : ''}`;
  try {
    const config: Record<string, unknown> = {
      api_key: live ? 'sk_live_emulator' : 'sk_test_emulator',
      api_base_url: emulator.url,
      configuration: { mode: 'template', resource_type: 'customers', operation: scenario.upsert ? 'upsert' : 'create', ...(scenario.upsert ? { matching_key: 'external_id' } : {}) },
      // The search path: each record looks its key up (the default bulk read lists the account instead).
      ...(scenario.upsert ? { existing_objects: { read: 'lookup' } } : {}),
    };
    const lines = inputLines(scenario, perStream, tag);
    const write = await runWrite({ config, catalog: catalogFor(scenario), input: { lines } });
    if (write.exitCode !== 0) throw new Error(`P1 ${scenario.name}: write exited with ${write.exitCode}: ${write.errors}`);
    const api = emulator.requestLog().filter((r) => r.path.startsWith('/v1/'));
    const throttled = api.filter((r) => r.status === 429).length;
    const share = api.length ? throttled / api.length : 0;
    // Every record exactly once: the objects per resource, and their distinct sequence tags.
    let lost = 0;
    let duplicated = 0;
    for (const name of scenario.streams) {
      const objects = emulator.objects(streams[name]!.resource);
      const seqs = new Set(objects.map((o) => (o['metadata'] as Record<string, string> | undefined)?.['seq']));
      duplicated += objects.length - seqs.size;
      for (let i = 1; i <= perStream; i++) if (!seqs.has(`${tag}-${i}`)) lost++;
    }
    const exact = lost === 0 && duplicated === 0;
    const details: Record<string, number | string> = {
      mode: scenario.mode,
      endpoints: scenario.streams.length,
      records: perStream * scenario.streams.length,
      lost,
      duplicated,
      requests: api.length,
      throttled429: throttled,
      share429Percent: round(share * 100, 2),
      latency: `log-normal median ${LATENCY.medianMs} ms, sigma ${LATENCY.sigma}`,
      processWallSeconds: round(write.wallMs / 1000, 2),
      states: write.states,
    };
    if (scenario.upsert) {
      const searches = api.filter((r) => r.path.endsWith('/search'));
      const answered = searches.filter((r) => r.status !== 429);
      const search429 = searches.length - answered.length;
      const { rate, seconds } = spanRate(answered.length, searches);
      Object.assign(details, { searches: searches.length, search429, searchRps: round(rate, 2), searchPeakPerSecond: peakPerSecond(answered), searchSeconds: round(seconds, 2) });
      const writes = api.filter((r) => !r.path.endsWith('/search') && r.status === 200);
      Object.assign(details, { recordsPerSecond: round(spanRate(writes.length, api).rate, 2) });
      return {
        id: 'P1',
        name: `pacing: ${scenario.name}: searches/s (limit 20/s)`,
        value: rate,
        unit: 'search/s',
        target: '<= 20, no search 429',
        pass: rate <= 20 && search429 === 0 && exact,
        details,
      };
    }
    const ok = api.filter((r) => r.status === 200);
    const { rate, seconds } = spanRate(ok.length, api);
    const ratio = rate / scenario.ceiling;
    Object.assign(details, { achievedRps: round(rate, 2), ceilingRps: scenario.ceiling, firstToLastSeconds: round(seconds, 2) });
    for (const name of scenario.streams) {
      const path = `/v1/${streams[name]!.resource}`;
      const mine = ok.filter((r) => r.path === path);
      details[`${name}Rps`] = round(spanRate(mine.length, api.filter((r) => r.path === path)).rate, 2);
    }
    return {
      id: 'P1',
      name: `pacing: ${scenario.name} (ceiling ${scenario.ceiling}/s)`,
      value: ratio,
      unit: '× ceiling',
      target: `>= ${targetRatio}, 429s < ${target429Share * 100} %`,
      pass: ratio >= targetRatio && share < target429Share && exact,
      details,
    };
  } finally {
    await emulator.stop();
  }
}
