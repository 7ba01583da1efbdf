// Composition root of `write`: builds the client, pacing, scheduler, mappers, webhook and progress for a config.
import type { Config } from './generated/config.js';
import type { ConfiguredAirbyteCatalog } from './generated/protocol.js';
import type { Emitter } from './protocol/emitter.js';
import { collectSecrets } from './config/redact.js';
import { createStripeClient } from './stripe/client.js';
import { keyMode } from './stripe/mode.js';
import { createPacer } from './pipeline/pacer.js';
import type { Pacer } from './stripe/types.js';
import { createKeyedScheduler } from './pipeline/keyed-scheduler.js';
import { DEFAULT_MAX_CONCURRENCY, targetConcurrency } from './pipeline/concurrency.js';
import { createOccupancyGauge } from './pipeline/occupancy.js';
import { ENDPOINT_RATE_CAP, SEARCH_RATE_CAP, paceFor } from './pipeline/endpoint-limits.js';
import { createTally, type Tally } from './pipeline/tally.js';
import { createProgressReporter } from './pipeline/progress.js';
import { buildStreamMappers } from './pipeline/stream-mappers.js';
import { createStripeSink } from './pipeline/stripe-sink.js';
import type { Sink } from './pipeline/sink.js';
import { createMeterEventWriter } from './pipeline/meter-event-writer.js';
import { apiVersionNote } from './stripe/version.js';
import type { RejectedRecordsKeeper } from './pipeline/run-write.js';

export interface SinkFactoryOptions {
  config: Config;
  catalog: ConfiguredAirbyteCatalog;
  emitter: Emitter;
  /** The sync's counters (owned by the write pipeline); progress lines read them, the client adds retries and 429s. */
  tally?: Tally;
  /** Progress log cadence; default 10 s. */
  progressIntervalMs?: number;
  /** A terminal for the updating status line (stderr when it is a TTY). */
  tty?: { write(s: string): unknown } | null;
}

export async function createSinkForConfig(options: SinkFactoryOptions): Promise<Sink & { observeEstimate(total: number): void; rejectedRecords?: RejectedRecordsKeeper }> {
  const { config, catalog, emitter } = options;
  const tally = options.tally ?? createTally();
  const mappers = buildStreamMappers(config, catalog, (level, text) => emitter.log(level, text));
  const mode = keyMode(config.api_key);
  const pacer = createPacer({ mode, requestsPerSecond: config.requests_per_second });
  let attempts = 0;
  /** The same pacer, counting every attempt for the progress line. */
  const countPacer = (inner: Pacer): Pacer => ({
    acquire: (endpoint) => inner.acquire(endpoint),
    observe: (endpoint, status, latencyMs) => {
      attempts += 1;
      if (status === 429) tally.event('throttled');
      inner.observe(endpoint, status, latencyMs);
    },
  });
  const maxConcurrency = config.max_concurrency ?? DEFAULT_MAX_CONCURRENCY;
  // Little's law on the whole send: a slot is busy for a send's attempts, retries, backoff and timeouts,
  // not only for one answered attempt (sizing on attempt latency alone leaves one slot for a fast Stripe,
  // and a record backing off after a fault then stalls every other record). Time spent waiting for the
  // pacer's tokens is left out: counting it would grow the concurrency with the very queue it causes.
  const occupancy = createOccupancyGauge();
  const scheduler = createKeyedScheduler({
    concurrency: () => targetConcurrency({ rate: pacer.capacity(), latencyMs: Math.max(pacer.latency(), occupancy.ms() ?? 0), max: maxConcurrency }),
    maxConcurrency,
  });
  const clientOptions = {
    apiKey: config.api_key,
    apiBaseUrl: config.api_base_url,
    stripeAccount: config.stripe_account,
    apiVersion: config.api_version,
    maxAttempts: config.max_attempts,
    timeoutMs: (config.request_timeout_seconds ?? 60) * 1000,
    // Counted when the retry happens, not when its record settles.
    onRetry: () => tally.event('retried'),
  };
  const paced = countPacer(pacer);
  const client = createStripeClient({ ...clientOptions, pacer: paced, onSettled: occupancy.record });
  const webhook = config.response_webhook;
  // The webhook client (got) loads only when a webhook is configured.
  const forwarder = webhook
    ? (await import('./pipeline/responses.js')).createResponseForwarder({
        url: webhook.url,
        headers: webhook.headers,
        forward: webhook.forward ?? 'all',
        includeRequestBody: webhook.include_request_body ?? false,
        batchSize: webhook.batch_size ?? 1,
        timeoutMs: (webhook.timeout_seconds ?? 10) * 1000,
        maxAttempts: webhook.max_attempts ?? 5,
        secrets: collectSecrets(config),
      })
    : undefined;
  let estimate: number | undefined;
  const startedAt = Date.now();
  const progress = createProgressReporter({
    intervalMs: options.progressIntervalMs ?? 10_000,
    log: (line) => emitter.log('INFO', line),
    tty: options.tty ?? null,
    snapshot: () => ({ tally: tally.snapshot(), rate: rate(), estimate: estimate === undefined ? undefined : { total: estimate } }),
  });
  /** Requests (attempts, retries included) per second since the sync started. */
  const rate = (): number => {
    const seconds = (Date.now() - startedAt) / 1000;
    return seconds > 0 ? attempts / seconds : 0;
  };
  const meterClient = [...mappers.values()].some((m) => m.toMeterEvent) && !config.dry_run ? createStripeClient({ ...clientOptions, pacer: paced }) : undefined;
  const meter = meterClient ? createMeterEventWriter({ send: client.send, sendBatch: meterClient.send }) : undefined;
  const log = (level: 'INFO' | 'WARN', text: string): void => emitter.log(level, text);
  const version = apiVersionNote(config);
  log(version.level, version.text);
  for (const [, mapper] of mappers) log('INFO', `Stream mapping: ${mapper.label}${config.dry_run ? ' (dry run: nothing is sent)' : ''}`);
  const inFlight = config.max_concurrency === undefined ? `concurrency sized from latency (at most ${maxConcurrency} in flight)` : `at most ${maxConcurrency} requests in flight`;
  log('INFO', `Writing in ${mode} mode at up to ${pacer.rate()} requests/s (each endpoint at most ${paceFor(ENDPOINT_RATE_CAP)}/s, search ${paceFor(SEARCH_RATE_CAP)}/s), ${inFlight}.`);
  progress.start();
  // The rejected-records store (and the AWS SDK) loads only when one is configured.
  const rejectedRecords = config.rejected_records ? await (await import('./rejected/open-store.js')).openRejectedRecordsStore({ config, catalog, keyOrigins: mappers.keyOrigins, log }) : undefined;
  const sink = createStripeSink({
    keepGaveUp: rejectedRecords !== undefined,
    mappers,
    scheduler,
    send: client.send,
    forwarder,
    includeRequestBody: webhook?.include_request_body ?? false,
    onRecordError: config.on_record_error ?? 'skip',
    dryRun: config.dry_run ?? false,
    log,
    meterEvents: meter,
    references: mappers.resolver,
    onClose: async () => {
      for (const mapper of mappers.values()) for (const line of mapper.report?.() ?? []) log('INFO', line);
      await meter?.close();
      meterClient?.close();
      client.close();
    },
    // The final progress line comes after every record settled or was given up, from the same tally as the summary.
    onFinish: () => progress.stop(),
  });
  return { ...sink, observeEstimate: (total: number) => void (estimate = (estimate ?? 0) + total), ...(rejectedRecords ? { rejectedRecords } : {}) };
}
