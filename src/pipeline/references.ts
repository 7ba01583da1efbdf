// References by external key: a record's `product: "SKU-1"` becomes the id of the products object whose metadata[sku] is SKU-1.
import type { Rejection } from '../core/rejection.js';
import type { Send } from '../core/stripe-request.js';
import { getResource } from '../mapping/resources.js';
import { parsePattern, referenceSites } from '../mapping/reference-paths.js';
import { knownIdKey, searchRequest } from '../mapping/upsert.js';
import { createExistingObjects, type ExistingObjects } from '../resync/existing-objects.js';
import type { ExistingIndex } from '../resync/existing-index.js';
import { IdMemory, type KnownIds } from '../resync/key-table.js';
import { listPlanFor } from '../resync/list-params.js';
import { primaryKeyHash } from './rejections.js';
import { transientError } from '../protocol/errors.js';

/** One entry of a stream's `references`: the body path that takes an id, and where to find the object it names. */
export interface Reference {
  path: string;
  resource: string;
  matchingKey: string;
}

/** Records waiting at once for an object that no record of this sync has named yet (see docs/user-guide.md, "Related objects"). */
export const MAX_WAITING_RECORDS = 10_000;

export interface ResolveHooks {
  /** The client's send (read-only in a dry run): bulk reads and search fallbacks go through it. */
  send: Send;
  /** Told when the record starts and stops waiting for a record that has not arrived yet (it then leaves the in-flight bound). */
  onWait?: (waiting: boolean) => void;
}

export type Resolved = { data: Record<string, unknown> } | { rejection: Rejection };

/** What became of a record that writes a referenced object (upsert by the key): its id, or why it was refused. */
export type ProviderOutcome = { kind: 'written'; id?: string } | { kind: 'rejected'; rejection: Rejection };

export interface ReferenceResolverOptions {
  /** `resource matchingKey` of every stream that creates objects by an external key in this sync: references to those wait for their records. */
  providers: ReadonlySet<string>;
  /** The sync's id memory (creates by external key, upsert.ts); read through each account's view. */
  knownIds: (account: string) => KnownIds;
  log: (level: 'INFO' | 'WARN', text: string) => void;
  dryRun?: boolean;
  maxWaiting?: number;
  /** Bulk-read lanes (tests). */
  lanes?: number;
  /** `existing_objects.read`: `lookup` searches each distinct key instead of reading the resource in bulk. */
  read?: 'bulk' | 'lookup';
  /** `existing_objects.max_indexed_objects`: past it, keys are searched one by one. */
  maxObjects?: number;
}

interface Entry {
  promise: Promise<ProviderOutcome | undefined>;
  resolve: (outcome: ProviderOutcome | undefined) => void;
  /** Records of this sync writing the object, not yet settled. */
  expected: number;
  last?: ProviderOutcome;
}

export const providerKey = (resource: string, matchingKey: string): string => `${resource} ${matchingKey}`;

/**
 * One per sync, shared by every stream: each (account, resource, matching key) is read in bulk once, on
 * first use, and answers every reference to it from memory; objects this sync creates or finds are
 * remembered as their records settle.
 */
export class ReferenceResolver {
  private readonly indexes = new Map<string, ExistingObjects>();
  private readonly settled = new IdMemory();
  private readonly entries = new Map<string, Entry>();
  /** Keys whose every record in this sync was refused (rare): later references get the same answer. */
  private readonly refused = new Map<string, ProviderOutcome>();
  private readonly searched = new Map<string, Promise<string[] | Rejection>>();
  private waiting = 0;
  private ended = false;
  private stopped = false;

  constructor(private readonly options: ReferenceResolverOptions) {}

  /** Resolves every reference of one record (a copy is changed; the record is not). */
  async resolve(data: Record<string, unknown>, references: readonly Reference[], account: string | undefined, fields: Readonly<Record<string, string>>, hooks: ResolveHooks): Promise<Resolved> {
    let copy: Record<string, unknown> | undefined;
    for (const reference of references) {
      copy ??= structuredClone(data);
      const sites = referenceSites(copy, parsePattern(reference.path), fields);
      for (const site of sites) {
        const answer = await this.resolveValue(site.value, site.path, reference, account ?? '', hooks);
        if ('rejection' in answer) return answer;
        site.set(answer.id);
      }
    }
    return { data: copy ?? data };
  }

  /**
   * A record of this sync will write the object with `matchingKey = value`: references to it wait for
   * the returned callback (called once the record settled, refused or not).
   */
  expect(account: string | undefined, resource: string, matchingKey: string, value: string): (outcome: ProviderOutcome) => void {
    const key = this.key(account ?? '', resource, matchingKey, value);
    const entry = this.entry(key);
    entry.expected += 1;
    let done = false;
    return (outcome) => {
      if (done) return;
      done = true;
      entry.expected -= 1;
      entry.last = outcome;
      const id = outcome.kind === 'written' ? (outcome.id ?? (this.options.dryRun ? `(${resource} to be written in this sync)` : undefined)) : undefined;
      if (id !== undefined) {
        this.settled.set(key, id);
        this.entries.delete(key);
        entry.resolve({ kind: 'written', id });
      } else if (entry.expected === 0) {
        this.entries.delete(key);
        this.refused.set(key, outcome);
        entry.resolve(outcome);
      }
    };
  }

  /** The input ended: references still waiting for a record that never came are refused. */
  endOfInput(): void {
    this.ended = true;
    for (const [key, entry] of this.entries) {
      if (entry.expected === 0) {
        this.entries.delete(key);
        entry.resolve(undefined);
      }
    }
  }

  /** The sync stops: waiting records give up without an answer (they stay not sent). */
  abort(): void {
    this.stopped = true;
    for (const [key, entry] of this.entries) {
      this.entries.delete(key);
      entry.resolve(undefined);
    }
  }

  private async resolveValue(value: unknown, path: string, reference: Reference, account: string, hooks: ResolveHooks): Promise<{ id: string } | { rejection: Rejection }> {
    if (typeof value !== 'string' && !(typeof value === 'number' && Number.isFinite(value))) {
      return { rejection: { code: 'invalid_field', param: path, reason: `field "${path}" (a reference to ${reference.resource}) must be a string or a number` } };
    }
    const text = String(value);
    const prefix = getResource(reference.resource).idPrefix;
    if (prefix !== '' && text.startsWith(prefix)) return { id: text };
    const key = this.key(account, reference.resource, reference.matchingKey, text);
    const remembered = (): string | undefined => this.settled.get(key) ?? this.options.knownIds(account).get(knownIdKey(reference.resource, reference.matchingKey, text));
    const early = remembered();
    if (early !== undefined) return { id: early };

    const index = this.options.read === 'lookup' ? undefined : await this.indexOf(account, reference, hooks.send);
    const found = index ? index.find(text) : await this.search(account, reference, text, hooks.send);
    if (found && 'rejection' in found) return { rejection: { ...found.rejection, param: path } };
    if (found?.kind === 'ambiguous') return { rejection: ambiguous(path, reference, text, found.ids) };
    if (found?.kind === 'found') return { id: found.id };

    const later = remembered();
    if (later !== undefined) return { id: later };
    let entry = this.entries.get(key);
    const refused = this.refused.get(key);
    if (!entry && refused) return this.answer(refused, path, reference, text);
    const provided = this.options.providers.has(providerKey(reference.resource, reference.matchingKey));
    if (!entry && (!provided || this.ended)) return { rejection: unresolved(path, reference, text) };
    if (!entry || entry.expected === 0) {
      // No record of this sync has named the object yet: wait for one (or for the end of the input), outside the in-flight bound.
      if (this.waiting >= (this.options.maxWaiting ?? MAX_WAITING_RECORDS)) {
        return { rejection: { code: 'reference_unresolved', param: path, reason: `${describe(reference, text)} is not known yet and ${this.waiting} records already wait for objects of this sync; send the ${reference.resource} stream before the records that reference it` } };
      }
      entry ??= this.entry(key);
      this.waiting += 1;
      hooks.onWait?.(true);
      try {
        return this.answer(await entry.promise, path, reference, text);
      } finally {
        this.waiting -= 1;
        hooks.onWait?.(false);
      }
    }
    return this.answer(await entry.promise, path, reference, text);
  }

  private answer(outcome: ProviderOutcome | undefined, path: string, reference: Reference, value: string): { id: string } | { rejection: Rejection } {
    if (this.stopped) throw transientError('The sync was stopped before this record was sent.');
    if (outcome?.kind === 'written' && outcome.id !== undefined) return { id: outcome.id };
    if (outcome?.kind === 'rejected') {
      const why = outcome.rejection;
      return { rejection: { code: 'reference_rejected', param: path, reason: `the record that writes ${describe(reference, value)} in this sync was refused: ${why.code}${why.param ? ` on ${why.param}` : ''}` } };
    }
    return { rejection: unresolved(path, reference, value) };
  }

  private indexOf(account: string, reference: Reference, send: Send): Promise<ExistingIndex | undefined> {
    const key = `${account} ${reference.resource} ${reference.matchingKey}`;
    let existing = this.indexes.get(key);
    if (!existing) {
      const list = listPlanFor(getResource(reference.resource));
      if (!list) return Promise.resolve(undefined);
      existing = createExistingObjects({
        stream: `references to ${reference.resource} by ${reference.matchingKey}${account ? ` (account ${account})` : ''}`,
        resource: reference.resource,
        list,
        matchingKey: reference.matchingKey,
        diff: false,
        lanes: this.options.lanes,
        maxObjects: this.options.maxObjects,
        log: this.options.log,
      });
      this.indexes.set(key, existing);
    }
    return existing.index(account ? scoped(send, account) : send, {});
  }

  /** When the bulk read could not hold the resource: one search per distinct value, remembered. */
  private async search(account: string, reference: Reference, value: string, send: Send): Promise<{ kind: 'found'; id: string } | { kind: 'ambiguous'; ids: string[] } | { rejection: Rejection } | undefined> {
    const key = this.key(account, reference.resource, reference.matchingKey, value);
    let pending = this.searched.get(key);
    if (!pending) {
      const request = searchRequest(getResource(reference.resource).path, reference.matchingKey, value);
      pending = (account ? scoped(send, account) : send)(request).then((outcome) => {
        if (outcome.kind === 'rejected') return { code: 'reference_lookup_failed', reason: `looking up ${describe(reference, value)} was refused: ${outcome.rejection.code}`, status: outcome.status };
        const data = (outcome.body as { data?: Array<{ id?: unknown }> } | null)?.data ?? [];
        return data.map((o) => o.id).filter((id): id is string => typeof id === 'string');
      });
      this.searched.set(key, pending);
    }
    const ids = await pending;
    if (!Array.isArray(ids)) return { rejection: ids };
    if (ids.length > 1) return { kind: 'ambiguous', ids };
    return ids.length === 1 ? { kind: 'found', id: ids[0]! } : undefined;
  }

  private entry(key: string): Entry {
    let entry = this.entries.get(key);
    if (!entry) {
      let resolve!: Entry['resolve'];
      const promise = new Promise<ProviderOutcome | undefined>((r) => (resolve = r));
      this.entries.set(key, (entry = { promise, resolve, expected: 0 }));
    }
    return entry;
  }

  private key(account: string, resource: string, matchingKey: string, value: string): string {
    return JSON.stringify([account, resource, matchingKey, value]);
  }
}

function scoped(send: Send, account: string): Send {
  return (request) => send({ ...request, stripeAccount: account });
}

/** `products object with sku = #3f2a…`: the key value hashed as rejection lines hash primary keys. */
function describe(reference: Reference, value: string): string {
  return `${reference.resource} object with ${reference.matchingKey} = #${primaryKeyHash([value])}`;
}

function unresolved(path: string, reference: Reference, value: string): Rejection {
  return { code: 'reference_unresolved', param: path, reason: `no ${describe(reference, value)}` };
}

function ambiguous(path: string, reference: Reference, value: string, ids: string[]): Rejection {
  return { code: 'reference_ambiguous', param: path, reason: `several ${reference.resource} objects have ${reference.matchingKey} = #${primaryKeyHash([value])} (${ids.join(', ')}); the account holds duplicates and the connector does not guess` };
}
