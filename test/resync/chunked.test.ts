// Chunked typed storage: values survive growth across chunk boundaries; arena runs never straddle chunks.
import { describe, expect, it } from 'vitest';
import { ByteArena, ChunkedInt32, ChunkedRows } from '../../src/resync/chunked.js';

describe('ChunkedInt32', () => {
  it('keeps every value through 100,000 sets across chunk boundaries; unset elements read 0', () => {
    const a = new ChunkedInt32();
    for (let i = 0; i < 100_000; i += 1) a.set(i, i * 7 - 3);
    for (let i = 0; i < 100_000; i += 1) if (a.get(i) !== i * 7 - 3) throw new Error(`element ${i} is ${a.get(i)}`);
    a.set(200_000, -1);
    expect(a.get(150_000)).toBe(0);
    expect(a.get(200_000)).toBe(-1);
    // 200,001 elements in chunks of 16,384: 13 chunks of 64 KiB.
    expect(a.bytes).toBe(13 * 16_384 * 4);
  });
});

describe('ChunkedRows', () => {
  it('keeps rows of three apart, across chunk boundaries', () => {
    const rows = new ChunkedRows(3);
    for (let r = 0; r < 40_000; r += 1) for (let c = 0; c < 3; c += 1) rows.set(r, c, r * 3 + c + 0.5);
    for (let r = 0; r < 40_000; r += 1) for (let c = 0; c < 3; c += 1) if (rows.get(r, c) !== r * 3 + c + 0.5) throw new Error(`row ${r} column ${c}`);
    expect(rows.get(16_384, 0)).toBe(16_384 * 3 + 0.5);
    expect(rows.bytes).toBe(3 * 16_384 * 3 * 8);
  });
});

describe('ByteArena', () => {
  it('never lets a run straddle two chunks, and earlier runs keep their bytes as it grows', () => {
    const arena = new ByteArena();
    const runs: { address: number; length: number; fill: number }[] = [];
    for (let i = 0; i < 5_000; i += 1) {
      const length = 1 + ((i * 131) % 3_000);
      const address = arena.reserve(length);
      const chunk = arena.chunkOf(address);
      const at = arena.offsetOf(address);
      expect(at + length).toBeLessThanOrEqual(chunk.length);
      chunk.fill(i & 0xff, at, at + length);
      runs.push({ address, length, fill: i & 0xff });
    }
    for (const { address, length, fill } of runs) {
      const chunk = arena.chunkOf(address);
      const at = arena.offsetOf(address);
      expect(chunk.subarray(at, at + length).every((b) => b === fill)).toBe(true);
    }
  });

  it('gives a run longer than a chunk a chunk of its own', () => {
    const arena = new ByteArena();
    const small = arena.reserve(10);
    const big = arena.reserve(3 * 1024 * 1024);
    const after = arena.reserve(10);
    expect(arena.chunkOf(big).length).toBe(3 * 1024 * 1024);
    expect(arena.offsetOf(big)).toBe(0);
    expect(new Set([arena.chunkOf(small), arena.chunkOf(big), arena.chunkOf(after)]).size).toBe(3);
  });
});
