// Where the store keeps what: one folder per stream, one per sync inside it, numbered gzip parts.
//
//   <path_prefix>stream=<stream>/sync=<start>_<sync id>/part-00001.jsonl.gz   refused records (JSON Lines, gzip)
//   <path_prefix>stream=<stream>/sync=<start>_<sync id>/claim.json            stored objects this sync is retrying
//   <path_prefix>namespace=<namespace>/stream=<stream>/...                    the same, for a stream with a namespace
//   <path_prefix>_check/<uuid>                                                check's marker, deleted at once

export interface SyncId {
  /** The sync's start, ISO 8601 (UTC). */
  startedAt: string;
  /** Random, so that two syncs started in the same second never share a folder. */
  id: string;
}

const segment = (text: string): string => encodeURIComponent(text);

/** The folder of a stream (`stream=…/`, or `namespace=…/stream=…/`), under the prefix. */
export function streamFolder(prefix: string, stream: string, namespace?: string | null): string {
  return `${prefix}${namespace ? `namespace=${segment(namespace)}/` : ''}stream=${segment(stream)}/`;
}

/** `sync=2026-12-05T08-06-53.123Z_ab12cd34`: sorts by start time, which is the order syncs ran in. */
export function syncFolderName(sync: SyncId): string {
  return `sync=${sync.startedAt.replace(/:/g, '-')}_${sync.id}`;
}

export const partKey = (folder: string, sync: SyncId, part: number): string => `${folder}${syncFolderName(sync)}/part-${String(part).padStart(5, '0')}.jsonl.gz`;
export const claimKey = (folder: string, sync: SyncId): string => `${folder}${syncFolderName(sync)}/claim.json`;
export const checkMarkerKey = (prefix: string, id: string): string => `${prefix}_check/${id}`;

export type StoredObjectKind = 'part' | 'claim';

/** What a key in a stream's folder is: a part or a claim, and the sync folder it belongs to. */
export function parseStoredKey(folder: string, key: string): { kind: StoredObjectKind; sync: string } | undefined {
  if (!key.startsWith(folder)) return undefined;
  const rest = key.slice(folder.length).split('/');
  if (rest.length !== 2 || !rest[0]!.startsWith('sync=')) return undefined;
  if (/^part-\d+\.jsonl\.gz$/.test(rest[1]!)) return { kind: 'part', sync: rest[0]! };
  if (rest[1] === 'claim.json') return { kind: 'claim', sync: rest[0]! };
  return undefined;
}
