// `write`: loads config and catalog, builds the sink, runs the pipeline, reports the summary.
import type { Config } from '../generated/config.js';
import type { ConfiguredAirbyteCatalog } from '../generated/protocol.js';
import { readJsonFile } from '../config/load.js';
import { configErrorFor, validateConfig } from '../config/validate.js';
import { parseCatalog } from '../protocol/catalog.js';
import type { Emitter } from '../protocol/emitter.js';
import { runWrite, type WriteSummary } from '../pipeline/run-write.js';
import type { Sink } from '../pipeline/sink.js';
import { checkSettings } from './check-settings.js';

export type SinkFactory = (options: { config: Config; catalog: ConfiguredAirbyteCatalog; emitter: Emitter }) => Sink | Promise<Sink>;

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
  const sink = await options.createSink({ config, catalog, emitter: options.emitter });
  const summary = await runWrite({
    catalog,
    input: options.input,
    emitter: options.emitter,
    sink,
    onRecordError: config.on_record_error ?? 'skip',
    signal: options.signal,
    maxInFlight: options.maxInFlight,
    graceMs: options.graceMs,
    onEstimate: (e) => {
      if (typeof e.rowEstimate === 'number') sink.observeEstimate?.(e.rowEstimate);
    },
  });
  for (const [stream, t] of summary.streams) {
    options.emitter.log('INFO', `Stream "${stream}": ${t.records} records, ${t.written} written, ${t.rejected} rejected.`);
  }
  if (summary.invalidLines) options.emitter.log('WARN', `${summary.invalidLines} input line(s) were not valid protocol messages and were rejected.`);
  if (summary.interrupted) options.emitter.log('WARN', `Stopped by a shutdown signal; ${summary.statesEmitted} of ${summary.statesReceived} states were released (only those whose records all settled).`);
  return summary;
}
