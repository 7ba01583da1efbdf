// E1: how many simple customer creates per second the local Stripe emulator serves (no faults, no rate limit).
import { Agent, request } from 'node:http';
import { startEmulator } from '../integration_tests/emulator/server.js';
import type { BenchResult } from './types.js';

const target = 3000;

export async function run({ quick }: { quick: boolean }): Promise<BenchResult[]> {
  const total = quick ? 5_000 : 20_000;
  const concurrency = 32;
  const emulator = await startEmulator({ rateLimit: null, logRequests: false });
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const { port } = emulator;
  const post = (i: number): Promise<number> =>
    new Promise((resolve, reject) => {
      const body = `email=user${i}%40example.com&name=User+${i}&metadata[external_id]=ext_${i}`;
      const req = request(
        { host: '127.0.0.1', port, path: '/v1/customers', method: 'POST', agent, headers: { Authorization: 'Bearer sk_test_emulator', 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) } },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(body);
    });
  try {
    for (let i = 0; i < 200; i++) await post(-i); // warm-up: JIT, sockets, validator compilation
    let next = 0;
    let failures = 0;
    const started = performance.now();
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < total) {
          if ((await post(next++)) !== 200) failures++;
        }
      }),
    );
    const seconds = (performance.now() - started) / 1000;
    const rate = total / seconds;
    return [{
      id: 'E1',
      name: 'emulator customer creates (in-process client, keep-alive, concurrency 32)',
      value: rate,
      unit: 'req/s',
      target: `>= ${target} req/s`,
      pass: rate >= target && failures === 0,
      details: { requests: total, seconds: Number(seconds.toFixed(3)), failures, concurrency },
    }];
  } finally {
    agent.destroy();
    await emulator.stop();
  }
}
