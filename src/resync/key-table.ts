// A string → slot hash table kept in typed arrays (outside V8's object heap), with one string value per slot.
//
// The bulk read may index a million objects. As JS strings in a Map, each costs two heap strings and a
// Map entry that V8's old generation carries and multiplies by its growth factor before it collects.
// Here each slot's key and value sit together in one entry of a chunked byte arena (one byte per
// character when every character is below U+0100, as ids and most keys are; two otherwise), a slot is
// one int32 (its entry's address), and the hash table is open addressing over an Int32Array. Nothing
// but the bucket array is ever copied to grow (chunked.ts).

import { Buffer } from 'node:buffer';
import { ByteArena, ChunkedInt32 } from './chunked.js';
import { mix32 } from './fingerprint.js';

const EMPTY = -1;

export class KeyTable {
  /** Slot of each bucket, or EMPTY. Capacity is a power of two, kept at most half full. */
  private buckets = new Int32Array(1024).fill(EMPTY);
  private readonly arena = new ByteArena();
  /** Address of each slot's entry: key header, key, value header, value (see `write`). */
  private readonly entryAt = new ChunkedInt32();
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
    this.entryAt.set(slot, this.write(key, value));
    const mask = this.buckets.length - 1;
    let b = hash32(key) & mask;
    while (this.buckets[b] !== EMPTY) b = (b + 1) & mask;
    this.buckets[b] = slot;
    return slot;
  }

  value(slot: number): string {
    const address = this.entryAt.get(slot);
    const chunk = this.arena.chunkOf(address);
    let at = this.arena.offsetOf(address);
    const key = readHeader(chunk, at);
    at = key.next + textBytes(key.header);
    const value = readHeader(chunk, at);
    if (value.header === 0) return decode(chunk, key.next, key.header);
    return decode(chunk, value.next, value.header - 1);
  }

  /** Replaces a slot's value: the slot gets a new entry (the old one stays in the arena: values change rarely). */
  setValue(slot: number, value: string): void {
    this.entryAt.set(slot, this.write(this.key(slot), value));
  }

  /** Bytes held in typed arrays (allocated lengths). */
  get bytes(): number {
    return this.buckets.byteLength + this.arena.bytes + this.entryAt.bytes;
  }

  key(slot: number): string {
    const address = this.entryAt.get(slot);
    const chunk = this.arena.chunkOf(address);
    const { header, next } = readHeader(chunk, this.arena.offsetOf(address));
    return decode(chunk, next, header);
  }

  private keyEquals(slot: number, key: string): boolean {
    const address = this.entryAt.get(slot);
    const chunk = this.arena.chunkOf(address);
    const { header, next } = readHeader(chunk, this.arena.offsetOf(address));
    if (header >>> 1 !== key.length) return false;
    if (header & 1) {
      for (let i = 0; i < key.length; i += 1) if ((chunk[next + 2 * i]! | (chunk[next + 2 * i + 1]! << 8)) !== key.charCodeAt(i)) return false;
    } else {
      for (let i = 0; i < key.length; i += 1) if (chunk[next + i] !== key.charCodeAt(i)) return false;
    }
    return true;
  }

  /**
   * Appends an entry and returns its address. Headers are unsigned LEB128: the key's is
   * `length << 1 | wide`; the value's is 0 when the value equals the key (stored once), else that
   * form of the value plus 1.
   */
  private write(key: string, value: string): number {
    const keyHeader = (key.length * 2) | (isWide(key) ? 1 : 0);
    const same = value === key;
    const valueHeader = same ? 0 : ((value.length * 2) | (isWide(value) ? 1 : 0)) + 1;
    const length = headerBytes(keyHeader) + textBytes(keyHeader) + headerBytes(valueHeader) + (same ? 0 : textBytes(valueHeader - 1));
    const address = this.arena.reserve(length);
    const chunk = this.arena.chunkOf(address);
    let at = writeHeader(chunk, this.arena.offsetOf(address), keyHeader);
    at = writeText(chunk, at, key, keyHeader & 1);
    at = writeHeader(chunk, at, valueHeader);
    if (!same) writeText(chunk, at, value, (valueHeader - 1) & 1);
    return address;
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

  /** hash32 of the slot's key, read from the arena. */
  private hashAt(slot: number): number {
    const address = this.entryAt.get(slot);
    const chunk = this.arena.chunkOf(address);
    const { header, next } = readHeader(chunk, this.arena.offsetOf(address));
    const length = header >>> 1;
    let h = 0x811c9dc5 ^ length;
    if (header & 1) for (let i = 0; i < length; i += 1) h = Math.imul(h ^ (chunk[next + 2 * i]! | (chunk[next + 2 * i + 1]! << 8)), 0x01000193);
    else for (let i = 0; i < length; i += 1) h = Math.imul(h ^ chunk[next + i]!, 0x01000193);
    return mix32(h) >>> 0;
  }
}

function isWide(text: string): boolean {
  for (let i = 0; i < text.length; i += 1) if (text.charCodeAt(i) > 0xff) return true;
  return false;
}

/** Bytes of the text a `length << 1 | wide` header describes. */
function textBytes(header: number): number {
  return header & 1 ? header - 1 : header >>> 1;
}

function headerBytes(header: number): number {
  let n = 1;
  for (let h = header; h >= 0x80; h = Math.floor(h / 128)) n += 1;
  return n;
}

function writeHeader(chunk: Uint8Array, at: number, header: number): number {
  let h = header;
  let i = at;
  while (h >= 0x80) {
    chunk[i++] = (h & 0x7f) | 0x80;
    h = Math.floor(h / 128);
  }
  chunk[i++] = h;
  return i;
}

function readHeader(chunk: Uint8Array, at: number): { header: number; next: number } {
  let header = 0;
  let scale = 1;
  let i = at;
  for (;;) {
    const byte = chunk[i++]!;
    header += (byte & 0x7f) * scale;
    if (byte < 0x80) return { header, next: i };
    scale *= 128;
  }
}

function writeText(chunk: Uint8Array, at: number, text: string, wide: number): number {
  if (wide) {
    for (let i = 0; i < text.length; i += 1) {
      const c = text.charCodeAt(i);
      chunk[at + 2 * i] = c & 0xff;
      chunk[at + 2 * i + 1] = c >>> 8;
    }
    return at + 2 * text.length;
  }
  for (let i = 0; i < text.length; i += 1) chunk[at + i] = text.charCodeAt(i);
  return at + text.length;
}

/** The text a header describes, starting at `at`: latin1 or UTF-16LE code units, decoded natively. */
function decode(chunk: Uint8Array, at: number, header: number): string {
  const bytes = Buffer.from(chunk.buffer, chunk.byteOffset + at, textBytes(header));
  return bytes.toString(header & 1 ? 'utf16le' : 'latin1');
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
