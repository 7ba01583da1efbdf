// What the account already holds for one stream: matching key → Stripe id, and a hash per managed field.
import { hash53 } from './fingerprint.js';
import { NOT_RETURNED, fieldNames, recordFieldText, storedFieldText } from './normalize.js';

export type Located = { kind: 'found'; id: string; slot: number } | { kind: 'ambiguous' };

export interface ExistingIndexOptions {
  /** The fields the stream's records set (`fieldNames` of its first body): the ones hashed per object. */
  fields: readonly string[];
  /** Where an object's matching key sits: `id` (the object's id, custom or Stripe's) or a metadata key. */
  matchingKey: string;
}

const AMBIGUOUS = '';
const NOT_RETURNED_HASH = hash53(NOT_RETURNED);

/**
 * Memory per object: one Map entry (key → slot), one array slot for the id and 8 bytes per managed
 * field; the key and id strings are those of the parsed list page. docs/performance.md has the measured
 * bytes per object.
 */
export class ExistingIndex {
  readonly fields: readonly string[];
  private readonly position = new Map<string, number>();
  private readonly slotOf = new Map<string, number>();
  private readonly ids: string[] = [];
  private hashes: Float64Array;
  private readonly metadataKey: string | undefined;

  constructor(options: ExistingIndexOptions) {
    this.fields = [...new Set(options.fields)];
    this.fields.forEach((f, i) => this.position.set(f, i));
    this.metadataKey = options.matchingKey === 'id' ? undefined : options.matchingKey;
    this.hashes = new Float64Array(Math.max(1, this.fields.length) * 256);
  }

  /** Objects indexed (ambiguous keys count once). */
  get size(): number {
    return this.ids.length;
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
    const slot = this.slotOf.get(key);
    if (slot !== undefined) {
      if (this.ids[slot] !== id) this.ids[slot] = AMBIGUOUS;
      return;
    }
    this.store(this.newSlot(key, id), (f) => hash53(storedFieldText(object, f)));
  }

  find(key: string): Located | undefined {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return undefined;
    const id = this.ids[slot]!;
    return id === AMBIGUOUS ? { kind: 'ambiguous' } : { kind: 'found', id, slot };
  }

  /** Names of the body's fields whose value differs from the object's (a field the index does not hash counts as changed). */
  changedFields(slot: number, body: Record<string, unknown>): string[] {
    const changed: string[] = [];
    const base = slot * this.fields.length;
    for (const field of fieldNames(body)) {
      const at = this.position.get(field);
      if (at === undefined || hash53(recordFieldText(body, field)) !== this.hashes[base + at]) changed.push(field);
    }
    return changed;
  }

  /** After a write: Stripe's answer is what the object now holds. */
  remember(key: string, object: Record<string, unknown>): void {
    const id = object['id'];
    if (typeof id !== 'string') return;
    const slot = this.slotOf.get(key) ?? this.newSlot(key, id);
    this.ids[slot] = id;
    this.store(slot, (f) => hash53(storedFieldText(object, f)));
  }

  /** Dry run: what the object would hold once the body is applied (fields the body leaves alone keep their hash; a new object's are unknown). */
  rememberBody(key: string, id: string, body: Record<string, unknown>): void {
    const existing = this.slotOf.get(key);
    const slot = existing ?? this.newSlot(key, id);
    const sets = new Set(fieldNames(body));
    const base = slot * this.fields.length;
    this.store(slot, (f, i) => (sets.has(f) ? hash53(recordFieldText(body, f)) : existing === undefined ? NOT_RETURNED_HASH : this.hashes[base + i]!));
  }

  /** The object is gone (deleted by this sync). */
  forget(key: string): void {
    const slot = this.slotOf.get(key);
    if (slot === undefined) return;
    this.slotOf.delete(key);
    this.ids[slot] = AMBIGUOUS;
  }

  private newSlot(key: string, id: string): number {
    const slot = this.ids.length;
    this.ids.push(id);
    this.slotOf.set(key, slot);
    const need = (slot + 1) * this.fields.length;
    if (need > this.hashes.length) {
      const grown = new Float64Array(Math.max(need, this.hashes.length * 2));
      grown.set(this.hashes);
      this.hashes = grown;
    }
    return slot;
  }

  private store(slot: number, hashOf: (field: string, i: number) => number): void {
    const base = slot * this.fields.length;
    this.fields.forEach((f, i) => (this.hashes[base + i] = hashOf(f, i)));
  }
}
