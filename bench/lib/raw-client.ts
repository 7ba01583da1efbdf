// The transport ceiling for P2: a bare keep-alive node:http loop posting pre-encoded form bodies at a fixed concurrency.
import { Agent, request } from 'node:http';

export interface RawRequest {
  path: string;
  body: string;
  headers: Record<string, string>;
}

export interface RawRun {
  seconds: number;
  failures: number;
}

/** Sends every request, `concurrency` at a time over one keep-alive agent; answers wall time and non-200 count. */
export async function rawLoop(baseUrl: string, requests: RawRequest[], concurrency: number): Promise<RawRun> {
  const { hostname, port } = new URL(baseUrl);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (r: RawRequest): Promise<number> =>
    new Promise((resolve, reject) => {
      const req = request(
        { host: hostname, port: Number(port), path: r.path, method: 'POST', agent, headers: { ...r.headers, 'content-length': Buffer.byteLength(r.body) } },
        (res) => {
          // Read the answer as the connector must (it parses JSON); here the bytes are only drained.
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(r.body);
    });
  let next = 0;
  let failures = 0;
  const started = performance.now();
  try {
    await Promise.all(
      Array.from({ length: concurrency }, async () => {
        while (next < requests.length) {
          if ((await post(requests[next++]!)) !== 200) failures++;
        }
      }),
    );
    return { seconds: (performance.now() - started) / 1000, failures };
  } finally {
    agent.destroy();
  }
}
