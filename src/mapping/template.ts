// Template mode: a record's fields become one Stripe resource's fields, for create, update, upsert or delete.
import { createHash } from 'node:crypto';
import type { Rejection } from '../core/rejection.js';
import { configError } from '../protocol/errors.js';
import { encodePathSegment } from '../stripe/encode.js';
import { canonicalJson } from '../stripe/idempotency.js';
import type { StripeRequest, Send, StripeOutcome } from '../core/stripe-request.js';
import { dropNulls, isPlainObject, normalizeMetadata, schemaFields, validateBody } from './record-validation.js';
import { assertOperationSupported, getResource, type ResourceDefinition, type TemplateOperation } from './resources.js';
import type { MapResult, MappedRequest } from '../core/mapped-request.js';
import { executeExternalKey, externalCreateKey, knownIdKey, type ExternalKeyPlan } from './upsert.js';
import type { ExistingObjects } from '../resync/existing-objects.js';
import type { KnownIds } from '../resync/key-table.js';
import { planIndexed, runIndexed, type IndexedWrite } from '../resync/execute.js';
import { STREAM_SETTING_DEFAULTS } from '../config/stream-settings.js';
import { createRecordStages, type RecordStages, type StageSettings, type StageTally } from './stages/record-stages.js';

export { assertOperationSupported } from './resources.js';

export type IdempotencyKeyFn = (operation: string, resource: string, data: Record<string, unknown>) => { key?: string } | { error: string };

export interface TemplateMapperOptions {
  resource: string;
  operation: TemplateOperation;
  /** Record field naming the object: `id` (the Stripe id) or an external key kept in metadata. */
  matchingKey?: string;
  /** Dotted path of the object to send inside each record; empty sends the whole record. */
  recordPath?: string;
  idempotencyKey: IdempotencyKeyFn;
  /** external key → Stripe id, shared by every record of a sync (see upsert.ts). */
  knownIds?: KnownIds;
  /**
   * Check bodies against the generated request schemas (default true). Off when the sync pins another
   * Stripe-Version than the schemas describe: then only path ids and matching keys are checked.
   */
  schemaChecks?: boolean;
  /** The stream's bulk read of existing objects (src/resync/): records are matched and compared in memory. */
  existing?: ExistingObjects;
  /** The stream's `stream_settings` (renames, unmapped fields, conversion); the defaults when absent. */
  settings?: StageSettings;
  /** The stream's name, for log lines and config errors of its settings. */
  stream?: string;
  /** Logs once per stream (a dropped field's name). */
  log?: (text: string) => void;
  /** Conversions and dropped fields, shared by the stream's mappers (one per connected account). */
  tally?: StageTally;
}

/** The template mapper, plus what its stages counted (conversions), for the end of the stream. */
export type TemplateMapper = Mapper & { report: RecordStages['report'] };

type Mapper = (data: Record<string, unknown>) => MapResult;
type Body = Record<string, unknown>;

const MATCHING_KEY = /^[A-Za-z0-9_\-.]{1,40}$/;

/** Checks the configuration (throws a config error) and returns the per-record mapper. */
export function createTemplateMapper(options: TemplateMapperOptions): TemplateMapper {
  const matchingKey = options.matchingKey?.trim() || 'id';
  if (!MATCHING_KEY.test(matchingKey)) {
    throw configError('matching_key must be 1 to 40 letters, digits, "_", "-" or "." (it becomes a Stripe metadata key).');
  }
  const definition = assertOperationSupported(options.resource, options.operation, matchingKey);
  const recordPath = (options.recordPath ?? '').trim();
  const steps = recordPath === '' ? [] : recordPath.split('.');
  if (steps.some((s) => s === '')) throw configError('record_path must be a dotted path such as payload.customer.');
  const stages = createRecordStages({
    definition,
    settings: options.settings ?? STREAM_SETTING_DEFAULTS,
    ownFields: definition.parent ? [matchingKey, definition.parent.param] : [matchingKey],
    log: options.log,
    stream: options.stream,
    tally: options.tally,
  });
  const context: Context = {
    definition,
    operation: options.operation,
    matchingKey,
    external: matchingKey !== 'id',
    knownIds: options.knownIds ?? new Map(),
    existing: options.existing,
    sequence: 0,
    idempotencyKey: options.idempotencyKey,
    validate: options.schemaChecks === false ? () => undefined : validateBody,
  };

  const map: Mapper = (data) => {
    const picked = pickObject(data, steps, recordPath);
    if ('rejection' in picked) return rejected(picked.rejection);
    const staged = stages.run(picked.record);
    if ('rejection' in staged) return rejected(staged.rejection);
    const target = resolveTarget(definition, normalizeMetadata(staged.body));
    if ('rejection' in target) return rejected(target.rejection);
    const keys = (label: string): { key?: string } | { rejection: Rejection } => {
      const derived = options.idempotencyKey(label, definition.name, data);
      return 'error' in derived ? { rejection: { code: 'idempotency_key_unavailable', reason: derived.error } } : derived;
    };
    switch (options.operation) {
      case 'create':
        return mapCreate(context, target, keys);
      case 'update':
        return mapUpdate(context, target, keys);
      case 'upsert':
        return mapUpsert(context, target, keys);
      case 'delete':
        return mapDelete(context, target, keys);
    }
  };
  return Object.assign(map, { report: stages.report });
}

interface Context {
  definition: ResourceDefinition;
  operation: TemplateOperation;
  matchingKey: string;
  external: boolean;
  knownIds: KnownIds;
  existing: ExistingObjects | undefined;
  sequence: number;
  idempotencyKey: IdempotencyKeyFn;
  validate: typeof validateBody;
}

/** Where the record goes: the collection path (parent resolved) and the fields left for the body. */
interface Target {
  collectionPath: string;
  /** Nested resources: the parent object's path, which orders work on one customer. */
  parentPath?: string;
  fields: Body;
}

type Keys = (label: string) => { key?: string } | { rejection: Rejection };

function mapCreate(context: Context, target: Target, keys: Keys): MapResult {
  const { definition } = context;
  // With a matching key kept in metadata, a create never duplicates: an object that already holds the
  // key is updated (or left alone when unchanged), whatever became of the 24-hour idempotency keys.
  if (context.external && definition.operations.includes('upsert')) return relabel(mapUpsert(context, target, keys), 'create');
  const body = dropNulls(target.fields);
  if (definition.name === 'billing_meter_events' && (body['identifier'] === undefined || body['identifier'] === '')) {
    body['identifier'] = meterEventIdentifier(body);
  }
  const invalid = context.validate(definition.name, 'create', body);
  if (invalid) return rejected(invalid);
  const derived = keys('create');
  if ('rejection' in derived) return rejected(derived.rejection);
  const request = post(definition, target.collectionPath, body, derived.key);
  const customId = definition.customId && typeof body['id'] === 'string' && body['id'] !== '' ? `${target.collectionPath}/${encodePathSegment(body['id'])}` : undefined;
  const objectKey = target.parentPath ?? customId ?? `${target.collectionPath}#${derived.key ?? `create-${++context.sequence}`}`;
  return { kind: 'request', request, objectKey, operation: 'create' };
}

function mapUpdate(context: Context, target: Target, keys: Keys): MapResult {
  const { definition, matchingKey } = context;
  const located = matchingValue(target.fields, matchingKey);
  if ('rejection' in located) return rejected(located.rejection);
  const body = omit(target.fields, matchingKey);
  const invalid = context.validate(definition.name, 'update', body);
  if (invalid) return rejected(invalid);
  const derived = keys('update');
  if ('rejection' in derived) return rejected(derived.rejection);
  const whenFound = (id: string): StripeRequest => post(definition, `${target.collectionPath}/${encodePathSegment(id)}`, body, derived.key);
  if (!context.external) {
    const request = whenFound(located.value);
    const mapped: MappedRequest = { kind: 'request', request, objectKey: request.path, operation: 'update' };
    return indexedById(context, mapped, located.value, { compare: body, whenFound, foundAction: 'update', whenMissing: { kind: 'send' }, fallback: direct(request) });
  }
  return external(context, target, located.value, whenFound, { kind: 'reject' }, 'update', false, body);
}

function mapUpsert(context: Context, target: Target, keys: Keys): MapResult {
  const { definition, matchingKey } = context;
  const located = matchingValue(target.fields, matchingKey);
  if ('rejection' in located) return rejected(located.rejection);
  let fields = omit(target.fields, matchingKey);
  if (context.external) fields = withMetadataKey(fields, matchingKey, located.value);
  // Stripe-generated ids: an upsert by id can only update (there is no way to create with that id).
  if (!definition.customId && !context.external) return relabel(mapUpdate(context, target, (label) => keys(label === 'update' ? 'upsert' : label)), 'upsert');

  // Fields only create accepts (a price's currency) are used when the object is created; fields only update accepts when it is updated.
  const createFields = schemaFields(definition.name, 'create');
  const updateFields = schemaFields(definition.name, 'update');
  const checked = context.validate === validateBody;
  if (checked) {
    const unknown = Object.keys(fields).find((f) => !createFields.has(f) && !updateFields.has(f));
    if (unknown !== undefined) return rejected({ code: 'validation_failed', param: unknown, reason: `${definition.name} upsert: unknown field "${unknown}"` });
  }
  // Without schema checks (another API version pinned) a field the schemas do not know goes to both requests: Stripe judges it.
  const known = (f: string): boolean => createFields.has(f) || updateFields.has(f);
  const updateBody = Object.fromEntries(Object.entries(fields).filter(([f]) => updateFields.has(f) || (!checked && !known(f))));
  const createBody = dropNulls(Object.fromEntries(Object.entries(fields).filter(([f]) => createFields.has(f) || (!checked && !known(f)))));
  if (!context.external) createBody['id'] = located.value;
  const invalidUpdate = context.validate(definition.name, 'update', updateBody);
  if (invalidUpdate) return rejected(invalidUpdate);
  const invalidCreate = context.validate(definition.name, 'create', createBody, { required: false });
  if (invalidCreate) return rejected(invalidCreate);
  const derived = keys('upsert');
  if ('rejection' in derived) return rejected(derived.rejection);
  const whenFound = (id: string): StripeRequest => post(definition, `${target.collectionPath}/${encodePathSegment(id)}`, updateBody, derived.key);

  if (!context.external) {
    // Custom id: update it, and on 404 resource_missing create it with that id.
    const createKey = keys('upsert_create');
    if ('rejection' in createKey) return rejected(createKey.rejection);
    const request = whenFound(located.value);
    const create = post(definition, target.collectionPath, createBody, createKey.key);
    const mapped: MappedRequest = { kind: 'request', request, objectKey: request.path, operation: 'upsert', onMissing: create };
    const incompleteCreate = context.validate(definition.name, 'create', createBody);
    return indexedById(context, mapped, located.value, {
      compare: updateBody,
      whenFound,
      foundAction: 'update',
      whenMissing: incompleteCreate ? { kind: 'send' } : { kind: 'create', request: create },
      fallback: direct(request, create),
    });
  }
  const incomplete = context.validate(definition.name, 'create', createBody);
  const whenMissing: ExternalKeyPlan['whenMissing'] = incomplete
    ? { kind: 'reject', rejection: { ...incomplete, reason: `${incomplete.reason} (needed to create: no object matched "${matchingKey}")` } }
    : { kind: 'create', request: post(definition, target.collectionPath, createBody, externalCreateKey(definition.name, matchingKey, located.value)) };
  return external(context, target, located.value, whenFound, whenMissing, 'upsert', false, updateBody);
}

function mapDelete(context: Context, target: Target, keys: Keys): MapResult {
  const { definition, matchingKey } = context;
  const strategy = definition.delete;
  if (!strategy) return rejected({ code: 'operation_unsupported', reason: `${definition.name} cannot be deleted` });
  const located = matchingValue(target.fields, matchingKey);
  if ('rejection' in located) return rejected(located.rejection);
  let key: string | undefined;
  if (strategy.kind !== 'delete') {
    const derived = keys('delete');
    if ('rejection' in derived) return rejected(derived.rejection);
    key = derived.key;
  }
  const whenFound = (id: string): StripeRequest => {
    const objectPath = `${target.collectionPath}/${encodePathSegment(id)}`;
    switch (strategy.kind) {
      case 'delete':
        return { method: 'DELETE', path: objectPath, format: definition.format };
      case 'archive':
        return post(definition, objectPath, { active: false }, key);
      case 'action':
        return post(definition, `${objectPath}/${strategy.action}`, {}, key);
    }
  };
  if (!context.external) {
    const request = whenFound(located.value);
    const mapped: MappedRequest = { kind: 'request', request, objectKey: `${target.collectionPath}/${encodePathSegment(located.value)}`, operation: 'delete', missingIsSuccess: true };
    return indexedById(context, mapped, located.value, { whenFound, foundAction: 'delete', whenMissing: { kind: 'send' }, fallback: direct(request, undefined, true) });
  }
  return external(context, target, located.value, whenFound, { kind: 'done' }, 'delete', true);
}

function external(
  context: Context,
  target: Target,
  value: string,
  whenFound: (id: string) => StripeRequest,
  whenMissing: ExternalKeyPlan['whenMissing'],
  operation: string,
  missingIsSuccess = false,
  compare?: Body,
): MappedRequest {
  const { definition, matchingKey } = context;
  const plan: ExternalKeyPlan = {
    resource: definition.name,
    object: definition.object,
    collectionPath: target.collectionPath,
    matchingKey,
    value,
    knownIds: context.knownIds,
    whenFound,
    whenMissing,
    missingIsSuccess,
  };
  const request = whenMissing.kind === 'create' ? whenMissing.request : whenFound(`{${matchingKey}}`);
  const lookup = executeExternalKey(plan);
  const mapped: MappedRequest = {
    kind: 'request',
    // What the operation amounts to, for logs and dry runs; `execute` decides what is really sent.
    request,
    objectKey: `${definition.name}:${value}`,
    operation,
    execute: lookup,
    ...(missingIsSuccess ? { missingIsSuccess } : {}),
  };
  if (!context.existing) return mapped;
  const memoryKey = knownIdKey(definition.name, matchingKey, value);
  const write: IndexedWrite = {
    existing: context.existing,
    value,
    object: definition.object,
    matchingKey,
    ...(compare === undefined ? {} : { compare }),
    whenFound,
    foundAction: operation === 'delete' ? 'delete' : 'update',
    whenMissing,
    fallback: lookup,
    // Only creates: other streams' per-record lookups must find them before Stripe's search does.
    onCreated: (id) => void context.knownIds.set(memoryKey, id),
  };
  return { ...mapped, execute: (send) => runIndexed(write, send), plan: (send) => planIndexed(write, send) };
}

/** Update, upsert or delete by id (a Stripe id or a custom one): matched against the bulk read when the stream has one. */
function indexedById(context: Context, mapped: MappedRequest, id: string, write: Omit<IndexedWrite, 'existing' | 'value' | 'object' | 'matchingKey'>): MappedRequest {
  if (!context.existing) return mapped;
  const full: IndexedWrite = { ...write, existing: context.existing, value: id, object: context.definition.object, matchingKey: context.matchingKey };
  return { ...mapped, execute: (send) => runIndexed(full, send), plan: (send) => planIndexed(full, send) };
}

/** The mapped request sent as is: a 404 falls through to `onMissing` (create), or counts as done for deletes. */
function direct(request: StripeRequest, onMissing?: StripeRequest, missingIsSuccess = false): (send: Send) => Promise<StripeOutcome> {
  return async (send) => {
    const outcome = await send(request);
    if (outcome.kind !== 'rejected' || outcome.status !== 404) return outcome;
    if (onMissing) return send(onMissing);
    if (missingIsSuccess) return { kind: 'success', status: 404, body: outcome.body, requestId: outcome.rejection.requestId, replayed: false, attempts: outcome.attempts };
    return outcome;
  };
}

function relabel(result: MapResult, operation: string): MapResult {
  return result.kind === 'request' ? { ...result, operation } : result;
}

function post(definition: ResourceDefinition, path: string, body: Body, idempotencyKey: string | undefined): StripeRequest {
  return { method: 'POST', path, body, format: definition.format, ...(idempotencyKey === undefined ? {} : { idempotencyKey }) };
}

function rejected(rejection: Rejection): MapResult {
  return { kind: 'rejected', rejection };
}

/** The object at `record_path` (dotted) inside a record; the whole record when the path is empty. */
export function pickObject(data: Body, steps: string[], recordPath: string): { record: Body } | { rejection: Rejection } {
  let current: unknown = data;
  for (const step of steps) {
    current = isPlainObject(current) && Object.hasOwn(current, step) ? current[step] : undefined;
  }
  if (!isPlainObject(current)) return { rejection: { code: 'missing_field', param: recordPath, reason: `record has no object at record_path "${recordPath}"` } };
  return { record: current };
}

function resolveTarget(definition: ResourceDefinition, record: Body): Target | { rejection: Rejection } {
  const parent = definition.parent;
  if (!parent) return { collectionPath: definition.path, fields: record };
  const located = scalarId(record[parent.param], parent.param, `the ${parent.resource} id of the parent`);
  if ('rejection' in located) return located;
  const segment = encodePathSegment(located.value);
  return {
    collectionPath: definition.path.replace(`{${parent.param}}`, segment),
    parentPath: `${getResource(parent.resource).path}/${segment}`,
    fields: omit(record, parent.param),
  };
}

function matchingValue(fields: Body, matchingKey: string): { value: string } | { rejection: Rejection } {
  return scalarId(fields[matchingKey], matchingKey, 'the matching key');
}

/** An id or key from the record: a non-empty string or a finite number. Messages name the field only. */
function scalarId(value: unknown, field: string, role: string): { value: string } | { rejection: Rejection } {
  if (value === undefined || value === null || value === '') {
    return { rejection: { code: 'missing_field', param: field, reason: `record has no "${field}" (${role})` } };
  }
  if (typeof value === 'string') return { value };
  if (typeof value === 'number' && Number.isFinite(value)) return { value: String(value) };
  return { rejection: { code: 'invalid_field', param: field, reason: `field "${field}" (${role}) must be a string or a number` } };
}

function withMetadataKey(fields: Body, matchingKey: string, value: string): Body {
  const current = fields['metadata'];
  return { ...fields, metadata: { ...(isPlainObject(current) ? current : {}), [matchingKey]: value } };
}

function omit(body: Body, field: string): Body {
  const { [field]: _dropped, ...rest } = body;
  return rest;
}

/** A meter event without `identifier` gets one from its content, so a re-run sends the same identifier and Stripe dedupes it. */
export function meterEventIdentifier(body: Body): string {
  return `dst-${createHash('sha256').update(canonicalJson(omit(body, 'identifier'))).digest('hex').slice(0, 48)}`;
}
