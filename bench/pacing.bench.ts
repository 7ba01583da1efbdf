// P1: how close the real `write` gets to Stripe's rate limit without tripping it: achieved rate ÷ the emulator's limit
// and the share of 429 answers, at the connector's default pace and with requests_per_second set to the cap.
import { startEmulator } from '../integration_tests/emulator/server.js';
import { customersConfig, runWrite } from './lib/connector.js';
import { round } from './lib/stats.js';
import type { BenchResult } from './types.js';
import { defaultRate } from '../src/pipeline/rate-policy.js';

const latencyMs = 150;
const targetRatio = 0.95;
const target429Share = 0.01;

interface Scenario {
  mode: 'test' | 'live';
  limit: number;
  /** undefined = the connector's default pace (24 rps test, 96 rps live). */
  requestsPerSecond?: number;
}

const scenarios: Scenario[] = [
  { mode: 'test', limit: 25 },
  { mode: 'test', limit: 25, requestsPerSecond: 25 },
  { mode: 'live', limit: 100 },
  { mode: 'live', limit: 100, requestsPerSecond: 100 },
];

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const records = quick ? 300 : 1_500;
  const results: BenchResult[] = [];
  for (const scenario of scenarios) results.push(await measure(scenario, records));
  return results;
}

async function measure(scenario: Scenario, records: number): Promise<BenchResult> {
  const live = scenario.mode === 'live';
  const emulator = await startEmulator({ rateLimit: scenario.limit, live, latencyMs, logRequests: true });
  try {
    const extra: Record<string, unknown> = { api_key: live ? 'sk_live_emulator' : 'sk_test_emulator' };
    if (scenario.requestsPerSecond !== undefined) extra['requests_per_second'] = scenario.requestsPerSecond;
    const write = await runWrite({ config: customersConfig(emulator.url, extra), input: { records, stateEvery: 100, tag: `p1${scenario.mode}` } });
    if (write.exitCode !== 0) throw new Error(`P1: write exited with ${write.exitCode}: ${write.errors}`);
    const api = emulator.requestLog().filter((r) => r.path.startsWith('/v1/'));
    const throttled = api.filter((r) => r.status === 429).length;
    const written = emulator.count('customers');
    const first = Math.min(...api.map((r) => r.at));
    const last = Math.max(...api.map((r) => r.at));
    const seconds = (last - first) / 1000;
    const achieved = written / seconds;
    const ratio = achieved / scenario.limit;
    const share = throttled / api.length;
    const pace = scenario.requestsPerSecond === undefined ? `default pace (${defaultRate(live ? 'live' : 'test')} rps)` : `requests_per_second ${scenario.requestsPerSecond}`;
    return {
      id: 'P1',
      name: `pacing, ${scenario.mode} key, limit ${scenario.limit}/s, ${pace}`,
      value: ratio,
      unit: '× limit',
      target: `>= ${targetRatio}, 429s < ${target429Share * 100} %`,
      pass: ratio >= targetRatio && share < target429Share && written === records,
      details: {
        records,
        written,
        requests: api.length,
        throttled429: throttled,
        share429Percent: round(share * 100, 2),
        achievedRps: round(achieved, 2),
        limitRps: scenario.limit,
        firstToLastSeconds: round(seconds, 2),
        processWallSeconds: round(write.wallMs / 1000, 2),
        latencyMs,
        states: write.states,
      },
    };
  } finally {
    await emulator.stop();
  }
}
