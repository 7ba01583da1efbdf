// The stages a template-mode record passes before validation: rename → assemble → route unmapped → convert → metadata limits.
import type { Rejection } from '../../core/rejection.js';
import { closestName } from '../../config/suggest.js';
import type { ResolvedStreamSettings } from '../../config/stream-settings.js';
import { configError } from '../../protocol/errors.js';
import { mappablePaths, parsePath, schemaAtPath } from '../field-paths.js';
import { schemaFields } from '../record-validation.js';
import { readResourceSchema, type ResourceDefinition } from '../resources.js';
import { assemblePaths } from './assemble.js';
import { convertTypes, fieldTypes, type ConversionKind } from './convert.js';
import { renameFields } from './rename.js';
import { metadataLimitRejection, routeUnmapped } from './route-unmapped.js';

type Body = Record<string, unknown>;

export type StageSettings = Pick<ResolvedStreamSettings, 'fields' | 'unmapped_fields' | 'coerce_types' | 'naive_timestamp_zone'>;

export interface RecordStages {
  /** The record's body as the resource's fields, or the reason it cannot be. */
  run(record: Body): { body: Body } | { rejection: Rejection };
  /** One line per converted field and kind: `converted 500 values of trial_end from ISO 8601`. */
  report(): string[];
}

/** What a stream's stages counted: conversions per field and kind, and the dropped fields already logged. */
export interface StageTally {
  counts: Map<string, number>;
  dropped: Set<string>;
  /** One line per converted field and kind: `converted 500 values of trial_end from ISO 8601`. */
  report(): string[];
}

/** A tally one stream's mappers share (several when records name connected accounts). */
export function createStageTally(stream?: string): StageTally {
  const counts = new Map<string, number>();
  return {
    counts,
    dropped: new Set(),
    report: () =>
      [...counts].map(([key, n]) => {
        const [path, kind, name] = key.split('\u0000');
        return `${name ? `stream "${name}": ` : stream === undefined ? '' : `stream "${stream}": `}converted ${n} ${n === 1 ? 'value' : 'values'} of ${path} ${kind}`;
      }),
  };
}

export interface RecordStageOptions {
  definition: ResourceDefinition;
  settings: StageSettings;
  /** Fields the mapper reads itself (matching key, parent id): never renamed away, never unmapped. */
  ownFields: readonly string[];
  /** Logs once per stream, e.g. the name of a dropped field. */
  log?: (text: string) => void;
  /** Names the stream in log lines and config errors. */
  stream?: string;
  /** Shared with the stream's other mappers; a tally of its own when absent. */
  tally?: StageTally;
}

/** Builds the stages of one stream; a `fields` target that is not a field of the resource is a config error. */
export function createRecordStages(options: RecordStageOptions): RecordStages {
  const { definition, settings } = options;
  const schemas = [readResourceSchema(definition.createSchema), ...(definition.updateSchema ? [readResourceSchema(definition.updateSchema)] : [])];
  const own = new Set(options.ownFields);
  checkFieldTargets(definition.name, schemas, settings.fields, own, options.stream);
  const fields = new Map(Object.entries(settings.fields));
  const known = new Set([...schemaFields(definition.name, 'create'), ...(definition.updateSchema ? schemaFields(definition.name, 'update') : []), ...own]);
  const types = settings.coerce_types ? fieldTypes(schemas) : undefined;
  const tally = options.tally ?? createStageTally();
  const { counts, dropped } = tally;
  const where = options.stream === undefined ? '' : `stream "${options.stream}": `;
  const context = {
    zone: settings.naive_timestamp_zone,
    converted: (path: string, kind: ConversionKind) => {
      const key = `${path}\u0000${kind}\u0000${options.stream ?? ''}`;
      counts.set(key, (counts.get(key) ?? 0) + 1);
    },
  };
  const drop = (field: string): void => {
    if (dropped.has(field)) return;
    dropped.add(field);
    options.log?.(`${where}dropping field "${field}" (not a ${definition.name} field; unmapped_fields is ignore); further drops of it are not logged.`);
  };
  return {
    run(record) {
      // Each stage answers its input object itself when it has nothing to do (the common case).
      const renamed = fields.size === 0 ? { body: record } : renameFields(record, fields, own);
      if ('rejection' in renamed) return renamed;
      const assembled = assemblePaths(renamed.body);
      if ('rejection' in assembled) return assembled;
      const routed = settings.unmapped_fields === 'reject' ? assembled : routeUnmapped(assembled.body, known, settings.unmapped_fields, drop);
      if ('rejection' in routed) return routed;
      const converted = types ? convertTypes(routed.body, types, context) : routed;
      if ('rejection' in converted) return converted;
      const overLimit = metadataLimitRejection(converted.body);
      return overLimit ? { rejection: overLimit } : converted;
    },
    report: tally.report,
  };
}

/**
 * Each `fields` target must be a path of the resource's request schemas (or a field the mapper reads
 * itself); otherwise a config error naming the record field, with the closest path.
 */
function checkFieldTargets(resource: string, schemas: Body[], fields: Record<string, string>, own: ReadonlySet<string>, stream: string | undefined): void {
  const problems: string[] = [];
  let candidates: string[] | undefined;
  for (const [from, to] of Object.entries(fields)) {
    if (own.has(to)) continue;
    const segments = parsePath(to);
    if (segments && schemaAtPath(schemas, segments)) continue;
    candidates ??= [...new Set(schemas.flatMap((s) => [...mappablePaths(s, 4).keys()]))];
    const guess = segments ? closestName(to, candidates) : undefined;
    problems.push(`fields.${from}: "${to}" is not ${segments ? `a field of ${resource}` : 'a path such as address.city or items[0].price'}${guess === undefined ? '' : ` (did you mean "${guess}"?)`}`);
  }
  if (problems.length > 0) throw configError(`Invalid configuration: stream_settings${stream === undefined ? '' : ` for stream "${stream}"`}: ${problems.join('; ')}`);
}
