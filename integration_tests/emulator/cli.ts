// `npm run emulator -- --port 12111 [--rate-limit 25|none] [--endpoint-rate-limit 25|none] [--search-rate-limit 20|none]
//   [--accounts acct_a,acct_b] [--live] [--latency 150] [--jitter 50] [--latency-median 400 --latency-sigma 0.8 [--latency-seed 1]]`: runs until killed.
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '12111' },
    'rate-limit': { type: 'string' },
    live: { type: 'boolean', default: false },
    latency: { type: 'string' },
    jitter: { type: 'string' },
    'latency-median': { type: 'string' },
    'latency-sigma': { type: 'string' },
    'latency-seed': { type: 'string' },
    'endpoint-rate-limit': { type: 'string' },
    'search-rate-limit': { type: 'string' },
    'fault-rate': { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', default: false },
    'search-lag': { type: 'string' },
    'idempotency-ttl': { type: 'string' },
    accounts: { type: 'string' },
  },
});

const number = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) {
    console.error(`--${name} must be a non-negative number`);
    process.exit(2);
  }
  return n;
};

/** A requests/s flag: undefined when absent, null for `none` (or 0), else the number. */
const limit = (name: string): number | null | undefined => {
  const v = values[name as 'rate-limit'];
  return v === undefined ? undefined : v === 'none' || v === '0' ? null : number(name, v);
};
const median = number('latency-median', values['latency-median']);
const sigma = number('latency-sigma', values['latency-sigma']);
const latencySeed = number('latency-seed', values['latency-seed']);
const emulator = await startEmulator({
  port: number('port', values.port),
  rateLimit: limit('rate-limit'),
  endpointRateLimit: limit('endpoint-rate-limit'),
  searchRateLimit: limit('search-rate-limit'),
  latency: median === undefined ? undefined : { medianMs: median, sigma: sigma ?? 0, ...(latencySeed === undefined ? {} : { seed: latencySeed }) },
  live: values.live,
  latencyMs: number('latency', values.latency),
  latencyJitterMs: number('jitter', values.jitter),
  faults: values['fault-rate'] ? { rate: number('fault-rate', values['fault-rate']), seed: number('seed', values.seed) } : undefined,
  logRequests: !values.quiet,
  searchLagSeconds: number('search-lag', values['search-lag']),
  idempotencyTtlSeconds: number('idempotency-ttl', values['idempotency-ttl']),
  connectedAccounts: values.accounts === undefined ? undefined : values.accounts.split(',').map((a) => a.trim()).filter(Boolean),
});
console.log(emulator.url);
const stop = (): void => void emulator.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
