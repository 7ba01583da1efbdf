// A string → slot hash table kept in typed arrays (outside V8's object heap), with one string value per slot.
//
// The bulk read may index hundreds of thousands of objects. As JS strings in a Map, each costs two heap
// strings and a Map entry that V8's old generation carries and multiplies by its growth factor before it
// collects. Here keys and values sit in one growing byte arena, addressed by offsets (one byte per
// character when every character is below U+0100, as ids and most keys are; two otherwise), and
// the hash table is open addressing over an Int32Array: the index adds a few typed arrays to the heap,
// whatever the number of objects.

import { mix32 } from './fingerprint.js';

const EMPTY = -1;

export class KeyTable {
  /** Slot of each bucket, or EMPTY. Capacity is a power of two, kept at most half full. */
  private buckets = new Int32Array(1024).fill(EMPTY);
  private arena = new Uint8Array(32 * 1024);
  private used = 0;
  private keyAt = new Int32Array(256);
  /** Characters of the key; negative when stored two bytes per character. */
  private keyLength = new Int32Array(256);
  private valueAt = new Int32Array(256);
  private valueLength = new Int32Array(256);
  private count = 0;

  /** Slots in use (a slot is never freed). */
  get size(): number {
    return this.count;
  }

  /** The key's slot, or -1. */
  find(key: string): number {
    const mask = this.buckets.length - 1;
    for (let b = hash32(key) & mask; ; b = (b + 1) & mask) {
      const slot = this.buckets[b]!;
      if (slot === EMPTY) return -1;
      if (this.keyEquals(slot, key)) return slot;
    }
  }

  /** A new slot for a key that is not in the table (check with `find` first). */
  insert(key: string, value: string): number {
    if ((this.count + 1) * 2 > this.buckets.length) this.rehash(this.buckets.length * 2);
    const slot = this.count;
    this.count += 1;
    if (slot >= this.keyAt.length) this.growSlots();
    const [at, length] = this.write(key);
    this.keyAt[slot] = at;
    this.keyLength[slot] = length;
    this.setValue(slot, value, key);
    const mask = this.buckets.length - 1;
    let b = hash32(key) & mask;
    while (this.buckets[b] !== EMPTY) b = (b + 1) & mask;
    this.buckets[b] = slot;
    return slot;
  }

  value(slot: number): string {
    return this.read(this.valueAt[slot]!, this.valueLength[slot]!);
  }

  /** Replaces a slot's value (the old text stays in the arena: values change rarely). */
  setValue(slot: number, value: string, key?: string): void {
    if (key !== undefined && value === key) {
      this.valueAt[slot] = this.keyAt[slot]!;
      this.valueLength[slot] = this.keyLength[slot]!;
      return;
    }
    const [at, length] = this.write(value);
    this.valueAt[slot] = at;
    this.valueLength[slot] = length;
  }

  /** Bytes held (typed arrays' allocated lengths). */
  get bytes(): number {
    return this.buckets.byteLength + this.arena.byteLength + 4 * this.keyAt.byteLength;
  }

  private keyEquals(slot: number, key: string): boolean {
    const stored = this.keyLength[slot]!;
    if (Math.abs(stored) !== key.length) return false;
    const at = this.keyAt[slot]!;
    for (let i = 0; i < key.length; i += 1) if (this.unit(at, stored < 0, i) !== key.charCodeAt(i)) return false;
    return true;
  }

  /** The i-th UTF-16 code unit of a stored text. */
  private unit(at: number, wide: boolean, i: number): number {
    return wide ? this.arena[at + 2 * i]! | (this.arena[at + 2 * i + 1]! << 8) : this.arena[at + i]!;
  }

  /** Appends a text; returns its offset and its length (negative: two bytes per character). */
  private write(text: string): [number, number] {
    let wide = false;
    for (let i = 0; i < text.length && !wide; i += 1) wide = text.charCodeAt(i) > 0xff;
    const bytes = wide ? 2 * text.length : text.length;
    if (this.used + bytes > this.arena.length) {
      const grown = new Uint8Array(Math.max(this.arena.length * 2, this.used + bytes));
      grown.set(this.arena.subarray(0, this.used));
      this.arena = grown;
    }
    const at = this.used;
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      if (wide) {
        this.arena[at + 2 * i] = c & 0xff;
        this.arena[at + 2 * i + 1] = c >>> 8;
      } else this.arena[at + i] = c;
    }
    this.used += bytes;
    return [at, wide ? -text.length : text.length];
  }

  private read(at: number, stored: number): string {
    const length = Math.abs(stored);
    const units = new Array<number>(Math.min(length, 4096));
    let out = '';
    // Chunks keep String.fromCharCode's argument list short.
    for (let start = 0; start < length; start += 4096) {
      const end = Math.min(length, start + 4096);
      units.length = end - start;
      for (let i = start; i < end; i += 1) units[i - start] = this.unit(at, stored < 0, i);
      out += String.fromCharCode(...units);
    }
    return out;
  }

  private growSlots(): void {
    const size = this.keyAt.length * 2;
    const grow = (a: Int32Array<ArrayBuffer>): Int32Array<ArrayBuffer> => {
      const b = new Int32Array(size);
      b.set(a);
      return b;
    };
    this.keyAt = grow(this.keyAt);
    this.keyLength = grow(this.keyLength);
    this.valueAt = grow(this.valueAt);
    this.valueLength = grow(this.valueLength);
  }

  private rehash(capacity: number): void {
    this.buckets = new Int32Array(capacity).fill(EMPTY);
    const mask = capacity - 1;
    for (let slot = 0; slot < this.count; slot += 1) {
      let b = this.hashAt(slot) & mask;
      while (this.buckets[b] !== EMPTY) b = (b + 1) & mask;
      this.buckets[b] = slot;
    }
  }

  private hashAt(slot: number): number {
    const at = this.keyAt[slot]!;
    const stored = this.keyLength[slot]!;
    const length = Math.abs(stored);
    let h = 0x811c9dc5 ^ length;
    for (let i = 0; i < length; i += 1) h = Math.imul(h ^ this.unit(at, stored < 0, i), 0x01000193);
    return mix32(h) >>> 0;
  }
}

/** What a sync remembers of key → Stripe id (upsert.ts); a Map fits, `IdMemory` keeps it in typed arrays. */
export interface KnownIds {
  get(key: string): string | undefined;
  set(key: string, id: string): unknown;
}

/** `KnownIds` over a KeyTable: a sync that creates 100,000 objects keeps their ids off the object heap. */
export class IdMemory implements KnownIds {
  private readonly table = new KeyTable();

  get(key: string): string | undefined {
    const slot = this.table.find(key);
    return slot === -1 ? undefined : this.table.value(slot);
  }

  set(key: string, id: string): this {
    const slot = this.table.find(key);
    if (slot === -1) this.table.insert(key, id);
    else this.table.setValue(slot, id);
    return this;
  }
}

/** FNV-1a over UTF-16 code units, then a finaliser so the low bits (the bucket) depend on every unit. */
function hash32(text: string): number {
  let h = 0x811c9dc5 ^ text.length;
  for (let i = 0; i < text.length; i += 1) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193);
  return mix32(h) >>> 0;
}
