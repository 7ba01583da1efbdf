// Growing typed storage that never copies: more chunks instead of a bigger array.
//
// A typed array that doubles holds the old and the new copy at once while it grows (three times the
// data at the peak), and up to half of the new one stays unused. The index of a million objects would
// pay that in its largest arrays just when it is largest. Chunks cost one array lookup per access.

/** Elements per chunk of the numeric arrays: 16,384 (64 KiB of Int32, 128 KiB of Float64). */
const SHIFT = 14;
const CHUNK = 1 << SHIFT;
const MASK = CHUNK - 1;

/** An unbounded array of int32 (zero where never set), in chunks of 16,384. */
export class ChunkedInt32 {
  private readonly chunks: Int32Array[] = [];

  get(i: number): number {
    return this.chunks[i >>> SHIFT]![i & MASK]!;
  }

  set(i: number, value: number): void {
    const c = i >>> SHIFT;
    while (this.chunks.length <= c) this.chunks.push(new Int32Array(CHUNK));
    this.chunks[c]![i & MASK] = value;
  }

  get bytes(): number {
    return this.chunks.length * CHUNK * 4;
  }
}

/**
 * Rows of `width` float64s (zero where never set): row r is elements r·width … r·width + width − 1 of
 * a chunk, a chunk holding 16,384 rows (one row when width is 0).
 */
export class ChunkedRows {
  private readonly chunks: Float64Array[] = [];

  constructor(private readonly width: number) {}

  get(row: number, column: number): number {
    return this.chunks[row >>> SHIFT]![(row & MASK) * this.width + column]!;
  }

  set(row: number, column: number, value: number): void {
    const c = row >>> SHIFT;
    while (this.chunks.length <= c) this.chunks.push(new Float64Array(CHUNK * this.width));
    this.chunks[c]![(row & MASK) * this.width + column] = value;
  }

  get bytes(): number {
    return this.chunks.length * CHUNK * this.width * 8;
  }
}

/** Bits of an arena address that give the offset inside its chunk (so a chunk holds up to 1 MiB). */
const AT_BITS = 20;
const FIRST_CHUNK = 16 * 1024;
const MAX_CHUNK = 1 << AT_BITS;

/**
 * Append-only bytes in chunks of 16 KiB growing to 1 MiB; a run of bytes never spans two chunks (one
 * longer than 1 MiB gets a chunk of its own). Addresses are `chunk << 20 | offset`: up to 2,047 chunks.
 */
export class ByteArena {
  private readonly chunks: Uint8Array[] = [];
  private used = 0;

  /** Reserves `length` bytes; returns their address. Write them through `chunkOf` / `offsetOf`. */
  reserve(length: number): number {
    let last = this.chunks[this.chunks.length - 1];
    if (!last || this.used + length > last.length) {
      if (this.chunks.length >= 1 << (31 - AT_BITS)) throw new RangeError('ByteArena is full (2,047 chunks)');
      const size = Math.max(length, Math.min(MAX_CHUNK, FIRST_CHUNK << this.chunks.length));
      last = new Uint8Array(size);
      this.chunks.push(last);
      this.used = 0;
    }
    const address = ((this.chunks.length - 1) << AT_BITS) | this.used;
    this.used += length;
    return address;
  }

  chunkOf(address: number): Uint8Array {
    return this.chunks[address >>> AT_BITS]!;
  }

  offsetOf(address: number): number {
    return address & (MAX_CHUNK - 1);
  }

  get bytes(): number {
    let total = 0;
    for (const c of this.chunks) total += c.length;
    return total;
  }
}
