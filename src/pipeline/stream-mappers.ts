// One mapper per configured stream: template (with data-activation overrides) or manual, keys derived per record.
import { randomUUID } from 'node:crypto';
import type { Config } from '../generated/config.js';
import type { ConfiguredAirbyteCatalog, ConfiguredAirbyteStream } from '../generated/protocol.js';
import { primaryKeyOf, streamScope } from '../protocol/catalog.js';
import { deriveIdempotencyKey, type IdempotencyKeySource } from '../stripe/idempotency.js';
import { createManualMapper } from '../mapping/manual.js';
import { createTemplateMapper, pickObject } from '../mapping/template.js';
import { toMeterEvent, type MeterEventResult } from '../mapping/meter-event.js';
import { planStream } from '../mapping/stream-plan.js';
import type { MapResult } from '../core/mapped-request.js';
import { configError } from '../protocol/errors.js';
import { schemaChecksApply } from '../stripe/version.js';
import { getResource } from '../mapping/resources.js';
import { createExistingObjects, type ExistingObjects } from '../resync/existing-objects.js';
import { listPlanFor } from '../resync/list-params.js';
import { IdMemory, type KnownIds } from '../resync/key-table.js';
import { resolveStreamSettings, unmatchedEntryWarnings } from '../config/stream-settings.js';
import { createStageTally, type StageTally } from '../mapping/stages/record-stages.js';
import { accountIds } from '../mapping/connect-account.js';
import { accountMappers } from './account-mappers.js';
import { linkedMapper, streamLinks } from './linked-mapper.js';
import { ReferenceResolver, providerKey } from './references.js';
import type { StreamMapper } from './stream-mapper.js';
import { KeyOrigins } from './key-origins.js';

/** Where stream mappers log (the bulk read's line per stream). */
export type MapperLog = (level: 'INFO' | 'WARN', text: string) => void;

export type { MapHooks, StreamMapResult, StreamMapper } from './stream-mapper.js';

/** Builds every stream's mapper up front, so a bad template or an unsupported operation fails before any record is read. */
export function buildStreamMappers(config: Config, catalog: ConfiguredAirbyteCatalog, log: MapperLog = () => {}): Map<string, StreamMapper> & { resolver?: ReferenceResolver; keyOrigins: Map<string, KeyOrigins> } {
  const knownIds = new IdMemory();
  const runId = randomUUID();
  // Each stream's key origins, which the rejected-records store reads (to store) and pins (to retry).
  const mappers: Map<string, StreamMapper> & { resolver?: ReferenceResolver; keyOrigins: Map<string, KeyOrigins> } = Object.assign(new Map<string, StreamMapper>(), { keyOrigins: new Map<string, KeyOrigins>() });
  const links = new Map(catalog.streams.map((stream) => [stream, streamLinks(config, stream)]));
  // Streams that create objects by an external key: references to those objects wait for their records.
  const providers = new Set<string>();
  for (const [, link] of links) if (link.provides) providers.add(providerKey(link.provides.resource, link.provides.matchingKey));
  const resolver = [...links.values()].some((l) => l.references.length > 0)
    ? new ReferenceResolver({
        providers,
        knownIds: (account) => (account ? accountIds(knownIds, account) : knownIds),
        log,
        dryRun: config.dry_run ?? false,
        read: config.existing_objects?.read ?? 'bulk',
        maxObjects: config.existing_objects?.max_indexed_objects,
      })
    : undefined;
  if (resolver) mappers.resolver = resolver;
  for (const note of unmatchedEntryWarnings(config.stream_settings, catalog.streams.map((s) => s.stream))) log(note.likelyTypo ? 'WARN' : 'INFO', note.text);
  for (const stream of catalog.streams) {
    const link = links.get(stream)!;
    const origins = new KeyOrigins(runId);
    mappers.keyOrigins.set(streamScope(stream.stream.name, stream.stream.namespace), origins);
    // One tally of conversions and dropped fields per stream, whatever account a record writes to.
    const tally = createStageTally();
    const base = mapperFor(config, stream, knownIds, origins, log, tally);
    const make = (account: string): StreamMapper => mapperFor(config, stream, accountIds(knownIds, account), origins, log, tally, account);
    let mapper = base;
    if (base.toMeterEvent && (link.accountField !== undefined || link.references.length > 0)) {
      throw configError(`Stream "${stream.stream.name}": stripe_account_field and references do not apply to meter events sent through the v2 meter event stream (one session acts on one account).`);
    }
    if (resolver && (link.references.length > 0 || link.provides)) mapper = linkedMapper(base, make, link, resolver, config.stripe_account);
    else if (link.accountField !== undefined) mapper = accountMappers(base, make, link.accountField, config.stripe_account);
    mappers.set(streamScope(stream.stream.name, stream.stream.namespace), { ...mapper, report: tally.report });
  }
  return mappers;
}

function mapperFor(config: Config, stream: ConfiguredAirbyteStream, knownIds: KnownIds, origins: KeyOrigins, log: MapperLog, tally: StageTally, account?: string): StreamMapper {
  const source: IdempotencyKeySource = config.idempotency_key?.source ?? 'auto';
  const configuration = config.configuration;
  const manualTargetsObject = configuration.mode === 'manual' && (configuration.url.split('?', 1)[0] ?? '').includes('{message.');
  const idempotencyKey = (operation: string, resource: string, data: Record<string, unknown>) => {
    const perRecord = keyIsPerRecord(source, operation, manualTargetsObject);
    return deriveIdempotencyKey({
      source: perRecord ? 'content' : source,
      stream: stream.stream.name,
      namespace: stream.stream.namespace ?? undefined,
      operation,
      resource,
      primaryKey: primaryKeyOf(stream, data),
      // Keys unique per record: the run and the record's position among the stream's records (see KeyOrigins).
      record: perRecord ? { ...origins.originOf(data), data } : data,
      field: config.idempotency_key?.field,
      retry: origins.retryOf(data),
    });
  };
  if (configuration.mode === 'manual') {
    const map = createManualMapper({ configuration, apiBaseUrl: config.api_base_url, idempotencyKey });
    return { map, label: `${configuration.method ?? 'POST'} ${configuration.url}` };
  }
  const plan = planStream(config, stream);
  const meterStream = plan.resource === 'billing_meter_events' && configuration.meter_events_api === 'v2_stream';
  const map = createTemplateMapper({
    resource: plan.resource,
    operation: plan.operation,
    matchingKey: plan.matchingKey,
    recordPath: configuration.record_path,
    idempotencyKey,
    knownIds,
    schemaChecks: schemaChecksApply(config),
    existing: meterStream ? undefined : existingObjectsFor(config, account === undefined ? stream.stream.name : `${stream.stream.name} (account ${account})`, plan, log),
    settings: resolveStreamSettings(config.stream_settings, stream.stream.name, stream.stream.namespace),
    stream: stream.stream.name,
    log: (text) => log('INFO', text),
    tally,
  });
  if (!meterStream) return { map, label: `${plan.resource}/${plan.operation}` };
  const recordPath = (configuration.record_path ?? '').trim();
  const steps = recordPath === '' ? [] : recordPath.split('.');
  const toEvent = (data: Record<string, unknown>): MeterEventResult => {
    const picked = pickObject(data, steps, recordPath);
    return 'rejection' in picked ? { ok: false, rejection: picked.rejection } : toMeterEvent(picked.record, { stream: stream.stream.name });
  };
  return { map, label: `${plan.resource}/${plan.operation} (v2 meter event stream, batches of up to 100)`, toMeterEvent: toEvent };
}

/**
 * The stream's bulk read, when its records match existing objects (update, upsert, delete, or create
 * with a matching key kept in metadata), the resource can be listed in one go, and the config does
 * not ask for per-record lookups.
 */
function existingObjectsFor(config: Config, stream: string, plan: { resource: string; operation: string; matchingKey: string }, log: MapperLog): ExistingObjects | undefined {
  const settings = config.existing_objects ?? {};
  if ((settings.read ?? 'bulk') !== 'bulk') return undefined;
  if (plan.operation === 'create' && plan.matchingKey === 'id') return undefined;
  const definition = getResource(plan.resource);
  if (plan.operation === 'create' && !definition.operations.includes('upsert')) return undefined;
  const list = listPlanFor(definition);
  if (!list) return undefined;
  return createExistingObjects({
    stream,
    resource: definition.name,
    list,
    matchingKey: plan.matchingKey,
    diff: settings.diff ?? true,
    maxObjects: settings.max_indexed_objects,
    log,
  });
}

/**
 * With `auto`, creates are keyed by the primary key (else the content), the same in every run, so a
 * re-run within Stripe's 24 hours cannot create a second object. Changes to an existing object
 * (update, upsert by id, delete, a manual call whose path names an object) get a key unique to the
 * record in this run (run id, position, content): its retries share it, while a later change to the
 * same values (A → B → A) is applied rather than answered from Stripe's store. Re-applying a change
 * in a re-run is harmless; replaying a stale one is not.
 */
export function keyIsPerRecord(source: IdempotencyKeySource, operation: string, manualTargetsObject: boolean): boolean {
  if (source !== 'auto') return false;
  return operation === 'update' || operation === 'upsert' || operation === 'delete' || manualTargetsObject;
}
