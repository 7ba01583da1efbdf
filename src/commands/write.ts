// `write`: loads config and catalog, builds the sink, runs the pipeline, reports the summary.
import type { Config } from '../generated/config.js';
import type { ConfiguredAirbyteCatalog } from '../generated/protocol.js';
import { readJsonFile } from '../config/load.js';
import { configErrorFor, validateConfig } from '../config/validate.js';
import { parseCatalog } from '../protocol/catalog.js';
import type { Emitter } from '../protocol/emitter.js';
import { runWrite, type RejectedRecordsKeeper, type WriteSummary } from '../pipeline/run-write.js';
import type { Sink } from '../pipeline/sink.js';
import { createTally, formatCounts, groupThousands, WORDS, type Tally, type TallySnapshot } from '../pipeline/tally.js';
import { checkSettings } from './check-settings.js';

/** A sink, and the rejected-records store when the config sets one. */
export type SinkWithStore = Sink & { rejectedRecords?: RejectedRecordsKeeper };
export type SinkFactory = (options: { config: Config; catalog: ConfiguredAirbyteCatalog; emitter: Emitter; tally: Tally }) => SinkWithStore | Promise<SinkWithStore>;

export interface WriteCommandOptions {
  configPath: string;
  catalogPath: string;
  input: AsyncIterable<Buffer | string>;
  emitter: Emitter;
  createSink: SinkFactory;
  signal?: AbortSignal;
  /** Told the raw config as soon as it is read, so its secrets are redacted from then on. */
  onConfig?: (config: unknown) => void;
  maxInFlight?: number;
  graceMs?: number;
}

export async function runWriteCommand(options: WriteCommandOptions): Promise<WriteSummary> {
  const raw = await readJsonFile(options.configPath, 'config');
  options.onConfig?.(raw);
  const result = validateConfig(raw);
  if (!result.ok) throw configErrorFor(result.problems);
  const config = result.config;
  const notes = checkSettings(config);
  const catalog = parseCatalog(await readJsonFile(options.catalogPath, 'catalog'));
  for (const note of notes) options.emitter.log('WARN', note);
  const tally = createTally();
  const sink = await options.createSink({ config, catalog, emitter: options.emitter, tally });
  const summary = await runWrite({
    tally,
    catalog,
    input: options.input,
    emitter: options.emitter,
    sink,
    onRecordError: config.on_record_error ?? 'skip',
    rejected: sink.rejectedRecords,
    verdict: { maxRejectedPercent: config.max_rejected_percent, unknownStreams: config.unknown_streams ?? 'fail' },
    logPrimaryKeyValues: config.log_primary_key_values ?? false,
    signal: options.signal,
    maxInFlight: options.maxInFlight,
    graceMs: options.graceMs,
    onEstimate: (e) => {
      if (typeof e.rowEstimate === 'number') sink.observeEstimate?.(e.rowEstimate);
    },
  });
  for (const line of summaryLines(summary.tally)) options.emitter.log('INFO', line);
  if (summary.invalidLines) options.emitter.log('WARN', `${summary.invalidLines} input line(s) were not valid protocol messages and were rejected.`);
  if (summary.interrupted) options.emitter.log('WARN', `Stopped by a shutdown signal; ${summary.statesEmitted} of ${summary.statesReceived} states were released (only those whose records all settled).`);
  return summary;
}

/** The end-of-sync summary: one line per stream, one per stream missing from the catalog, and the totals. */
export function summaryLines(tally: TallySnapshot): string[] {
  const lines = Object.entries(tally.streams).map(([stream, counts]) => {
    const records = Object.values(counts).reduce((a, b) => a + b, 0);
    return `Stream "${stream}": ${plural(records, 'record')}: ${formatCounts(counts)}.`;
  });
  for (const [stream, count] of Object.entries(tally.unknownStreams)) {
    lines.push(`Stream "${stream}" is not in the configured catalog: ${plural(count, 'record')} not written.`);
  }
  lines.push(`Sync summary: ${plural(tally.records, 'record')}: ${formatCounts(tally.totals)}; ${groupThousands(tally.events.retried)} ${WORDS.retried}, ${groupThousands(tally.events.throttled)} ${WORDS.throttled}.`);
  return lines;
}

const plural = (n: number, word: string): string => `${groupThousands(n)} ${word}${n === 1 ? '' : 's'}`;
