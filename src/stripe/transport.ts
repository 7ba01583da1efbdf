// One HTTP attempt through a shared keep-alive `got` instance; never lets got's error (which holds the headers) escape.
import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import got, { RequestError } from 'got';
import { systemError } from '../protocol/errors.js';
import { redactSecrets, type ResponseHeaders } from './errors.js';
import type { HttpMethod } from './types.js';

export interface AttemptRequest {
  url: URL;
  method: HttpMethod;
  headers: Record<string, string>;
  body?: string;
}

export type AttemptResult =
  | { kind: 'response'; status: number; headers: ResponseHeaders; body: unknown }
  /** No response: `code` is Node's network code (ECONNRESET, ETIMEDOUT...), `detail` a redacted description. */
  | { kind: 'network'; code: string; detail: string };

export interface Transport {
  attempt(request: AttemptRequest): Promise<AttemptResult>;
  close(): void;
}

/** A `got` instance with its own retries, redirects and HTTP-error throwing all off: the caller decides. */
export function createTransport(options: { timeoutMs: number; maxSockets?: number }): Transport {
  const maxSockets = options.maxSockets ?? 256;
  const agents = {
    http: new HttpAgent({ keepAlive: true, maxSockets }),
    https: new HttpsAgent({ keepAlive: true, maxSockets }),
  };
  const client = got.extend({
    agent: agents,
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    responseType: 'text',
    timeout: { request: options.timeoutMs },
  });

  async function attempt(request: AttemptRequest): Promise<AttemptResult> {
    try {
      const response = await client(request.url, {
        method: request.method,
        headers: request.headers,
        body: request.body,
      });
      return { kind: 'response', status: response.statusCode, headers: response.headers, body: parseBody(response.body) };
    } catch (error) {
      if (error instanceof RequestError) {
        const code = error.code || 'ERR_NETWORK';
        return { kind: 'network', code, detail: redactSecrets(`${error.name} ${code}: ${error.message}`) };
      }
      // Not a network failure: a bug. Keep only a redacted description; the original holds the request options.
      const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      throw systemError('The Stripe request could not be sent.', redactSecrets(detail));
    }
  }

  return {
    attempt,
    close() {
      agents.http.destroy();
      agents.https.destroy();
    },
  };
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
