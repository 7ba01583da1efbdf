// Reads and checks the configured catalog handed to `write`.
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../generated/protocol.js';
import { configError } from './errors.js';

/** One key per stream and namespace (the namespace may be absent), for maps of per-stream state. */
export const streamScope = (name: string, namespace?: string | null): string => `${namespace ?? ''}\u0000${name}`;

const SYNC_MODES = new Set(['append', 'overwrite', 'append_dedup', 'update', 'soft_delete']);
const SOURCE_SYNC_MODES = new Set(['full_refresh', 'incremental']);

/** Validates the parts of a configured catalog `write` relies on; problems name the stream index and field. */
export function parseCatalog(raw: unknown): ConfiguredAirbyteCatalog {
  const streams = (raw as { streams?: unknown } | null)?.streams;
  if (!raw || typeof raw !== 'object' || !Array.isArray(streams)) throw configError('The configured catalog must be a JSON object with a "streams" array.');
  streams.forEach((s: unknown, i: number) => {
    const where = `catalog streams[${i}]`;
    const stream = (s as { stream?: { name?: unknown } } | null)?.stream;
    if (!stream || typeof stream.name !== 'string' || stream.name === '') throw configError(`${where}.stream.name is required.`);
    const mode = (s as { destination_sync_mode?: unknown }).destination_sync_mode;
    if (typeof mode !== 'string' || !SYNC_MODES.has(mode)) {
      throw configError(`${where}.destination_sync_mode must be one of ${[...SYNC_MODES].join(', ')} (stream "${stream.name}").`);
    }
    const sourceMode = (s as { sync_mode?: unknown }).sync_mode;
    if (sourceMode !== undefined && (typeof sourceMode !== 'string' || !SOURCE_SYNC_MODES.has(sourceMode))) {
      throw configError(`${where}.sync_mode must be one of ${[...SOURCE_SYNC_MODES].join(', ')} (stream "${stream.name}").`);
    }
    const pk = (s as { primary_key?: unknown }).primary_key;
    if (pk !== undefined && pk !== null && !(Array.isArray(pk) && pk.every((p) => Array.isArray(p) && p.every((x) => typeof x === 'string')))) {
      throw configError(`${where}.primary_key must be a list of field paths (a list of lists of strings).`);
    }
  });
  return raw as ConfiguredAirbyteCatalog;
}

/** Index of configured streams by namespace and name. */
export function indexStreams(catalog: ConfiguredAirbyteCatalog): Map<string, ConfiguredAirbyteStream> {
  return new Map(catalog.streams.map((s) => [streamScope(s.stream.name, s.stream.namespace), s]));
}

/** The values of the stream's primary key in a record, or undefined when the catalog declares none. */
export function primaryKeyOf(stream: ConfiguredAirbyteStream, data: Record<string, unknown>): unknown[] | undefined {
  const pk = stream.primary_key;
  if (!pk || pk.length === 0) return undefined;
  return pk.map((path) => path.reduce<unknown>((node, part) => (node && typeof node === 'object' && Object.hasOwn(node, part) ? (node as Record<string, unknown>)[part] : undefined), data));
}
