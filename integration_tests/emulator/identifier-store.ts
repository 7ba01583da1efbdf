// Meter event identifiers and when each was first counted, in one byte arena and typed arrays instead of a Map of
// strings: a run of 5,000,000 events would otherwise leave 5,000,000 strings in the emulator's heap, which its
// garbage collector marks on every full collection (the emulator's CPU per event rose by half at that size).
import { Buffer } from 'node:buffer';

const EMPTY = -1;
/** Identifiers are at most 100 characters: 400 bytes of UTF-8 at most. */
const MAX_BYTES = 400;

export class IdentifierStore {
  /** Each identifier's UTF-8 bytes, one after the other; the bytes past `used` are scratch for the next lookup. */
  private arena = Buffer.allocUnsafe(1 << 16);
  private used = 0;
  /** Per slot: where its bytes start, how many there are, their hash and the time it was counted. */
  private starts = new Float64Array(1024);
  private lengths = new Uint16Array(1024);
  private hashes = new Int32Array(1024);
  private times = new Float64Array(1024);
  private count = 0;
  /** Slot of each bucket, or EMPTY; a power of two in length, kept at most half full. */
  private buckets = new Int32Array(2048).fill(EMPTY);

  get size(): number {
    return this.count;
  }

  /** When the identifier was counted, or undefined. */
  countedAt(identifier: string): number | undefined {
    const slot = this.locate(identifier);
    return slot === EMPTY ? undefined : this.times[slot];
  }

  /**
   * Counts the identifier at `now` unless it was counted less than `ttlMs` before: true when counted (new, or its
   * earlier count has expired and is replaced), false for a duplicate.
   */
  admit(identifier: string, now: number, ttlMs: number): boolean {
    const slot = this.locate(identifier);
    if (slot !== EMPTY) {
      if (now - this.times[slot]! < ttlMs) return false;
      this.times[slot] = now;
      return true;
    }
    this.insertLocated(now);
    return true;
  }

  clear(): void {
    this.used = 0;
    this.count = 0;
    this.buckets.fill(EMPTY);
  }

  // What the last `locate` left for an insert: the bucket it stopped at, the bytes' length and hash.
  private lastBucket = 0;
  private lastLength = 0;
  private lastHash = 0;

  /** The identifier's slot, or EMPTY (its bytes then wait at the arena's end for `insertLocated`). */
  private locate(identifier: string): number {
    this.reserve(MAX_BYTES);
    const length = this.arena.write(identifier, this.used, 'utf8');
    let hash = 0x811c9dc5 | 0;
    for (let i = this.used; i < this.used + length; i += 1) hash = Math.imul(hash ^ this.arena[i]!, 0x01000193);
    const mask = this.buckets.length - 1;
    for (let b = hash & mask; ; b = (b + 1) & mask) {
      const slot = this.buckets[b]!;
      if (slot === EMPTY) {
        this.lastBucket = b;
        this.lastLength = length;
        this.lastHash = hash;
        return EMPTY;
      }
      if (this.hashes[slot] === hash && this.lengths[slot] === length) {
        const start = this.starts[slot]!;
        if (this.arena.compare(this.arena, start, start + length, this.used, this.used + length) === 0) return slot;
      }
    }
  }

  /** Keeps the bytes the last `locate` wrote as a new slot counted at `time`. */
  private insertLocated(time: number): void {
    const slot = this.count;
    if (slot === this.times.length) this.growSlots();
    this.starts[slot] = this.used;
    this.lengths[slot] = this.lastLength;
    this.hashes[slot] = this.lastHash;
    this.times[slot] = time;
    this.buckets[this.lastBucket] = slot;
    this.used += this.lastLength;
    this.count += 1;
    if (this.count * 2 > this.buckets.length) this.rehash();
  }

  private reserve(bytes: number): void {
    if (this.used + bytes <= this.arena.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.arena.length * 2, this.used + bytes));
    this.arena.copy(next, 0, 0, this.used);
    this.arena = next;
  }

  private growSlots(): void {
    const size = this.times.length * 2;
    const grow = <T extends Float64Array | Uint16Array | Int32Array>(from: T, to: T): T => {
      to.set(from);
      return to;
    };
    this.starts = grow(this.starts, new Float64Array(size));
    this.lengths = grow(this.lengths, new Uint16Array(size));
    this.hashes = grow(this.hashes, new Int32Array(size));
    this.times = grow(this.times, new Float64Array(size));
  }

  private rehash(): void {
    const buckets = new Int32Array(this.buckets.length * 2).fill(EMPTY);
    const mask = buckets.length - 1;
    for (let slot = 0; slot < this.count; slot += 1) {
      let b = this.hashes[slot]! & mask;
      while (buckets[b] !== EMPTY) b = (b + 1) & mask;
      buckets[b] = slot;
    }
    this.buckets = buckets;
  }
}
