// This sync's part objects, one open part per stream, rotated by size and age; tells which refusals S3 holds.
import type { S3Client } from '@aws-sdk/client-s3';
import { PartWriter } from './part-writer.js';
import { partKey, streamFolder, type SyncId } from './layout.js';
import type { StoredRejection } from './line.js';
import { storeError } from './s3-client.js';

export interface StoreWriterOptions {
  client: S3Client;
  bucket: string;
  prefix: string;
  location: string;
  sync: SyncId;
  /** A part is completed once it holds this many uncompressed bytes; default 64 MiB. */
  maxObjectBytes?: number;
  /** ... or once it has been open this long, so the states it holds back go out; default 5 minutes. */
  maxObjectAgeMs?: number;
  now?: () => number;
  /** Called each time a part is complete in S3 (its refusals are stored; states waiting on them may go). */
  onStored?: (part: { key: string; lines: number }) => void;
}

export const DEFAULT_MAX_OBJECT_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_OBJECT_AGE_MS = 5 * 60_000;

interface StreamParts {
  folder: string;
  next: number;
  open?: PartWriter;
  timer?: NodeJS.Timeout;
}

export class StoreWriter {
  /** Lines in parts S3 holds whole, and those parts' keys. */
  storedLines = 0;
  readonly storedKeys: string[] = [];
  private readonly streams = new Map<string, StreamParts>();
  /** Parts being completed (rotated), still holding their lines' states back. */
  private readonly finishing = new Set<PartWriter>();
  private failure: unknown;
  private readonly background = new Set<Promise<void>>();

  constructor(private readonly options: StoreWriterOptions) {}

  /** Appends a refusal to its stream's open part; `seq` is its checkpoint ticket, held back until the part is stored. */
  async add(line: StoredRejection, seq?: number): Promise<void> {
    this.throwIfFailed();
    const parts = this.partsOf(line.stream, line.namespace);
    if (!parts.open) this.open(parts);
    const writer = parts.open!;
    try {
      await writer.write(JSON.stringify(line), seq);
    } catch (error) {
      throw this.fail('store a refused record', error);
    }
    if (writer.bytes >= (this.options.maxObjectBytes ?? DEFAULT_MAX_OBJECT_BYTES) && parts.open === writer) this.rotate(parts);
  }

  /** The lowest checkpoint sequence number whose refusal S3 does not hold yet (Infinity: none). */
  lowestUnstored(): number {
    let low = Infinity;
    for (const parts of this.streams.values()) if (parts.open && parts.open.minSeq < low) low = parts.open.minSeq;
    for (const writer of this.finishing) if (writer.minSeq < low) low = writer.minSeq;
    return low;
  }

  /** Completes every open part; throws a ConnectorError when S3 refused or could not be reached. */
  async close(): Promise<void> {
    for (const parts of this.streams.values()) if (parts.open) this.rotate(parts);
    while (this.background.size > 0) await Promise.allSettled([...this.background]);
    this.throwIfFailed();
  }

  /** No part open or being completed. */
  get idle(): boolean {
    return this.background.size === 0 && [...this.streams.values()].every((p) => p.open === undefined);
  }

  /** Gives up every open part (after a failure): nothing half-written becomes visible. */
  async abort(): Promise<void> {
    const open = [...this.streams.values()].flatMap((p) => (p.open ? [p.open] : []));
    for (const parts of this.streams.values()) {
      clearTimeout(parts.timer);
      parts.open = undefined;
    }
    await Promise.allSettled(open.map((w) => w.abort()));
  }

  private partsOf(stream: string, namespace: string | null): StreamParts {
    const scope = `${namespace ?? ''}\u0000${stream}`;
    let parts = this.streams.get(scope);
    if (!parts) this.streams.set(scope, (parts = { folder: streamFolder(this.options.prefix, stream, namespace), next: 1 }));
    return parts;
  }

  private open(parts: StreamParts): void {
    const now = this.options.now?.() ?? Date.now();
    parts.open = new PartWriter(this.options.client, this.options.bucket, partKey(parts.folder, this.options.sync, parts.next++), now);
    const writer = parts.open;
    parts.timer = setTimeout(() => {
      if (parts.open === writer) this.rotate(parts);
    }, this.options.maxObjectAgeMs ?? DEFAULT_MAX_OBJECT_AGE_MS);
    parts.timer.unref();
  }

  /** Completes the open part in the background; the next line opens a new one. */
  private rotate(parts: StreamParts): void {
    const writer = parts.open;
    if (!writer) return;
    clearTimeout(parts.timer);
    parts.open = undefined;
    this.finishing.add(writer);
    const task = writer.finish().then(
      () => {
        this.finishing.delete(writer);
        this.storedLines += writer.lines;
        this.storedKeys.push(writer.key);
        this.options.onStored?.({ key: writer.key, lines: writer.lines });
      },
      (error: unknown) => {
        this.fail('complete an object', error);
      },
    );
    this.background.add(task);
    void task.finally(() => this.background.delete(task));
  }

  private fail(what: string, error: unknown): unknown {
    this.failure ??= storeError(what, this.options.location, error);
    return this.failure;
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined) throw this.failure;
  }
}
