// One HTTP attempt over keep-alive `node:http`/`node:https` agents; errors carry a code and a redacted text, never the headers.
import type { IncomingHttpHeaders } from 'node:http';
import { redactSecrets, type ResponseHeaders } from './errors.js';
import type { HttpMethod } from '../core/stripe-request.js';

// Taken with process.getBuiltinModule, not `import`: an ES import of node:http builds its namespace by reading every
// export, and the lazy WebSocket/CloseEvent/MessageEvent getters then load Node's bundled undici, which no request of
// ours uses (about 10 MiB of resident memory at start-up, see docs/performance.md).
const { Agent: HttpAgent, request: httpRequest } = process.getBuiltinModule('node:http');
const { Agent: HttpsAgent, request: httpsRequest } = process.getBuiltinModule('node:https');

export interface AttemptRequest {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
}

export type AttemptResult =
  | { kind: 'response'; status: number; headers: ResponseHeaders; body: unknown }
  /** No (complete) response: `code` is Node's network code (ECONNRESET, ETIMEDOUT...), `detail` a redacted description. */
  | { kind: 'network'; code: string; detail: string };

export interface Transport {
  attempt(request: AttemptRequest): Promise<AttemptResult>;
  close(): void;
}

/**
 * Node's own client, not a wrapper library: on this path it costs about a fifth of the CPU per request
 * that `got` did (see docs/performance.md, P2). No retries, no redirects: the Stripe client decides.
 */
export function createTransport(options: { timeoutMs: number; maxSockets?: number }): Transport {
  const maxSockets = options.maxSockets ?? 256;
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets }),
  };

  function attempt(request: AttemptRequest): Promise<AttemptResult> {
    return new Promise((resolve) => {
      let done = false;
      const finish = (result: AttemptResult): void => {
        if (done) return;
        done = true;
        clearTimeout(timer);
        resolve(result);
      };
      const failed = (code: string, message: string): void => finish({ kind: 'network', code, detail: redactSecrets(`${code}: ${message}`) });
      const secure = request.url.protocol === 'https:';
      const headers: Record<string, string> = { ...request.headers };
      if (request.body !== undefined) headers['content-length'] = String(Buffer.byteLength(request.body));
      const outgoing = (secure ? httpsRequest : httpRequest)(request.url, { method: request.method, headers, agent: secure ? agents.https : agents.http }, (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? 'ECONNRESET', error.message));
        response.on('close', () => {
          if (!response.complete) failed('ECONNRESET', 'the connection closed before the answer was complete');
        });
        response.on('end', () => finish({ kind: 'response', status: response.statusCode ?? 0, headers: plainHeaders(response.headers), body: parseBody(Buffer.concat(chunks).toString('utf8')) }));
      });
      const timer = setTimeout(() => {
        failed('ETIMEDOUT', `no complete answer within ${options.timeoutMs} ms`);
        outgoing.destroy();
      }, options.timeoutMs);
      outgoing.on('error', (error: NodeJS.ErrnoException) => failed(error.code ?? 'ERR_NETWORK', error.message));
      outgoing.end(request.body);
    });
  }

  return {
    attempt,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
}

function plainHeaders(headers: IncomingHttpHeaders): ResponseHeaders {
  return headers as ResponseHeaders;
}

/** JSON when the body parses as JSON, the raw text otherwise, undefined when empty. */
export function parseBody(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}
