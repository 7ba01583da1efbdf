// Runs `write` in-process with the production dependencies against an emulator, from configs given as objects.
import { defaultDeps } from '../../src/deps.js';
import { runInProcess, type InProcessResult } from './run-connector.js';
import { tempJson } from './cli.js';

export const TEST_KEY = 'sk_test_emulatorWriteKey42';

export interface StreamSpec {
  name: string;
  destination_sync_mode?: string;
  primary_key?: string[][];
  destination_object_name?: string;
}

export function catalogOf(streams: StreamSpec[]): unknown {
  return {
    streams: streams.map((s) => ({
      stream: { name: s.name, json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh'] },
      sync_mode: 'full_refresh',
      destination_sync_mode: s.destination_sync_mode ?? 'append',
      ...(s.primary_key ? { primary_key: s.primary_key } : {}),
      ...(s.destination_object_name ? { destination_object_name: s.destination_object_name } : {}),
    })),
  };
}

export const recordLine = (stream: string, data: Record<string, unknown>) => ({ type: 'RECORD', record: { stream, data, emitted_at: 1764200000000 } });
export const stateLine = (stream: string, cursor: unknown) => ({ type: 'STATE', state: { type: 'STREAM', stream: { stream_descriptor: { name: stream }, stream_state: { cursor } } } });

export async function writeToEmulator(options: {
  url: string;
  config: Record<string, unknown>;
  streams: StreamSpec[];
  messages: object[];
  signal?: AbortSignal;
}): Promise<InProcessResult> {
  const config = tempJson('config.json', { api_key: TEST_KEY, api_base_url: options.url, requests_per_second: 2000, ...options.config });
  const catalog = tempJson('catalog.json', catalogOf(options.streams));
  return runInProcess({ argv: ['write', '--config', config, '--catalog', catalog], input: options.messages, deps: defaultDeps(), signal: options.signal });
}
