// The rejected-records store of one sync: keeps this sync's refusals, retries those of earlier syncs, commits.
//
// Retry protocol, per stream folder (docs/user-guide.md, "Rejected records", says what a crash leaves):
//  1. prepare: list the parts; a claim marked committed means its sources are done (finish deleting them);
//     read every other part once, keep the newest copy of each record id, note the primary keys.
//  2. claim: put `claim.json` naming the parts this sync retries (committed: false).
//  3. while the input is read: a record with the primary key of a stored one supersedes it.
//  4. after the input: send the stored records again (same idempotency keys); refused again or kept
//     ones go into this sync's parts with the same record id.
//  5. close: complete this sync's parts; put the claim again with committed: true (the commit point);
//     delete the sources, then the claims.
import { randomUUID, createHash } from 'node:crypto';
import type { S3Client } from '@aws-sdk/client-s3';
import type { AirbyteRecordMessage, ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../generated/protocol.js';
import type { RecordContext, RecordOutcome, Sink } from '../pipeline/sink.js';
import type { Rejection } from '../core/rejection.js';
import { describeRejection } from '../pipeline/rejections.js';
import { canonicalJson } from '../stripe/idempotency.js';
import { claimKey, streamFolder, syncFolderName, type SyncId } from './layout.js';
import { retryClassOf, storedLine, type KeyOrigin, type StoredRejection } from './line.js';
import { storeError } from './s3-client.js';
import { storeLocation, type StoreSettings } from './settings.js';
import { deleteObject, listStream, putJson, readJson, readPart, type Claim } from './store-reader.js';
import { StoreWriter } from './store-writer.js';

export interface KeyOrigins {
  keyOrigin(stream: string, namespace: string | undefined, data: object): KeyOrigin | undefined;
  pinKeyOrigin(stream: string, namespace: string | undefined, data: object, origin: KeyOrigin | undefined, retry?: string): void;
}

export interface RejectedStoreOptions {
  client: S3Client;
  settings: StoreSettings;
  catalog: ConfiguredAirbyteCatalog;
  origins: KeyOrigins;
  log: (level: 'INFO' | 'WARN', text: string) => void;
  logPrimaryKeyValues?: boolean;
  now?: () => Date;
  maxObjectBytes?: number;
  maxObjectAgeMs?: number;
  /** Stored records sent at once while retrying; default 32. */
  retryConcurrency?: number;
}

/** What became of the stored records of earlier syncs in this one. */
export interface RetryCounts {
  written: number;
  rejectedAgain: number;
  /** Superseded by a newer record with the same primary key in this sync: dropped. */
  superseded: number;
  /** Kept without a request: refused by Stripe (4xx), or past max_retry_syncs. */
  kept: number;
  exhausted: number;
}

interface StreamSources {
  configured: ConfiguredAirbyteStream;
  folder: string;
  /** Parts this sync retries, oldest first. */
  parts: string[];
  /** Claims to delete at commit (this sync's and those of stopped syncs). */
  claims: string[];
  /** Parts of committed claims, only left to delete. */
  consumed: string[];
}

export class RejectedRecordsStore {
  readonly sync: SyncId;
  readonly location: string;
  readonly counts: RetryCounts = { written: 0, rejectedAgain: 0, superseded: 0, kept: 0, exhausted: 0 };
  private readonly writer: StoreWriter;
  private readonly streams: StreamSources[] = [];
  /** Record id → index of the part (across streams) holding its newest copy. */
  private readonly newest = new Map<string, number>();
  private readonly partIndex = new Map<string, number>();
  /** Primary-key fingerprints of stored records, and those this sync's input superseded. */
  private readonly storedKeys = new Set<string>();
  private readonly supersededKeys = new Set<string>();
  private readonly listeners: Array<() => void> = [];
  private claimed = false;
  private retried = false;
  private newLines = 0;
  /** Distinct records earlier syncs had stored for this catalog's streams. */
  private storedBefore = 0;

  constructor(private readonly options: RejectedStoreOptions) {
    const start = (options.now?.() ?? new Date()).toISOString();
    this.sync = { startedAt: start, id: randomUUID().slice(0, 8) };
    this.location = storeLocation(options.settings);
    this.writer = new StoreWriter({
      client: options.client,
      bucket: options.settings.bucket,
      prefix: options.settings.prefix,
      location: this.location,
      sync: this.sync,
      maxObjectBytes: options.maxObjectBytes,
      maxObjectAgeMs: options.maxObjectAgeMs,
      onStored: () => {
        for (const listener of this.listeners) listener();
      },
    });
  }

  /** Reads what earlier syncs stored for the catalog's streams and claims it (steps 1 and 2). No-op with retry off. */
  async prepare(): Promise<void> {
    const { settings } = this.options;
    if (!settings.retry) return;
    const { client } = this.options;
    let inDoubt = 0;
    let stored = 0;
    try {
      for (const configured of this.options.catalog.streams) {
        const folder = streamFolder(settings.prefix, configured.stream.name, configured.stream.namespace);
        const listing = await listStream(client, settings.bucket, folder);
        const sources: StreamSources = { configured, folder, parts: [], claims: [], consumed: [] };
        const done = new Set<string>();
        for (const claim of listing.claims) {
          const body = (await readJson(client, settings.bucket, claim.key)) as Partial<Claim & { committed: boolean }> | undefined;
          const named = Array.isArray(body?.sources) ? body.sources.filter((k): k is string => typeof k === 'string') : [];
          if (body?.committed === true) for (const key of named) done.add(key);
          else inDoubt += named.filter((k) => listing.parts.some((p) => p.key === k)).length;
          sources.claims.push(claim.key);
        }
        for (const part of listing.parts) {
          if (done.has(part.key)) {
            sources.consumed.push(part.key);
            continue;
          }
          const index = this.partIndex.size;
          this.partIndex.set(part.key, index);
          sources.parts.push(part.key);
          for await (const line of readPart(client, settings.bucket, part.key)) {
            if (!this.newest.has(line.record_id)) stored += 1;
            // Parts are read oldest sync first: the last copy seen is the newest.
            this.newest.set(line.record_id, index);
            this.storedKeys.add(fingerprint(line.stream, line.namespace, line.primary_key, line.data));
          }
        }
        if (sources.parts.length > 0 || sources.claims.length > 0 || sources.consumed.length > 0) this.streams.push(sources);
      }
      for (const sources of this.streams) {
        if (sources.parts.length === 0) continue;
        const key = claimKey(sources.folder, this.sync);
        await putJson(client, settings.bucket, key, this.claimBody(sources, false));
        sources.claims.push(key);
      }
    } catch (error) {
      throw storeError('be read', this.location, error);
    }
    this.claimed = true;
    this.storedBefore = stored;
    if (stored > 0) this.options.log('INFO', `Rejected-records store ${this.location}: ${stored} record(s) stored by earlier syncs for this catalog's streams; they are checked and retried after this sync's input.`);
    if (inDoubt > 0) {
      this.options.log('WARN', `Rejected-records store: ${inDoubt} object(s) were being retried by a sync that stopped before it finished; their records are sent again with the idempotency keys of their first attempt, so Stripe answers those that got through from its idempotency store instead of applying them twice.`);
    }
  }

  /**
   * Step 3: a record of this sync's input supersedes a stored one with the same primary key (without a
   * primary key: with the same data, which this sync sends anyway).
   */
  observe(record: Pick<AirbyteRecordMessage, 'data'>, context: Pick<RecordContext, 'stream' | 'namespace' | 'primaryKey'>): void {
    if (this.storedKeys.size === 0) return;
    const key = fingerprint(context.stream, context.namespace ?? null, context.primaryKey ?? null, record.data);
    if (this.storedKeys.has(key)) this.supersededKeys.add(key);
  }

  /** Stores one refusal of this sync's input; `seq` is its checkpoint ticket, held back until the part is in S3. */
  async keep(record: AirbyteRecordMessage, context: RecordContext & { primaryKeyFields?: string[] }, rejection: Rejection, seq: number): Promise<void> {
    const line = storedLine({
      recordId: `${this.sync.id}:${context.line}`,
      stream: context.stream,
      namespace: context.namespace,
      line: context.line,
      syncStartedAt: this.sync.startedAt,
      storedAt: this.sync.startedAt,
      primaryKey: context.primaryKey,
      primaryKeyFields: context.primaryKeyFields,
      rejection,
      attempt: 1,
      keyOrigin: this.options.origins.keyOrigin(context.stream, context.namespace, record.data),
      emittedAt: record.emitted_at,
      data: record.data,
    });
    this.newLines += 1;
    await this.writer.add(line, seq);
  }

  /** The lowest checkpoint sequence number whose refusal is not in S3 yet. */
  lowestUnstored(): number {
    return this.writer.lowestUnstored();
  }

  /** Called each time a part is complete in S3. */
  onStored(listener: () => void): void {
    this.listeners.push(listener);
  }

  /** Step 4: sends the stored records again through the sink, after this sync's input. */
  async retry(sink: Sink): Promise<void> {
    if (!this.claimed) return;
    const { client, settings } = this.options;
    const limit = this.options.retryConcurrency ?? 32;
    const inFlight = new Set<Promise<void>>();
    let failure: unknown;
    for (const sources of this.streams) {
      for (const key of sources.parts) {
        const index = this.partIndex.get(key)!;
        let lines: AsyncGenerator<StoredRejection>;
        try {
          lines = readPart(client, settings.bucket, key);
          for await (const line of lines) {
            if (failure !== undefined) break;
            if (this.newest.get(line.record_id) !== index) continue;
            this.newest.delete(line.record_id);
            const task = this.retryOne(sink, sources.configured, line).catch((error: unknown) => void (failure ??= error));
            inFlight.add(task);
            void task.finally(() => inFlight.delete(task));
            while (inFlight.size >= limit) await Promise.race(inFlight);
          }
        } catch (error) {
          failure ??= storeError('be read', this.location, error);
        }
        if (failure !== undefined) break;
      }
      if (failure !== undefined) break;
    }
    await Promise.allSettled([...inFlight]);
    if (failure !== undefined) throw failure;
    this.retried = true;
  }

  private async retryOne(sink: Sink, configured: ConfiguredAirbyteStream, line: StoredRejection): Promise<void> {
    const { settings } = this.options;
    if (this.supersededKeys.has(fingerprint(line.stream, line.namespace, line.primary_key, line.data))) {
      this.counts.superseded += 1;
      return;
    }
    const kind = retryClassOf(line);
    const exhausted = kind === 'retry' && line.attempt > settings.maxRetrySyncs;
    const send = settings.retryAll || (kind === 'retry' && !exhausted) || kind === 'recheck';
    if (!send) {
      if (exhausted) this.counts.exhausted += 1;
      else this.counts.kept += 1;
      await this.writer.add({ ...line, stored_at: this.sync.startedAt });
      return;
    }
    const namespace = line.namespace ?? undefined;
    const data = line.data;
    // The first attempt's keys, so that one that reached Stripe after all is answered from its idempotency store.
    // After a definite 4xx answer nothing was applied, and Stripe would replay the refusal for those keys: new ones.
    const refusedForSure = line.http_status !== null && line.http_status >= 400 && line.http_status < 500;
    this.options.origins.pinKeyOrigin(line.stream, namespace, data, line.key_origin ?? undefined, refusedForSure ? `attempt-${line.attempt + 1}` : undefined);
    const record: AirbyteRecordMessage = { stream: line.stream, ...(namespace === undefined ? {} : { namespace }), data, emitted_at: line.emitted_at ?? Date.now() };
    const context: RecordContext = { stream: line.stream, namespace, position: 0, line: line.line, primaryKey: line.primary_key ?? undefined, configuredStream: configured };
    const outcome: RecordOutcome = await sink.write(record, context);
    if (outcome.kind === 'written') {
      this.counts.written += 1;
      return;
    }
    this.counts.rejectedAgain += 1;
    const text = describeRejection(line.stream, { position: 0, line: line.line, primaryKey: line.primary_key ?? undefined, primaryKeyFields: line.primary_key_fields ?? undefined }, outcome.rejection, { showKeyValues: this.options.logPrimaryKeyValues === true });
    this.options.log('WARN', text.replace(/^Rejected record #0 of stream/, `Stored record (first refused by the sync of ${line.sync_started_at}, attempt ${line.attempt + 1}) of stream`));
    const again = storedLine({
      recordId: line.record_id,
      stream: line.stream,
      namespace: line.namespace,
      line: line.line,
      syncStartedAt: line.sync_started_at,
      storedAt: this.sync.startedAt,
      primaryKey: line.primary_key ?? undefined,
      primaryKeyFields: line.primary_key_fields ?? undefined,
      rejection: outcome.rejection,
      attempt: line.attempt + 1,
      keyOrigin: line.key_origin ?? this.options.origins.keyOrigin(line.stream, namespace, data),
      emittedAt: line.emitted_at ?? undefined,
      data,
    });
    await this.writer.add(again);
  }

  /**
   * Step 5: completes this sync's parts and, when the retry ran to its end, commits it and deletes what it
   * consumed. Throws a ConnectorError when the store could not be written.
   */
  async close(options: { commit: boolean }): Promise<void> {
    try {
      await this.closeObjects(options);
    } finally {
      if (this.writer.idle) this.options.client.destroy();
    }
  }

  private async closeObjects(options: { commit: boolean }): Promise<void> {
    await this.writer.close();
    const { client, settings } = this.options;
    if (options.commit && this.retried) {
      try {
        for (const sources of this.streams) {
          if (sources.parts.length > 0) await putJson(client, settings.bucket, claimKey(sources.folder, this.sync), this.claimBody(sources, true));
        }
        for (const sources of this.streams) {
          for (const key of [...sources.parts, ...sources.consumed]) await deleteObject(client, settings.bucket, key);
          for (const key of sources.claims) await deleteObject(client, settings.bucket, key);
        }
      } catch (error) {
        // The commit point may or may not have been reached: either way the next sync sees a consistent store.
        throw storeError('commit the retry', this.location, error);
      }
    }
    this.report();
  }

  /** After a failure: gives up the open parts (nothing half-written becomes visible). */
  async abort(): Promise<void> {
    await this.writer.abort();
    this.options.client.destroy();
  }

  private report(): void {
    const { written, rejectedAgain, superseded, kept, exhausted } = this.counts;
    if (this.writer.storedLines > 0) {
      this.options.log('INFO', `Rejected-records store: ${this.writer.storedLines} refused record(s) stored in ${this.writer.storedKeys.length} object(s) under ${this.location}, in ${syncFolderName(this.sync)} (${this.newLines} from this sync's input).`);
    }
    if (!this.retried || this.storedBefore === 0) return;
    this.options.log('INFO', `Rejected records retried from earlier syncs: ${written} written, ${rejectedAgain} rejected again.`);
    if (superseded > 0) this.options.log('INFO', `Rejected-records store: ${superseded} stored record(s) dropped: a newer record with the same primary key arrived in this sync.`);
    if (kept > 0) this.options.log('INFO', `Rejected-records store: ${kept} stored record(s) that Stripe refused (4xx) kept, not re-sent: fix the cause, then set rejected_records.retry_all_rejected for one sync.`);
    if (exhausted > 0) this.options.log('WARN', `Rejected-records store: ${exhausted} stored record(s) were refused in ${this.options.settings.maxRetrySyncs} retries (max_retry_syncs): kept in the store, no longer retried.`);
  }

  private claimBody(sources: StreamSources, committed: boolean): Claim & { committed: boolean } {
    return { sync: syncFolderName(this.sync), started_at: this.sync.startedAt, sources: sources.parts, committed };
  }
}

/** A record's identity for superseding, as a short fingerprint: its stream and primary key, or its data without a complete one. */
function fingerprint(stream: string, namespace: string | null, primaryKey: unknown[] | null, data: unknown): string {
  const complete = primaryKey !== null && primaryKey.length > 0 && primaryKey.every((v) => v !== undefined && v !== null);
  const identity = complete ? ['pk', namespace, stream, primaryKey] : ['data', namespace, stream, canonicalJson(data)];
  return createHash('sha256').update(JSON.stringify(identity)).digest('base64').slice(0, 16);
}

