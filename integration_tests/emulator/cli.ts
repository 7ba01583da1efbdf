// `npm run emulator -- --port 12111 [--rate-limit 25|none] [--live] [--latency 150] [--jitter 50]`: runs until killed.
import { parseArgs } from 'node:util';
import { startEmulator } from './server.js';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '12111' },
    'rate-limit': { type: 'string' },
    live: { type: 'boolean', default: false },
    latency: { type: 'string' },
    jitter: { type: 'string' },
    'fault-rate': { type: 'string' },
    seed: { type: 'string' },
    quiet: { type: 'boolean', default: false },
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

const rate = values['rate-limit'];
const emulator = await startEmulator({
  port: number('port', values.port),
  rateLimit: rate === undefined ? undefined : rate === 'none' || rate === '0' ? null : number('rate-limit', rate),
  live: values.live,
  latencyMs: number('latency', values.latency),
  latencyJitterMs: number('jitter', values.jitter),
  faults: values['fault-rate'] ? { rate: number('fault-rate', values['fault-rate']), seed: number('seed', values.seed) } : undefined,
  logRequests: !values.quiet,
});
console.log(emulator.url);
const stop = (): void => void emulator.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
