// What the account already holds for one stream: matching key → Stripe id, and a hash per managed field.
import { ChunkedRows } from './chunked.js';
import { hash53 } from './fingerprint.js';
import { KeyTable } from './key-table.js';
import { NOT_RETURNED, canonical, fieldNames, leaves, metadataField, recordFieldText, storedFieldText } from './normalize.js';

export type Located = { kind: 'found'; id: string; slot: number } | { kind: 'ambiguous'; ids: string[] };

export interface ExistingIndexOptions {
  /** The fields the stream's records set (`fieldNames` of its first body): the ones hashed per object. */
  fields: readonly string[];
  /** Where an object's matching key sits: `id` (the object's id, custom or Stripe's) or a metadata key. */
  matchingKey: string;
}

/** Slot values that are not ids: several objects share the key; the object was deleted by this sync. */
const AMBIGUOUS = '';
const GONE = '\u0000';
const NOT_RETURNED_HASH = hash53(NOT_RETURNED);

/**
 * Memory per object, all in typed arrays outside V8's object heap: the key and the id (one byte per
 * character for Latin-1 text; stored once when the key is the id) with two length bytes, a 4-byte
 * address, a 4-byte hash bucket at most half full, and 8 bytes per managed field other than the
 * matching key's own (`metadata[<key>]` or `id`: an object found by its key holds exactly that value,
 * so it is compared with the key itself). All but the buckets grow by chunks, never by copying.
 * docs/performance.md has the measured bytes per object.
 */
export class ExistingIndex {
  readonly fields: readonly string[];
  /** Column of each hashed field (the matching key's field has none). */
  private readonly position = new Map<string, number>();
  /** The field that holds the matching key, when the fields include it. */
  private readonly keyField: string | undefined;
  private readonly table = new KeyTable();
  private readonly hashes: ChunkedRows;
  /** The fields with a hash per object, in column order. */
  private readonly hashed: readonly string[];
  private readonly metadataKey: string | undefined;
  /** Keys several objects share, with their ids (rare: an account with duplicates), for messages that name them. */
  private readonly duplicates = new Map<string, string[]>();

  constructor(options: ExistingIndexOptions) {
    this.fields = [...new Set(options.fields)];
    this.metadataKey = options.matchingKey === 'id' ? undefined : options.matchingKey;
    const keyField = this.metadataKey === undefined ? 'id' : metadataField(this.metadataKey);
    this.keyField = this.fields.includes(keyField) ? keyField : undefined;
    this.hashed = this.fields.filter((f) => f !== this.keyField);
    this.hashed.forEach((f, i) => this.position.set(f, i));
    this.hashes = new ChunkedRows(this.hashed.length);
  }

  /** Objects indexed (ambiguous keys count once). */
  get size(): number {
    return this.table.size;
  }

  /** Bytes the index holds in typed arrays. */
  get bytes(): number {
    return this.table.bytes + this.hashes.bytes;
  }

  /** The object's matching key value, or undefined when it carries none. */
  keyOf(object: Record<string, unknown>): string | undefined {
    if (this.metadataKey === undefined) return typeof object['id'] === 'string' ? object['id'] : undefined;
    const metadata = object['metadata'];
    const value = metadata && typeof metadata === 'object' ? (metadata as Record<string, unknown>)[this.metadataKey] : undefined;
    return typeof value === 'string' && value !== '' ? value : undefined;
  }

  /** Adds one listed object; a second object with the same key makes that key ambiguous. */
  add(object: Record<string, unknown>): void {
    const key = this.keyOf(object);
    const id = object['id'];
    if (key === undefined || typeof id !== 'string') return;
    const slot = this.table.find(key);
    if (slot !== -1) {
      const first = this.table.value(slot);
      if (first !== id) {
        const ids = this.duplicates.get(key) ?? [first];
        if (!ids.includes(id)) ids.push(id);
        this.duplicates.set(key, ids);
        this.table.setValue(slot, AMBIGUOUS);
      }
      return;
    }
    this.store(this.newSlot(key, id), (f) => hash53(storedFieldText(object, f)));
  }

  find(key: string): Located | undefined {
    const slot = this.table.find(key);
    if (slot === -1) return undefined;
    const id = this.table.value(slot);
    if (id === GONE) return undefined;
    return id === AMBIGUOUS ? { kind: 'ambiguous', ids: [...(this.duplicates.get(key) ?? [])] } : { kind: 'found', id, slot };
  }

  /** Names of the body's fields whose value differs from the object's (a field the index does not hash counts as changed). */
  changedFields(slot: number, body: Record<string, unknown>): string[] {
    const changed: string[] = [];
    for (const field of fieldNames(body)) {
      if (field === this.keyField) {
        if (recordFieldText(body, field) !== canonicalKey(field, this.table.key(slot))) changed.push(field);
        continue;
      }
      const at = this.position.get(field);
      if (at === undefined || hash53(recordFieldText(body, field)) !== this.hashes.get(slot, at)) changed.push(field);
    }
    return changed;
  }

  /** After a write: Stripe's answer is what the object now holds. */
  remember(key: string, object: Record<string, unknown>): void {
    const id = object['id'];
    if (typeof id !== 'string') return;
    const found = this.table.find(key);
    const slot = found === -1 ? this.newSlot(key, id) : found;
    if (found !== -1 && this.table.value(slot) !== id) this.table.setValue(slot, id);
    this.store(slot, (f) => hash53(storedFieldText(object, f)));
  }

  /** Dry run: what the object would hold once the body is applied (fields the body leaves alone keep their hash; a new object's are unknown). */
  rememberBody(key: string, id: string, body: Record<string, unknown>): void {
    const found = this.table.find(key);
    const existing = found === -1 || this.table.value(found) === GONE ? undefined : found;
    const slot = found === -1 ? this.newSlot(key, id) : found;
    if (found !== -1 && this.table.value(slot) !== id) this.table.setValue(slot, id);
    const sets = new Set(fieldNames(body));
    this.store(slot, (f, i) => (sets.has(f) ? hash53(recordFieldText(body, f)) : existing === undefined ? NOT_RETURNED_HASH : this.hashes.get(slot, i)));
  }

  /** The object is gone (deleted by this sync). */
  forget(key: string): void {
    const slot = this.table.find(key);
    if (slot !== -1) this.table.setValue(slot, GONE);
  }

  private newSlot(key: string, id: string): number {
    return this.table.insert(key, id);
  }

  private store(slot: number, hashOf: (field: string, i: number) => number): void {
    this.hashed.forEach((f, i) => this.hashes.set(slot, i, hashOf(f, i)));
  }
}

/** The canonical text of the matching key's field on an object found by that key (the text `storedFieldText` gives it). */
function canonicalKey(field: string, key: string): string {
  return canonical(leaves(key, field));
}
