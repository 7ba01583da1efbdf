// A stream tied to other objects: its records' connected account, references resolved by external key, and the objects it writes for others' references.
import type { Config } from '../generated/config.js';
import type { ConfiguredAirbyteStream } from '../generated/protocol.js';
import { takeAccount } from '../mapping/connect-account.js';
import { getResource } from '../mapping/resources.js';
import { planStream } from '../mapping/stream-plan.js';
import { pickObject } from '../mapping/template.js';
import { accountRouter, mapOnAccount } from './account-mappers.js';
import type { Reference, ReferenceResolver } from './references.js';
import type { StreamMapResult, StreamMapper } from './stream-mapper.js';
import { resolveStreamSettings } from '../config/stream-settings.js';

/** What ties one stream to others. */
export interface StreamLinks {
  /** `stripe_account_field`: the record field that holds the connected account. */
  accountField?: string;
  /** `references`, checked. */
  references: Reference[];
  /** The stream's `fields` renames (a reference may sit under a renamed column). */
  fields: Readonly<Record<string, string>>;
  /** Set when the stream creates objects by an external key (upsert, or create with a matching key): references to them may wait for its records. */
  provides?: { resource: string; matchingKey: string; recordPath: string[] };
}

/** The stream's links from its `stream_settings` entry; a config error names the entry's problem. */
export function streamLinks(config: Config, stream: ConfiguredAirbyteStream): StreamLinks {
  const name = stream.stream.name;
  const settings = resolveStreamSettings(config.stream_settings, name, stream.stream.namespace);
  const links: StreamLinks = { references: [], fields: settings.fields ?? {} };
  // Checked with the rest of the config (src/config/link-settings.ts) before a line is read.
  if (settings.stripe_account_field !== undefined) links.accountField = settings.stripe_account_field;
  for (const [path, target] of Object.entries(settings.references ?? {})) {
    links.references.push({ path, resource: getResource(target.resource).name, matchingKey: target.matching_key });
  }
  const configuration = config.configuration;
  if (configuration.mode === 'template') {
    const plan = planStream(config, stream);
    const upserts = plan.operation === 'upsert' || (plan.operation === 'create' && getResource(plan.resource).operations.includes('upsert'));
    if (plan.matchingKey !== 'id' && upserts) {
      const recordPath = (configuration.record_path ?? '').trim();
      links.provides = { resource: plan.resource, matchingKey: plan.matchingKey, recordPath: recordPath === '' ? [] : recordPath.split('.') };
    }
  }
  return links;
}

/**
 * The stream's mapper with its links: takes the record's connected account out, resolves its references
 * (waiting, when needed, for the records of this sync that write the referenced objects), maps it with
 * the account's mapper, and, when the stream writes objects others reference, tells the resolver how each
 * record settled.
 */
export function linkedMapper(base: StreamMapper, make: (account: string) => StreamMapper, links: StreamLinks, resolver: ReferenceResolver, configAccount: string | undefined): StreamMapper {
  const route = accountRouter(base, make, configAccount);
  const label = [base.label, links.accountField ? `connected account per record in field "${links.accountField}"` : '', links.references.length ? `references ${links.references.map((r) => `${r.path} → ${r.resource} by ${r.matchingKey}`).join(', ')}` : '']
    .filter(Boolean)
    .join(', ');
  return {
    label,
    async map(data, hooks) {
      let account: string | undefined;
      let rest = data;
      if (links.accountField !== undefined) {
        const taken = takeAccount(data, links.accountField);
        if ('rejection' in taken) return { kind: 'rejected', rejection: taken.rejection };
        account = taken.account === configAccount ? undefined : taken.account;
        rest = taken.data;
      }
      const provided = links.provides ? keyValueOf(rest, links.provides, links.fields) : undefined;
      const settle = provided !== undefined ? resolver.expect(account, links.provides!.resource, links.provides!.matchingKey, provided) : undefined;
      let mapped: StreamMapResult;
      if (links.references.length > 0) {
        if (!hooks) throw new Error('references need the sink\'s hooks');
        const resolved = await resolver.resolve(rest, links.references, account, links.fields, hooks);
        mapped = 'rejection' in resolved ? { kind: 'rejected', rejection: resolved.rejection } : mapOnAccount(route, account, resolved.data, configAccount);
      } else {
        mapped = mapOnAccount(route, account, rest, configAccount);
      }
      return settle ? { ...mapped, onSettled: settle } : mapped;
    },
  };
}

/** The record's matching key value, as the template mapper reads it (under record_path; a renamed column counts). */
function keyValueOf(data: Record<string, unknown>, provides: NonNullable<StreamLinks['provides']>, fields: Readonly<Record<string, string>>): string | undefined {
  const picked = pickObject(data, provides.recordPath, provides.recordPath.join('.'));
  if ('rejection' in picked) return undefined;
  let value = picked.record[provides.matchingKey];
  if (value === undefined) {
    const renamed = Object.keys(fields).find((f) => fields[f] === provides.matchingKey && Object.hasOwn(picked.record, f));
    if (renamed !== undefined) value = picked.record[renamed];
  }
  if (typeof value === 'string' && value !== '') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  return undefined;
}
