// Forwards response documents to the user's webhook: batching, retries with backoff, and no secret ever sent.
import { setTimeout as delay } from 'node:timers/promises';
import got, { RequestError } from 'got';
import PQueue from 'p-queue';
import { checkWebhookUrl } from './webhook-url.js';
import { serializeRedacted, type ForwardedResponse } from './responses-document.js';

export type { ForwardedResponse } from './responses-document.js';

export interface ResponseForwarderOptions {
  url: string;
  headers?: Record<string, string>;
  forward: 'all' | 'errors';
  includeRequestBody: boolean;
  batchSize: number;
  timeoutMs: number;
  maxAttempts: number;
  /** How long a partial batch waits for more documents before it is sent. */
  lingerMs?: number;
  /** Webhook calls in flight at once. */
  concurrency?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** Values that must never reach the webhook (the API key, header tokens...). */
  secrets: string[];
}

export type ForwardResult = { ok: true; skipped?: true; attempts?: number } | { ok: false; reason: string };

export interface ResponseForwarder {
  /** Resolves once this document is delivered, skipped, or has definitively failed. Never rejects. */
  forward(doc: ForwardedResponse): Promise<ForwardResult>;
  /** Sends what is buffered and waits for every call in flight. */
  close(): Promise<void>;
}

interface Pending {
  doc: ForwardedResponse;
  settle: (result: ForwardResult) => void;
}

const DEFAULT_LINGER_MS = 200;
const BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 10_000;

/** Whether a webhook call that failed this way may be tried again. */
export function isRetryableWebhookStatus(status: number | undefined): boolean {
  return status === undefined || status === 408 || status === 429 || status >= 500;
}

/** Exponential backoff with jitter in [0.5, 1] of the step, capped. */
export function webhookBackoffMs(attempt: number, random: () => number): number {
  const step = Math.min(BASE_DELAY_MS * 2 ** (attempt - 1), MAX_DELAY_MS);
  return Math.round(step * (0.5 + random() * 0.5));
}

export function createResponseForwarder(options: ResponseForwarderOptions): ResponseForwarder {
  const url = checkWebhookUrl(options.url);
  const batchSize = Math.max(1, Math.floor(options.batchSize));
  const maxAttempts = Math.max(1, Math.floor(options.maxAttempts));
  const random = options.random ?? Math.random;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const lingerMs = options.lingerMs ?? DEFAULT_LINGER_MS;
  const headers = { ...options.headers, 'content-type': 'application/json' };
  const secrets = [...options.secrets, ...Object.values(options.headers ?? {}).flatMap(headerSecrets)];
  const queue = new PQueue({ concurrency: options.concurrency ?? 4 });
  const client = got.extend({
    retry: { limit: 0 },
    throwHttpErrors: false,
    followRedirect: false,
    timeout: { request: options.timeoutMs },
  });

  let buffer: Pending[] = [];
  let timer: NodeJS.Timeout | undefined;
  let closed = false;

  async function post(payload: unknown): Promise<ForwardResult> {
    const body = serializeRedacted(payload, secrets);
    let reason = 'no attempt was made';
    for (let attempt = 1; attempt <= maxAttempts; attempt += 1) {
      let status: number | undefined;
      try {
        const response = await client.post(url, { body, headers });
        status = response.statusCode;
        if (status >= 200 && status < 300) return { ok: true, attempts: attempt };
        reason = `the webhook answered HTTP ${status}`;
      } catch (error) {
        reason = `the webhook call failed (${error instanceof RequestError ? error.code : 'unknown error'})`;
      }
      if (!isRetryableWebhookStatus(status) || attempt === maxAttempts) break;
      await sleep(webhookBackoffMs(attempt, random));
    }
    return { ok: false, reason: `${reason} after ${maxAttempts === 1 ? '1 attempt' : 'retries'}` };
  }

  function send(batch: Pending[]): void {
    const payload = batchSize === 1 && batch.length === 1 ? batch[0]!.doc : batch.map((pending) => pending.doc);
    void queue
      .add(() => post(payload))
      .then(
        (result) => result ?? { ok: false as const, reason: 'the webhook call was dropped' },
        () => ({ ok: false as const, reason: 'the webhook call failed unexpectedly' }),
      )
      .then((result) => batch.forEach((pending) => pending.settle(result)));
  }

  function flush(): void {
    if (timer) clearTimeout(timer);
    timer = undefined;
    if (buffer.length === 0) return;
    const batch = buffer;
    buffer = [];
    send(batch);
  }

  return {
    forward(doc) {
      if (options.forward === 'errors' && doc.outcome !== 'rejected') return Promise.resolve({ ok: true, skipped: true });
      const forwarded = options.includeRequestBody || doc.request?.body === undefined ? doc : withoutRequestBody(doc);
      return new Promise<ForwardResult>((settle) => {
        buffer.push({ doc: forwarded, settle });
        if (buffer.length >= batchSize || closed) flush();
        else timer ??= setTimeout(flush, lingerMs);
      });
    },
    async close() {
      closed = true;
      flush();
      await queue.onIdle();
    },
  };
}

/** A header value is secret, and so is its credential alone (`Bearer <token>` → `<token>`). */
function headerSecrets(value: string): string[] {
  const credential = /^[A-Za-z][\w-]*\s+(\S+)$/.exec(value.trim())?.[1];
  return credential === undefined ? [value] : [value, credential];
}

function withoutRequestBody(doc: ForwardedResponse): ForwardedResponse {
  const { body: _body, ...request } = doc.request!;
  return { ...doc, request };
}
