// A 53-bit hash of a field's canonical text: what the index keeps per managed field instead of the value.

/**
 * Two 32-bit multiply-xorshift lanes over the UTF-16 code units, finalised and joined into a 53-bit
 * integer (exact in a double, so a Float64Array holds it). Not cryptographic: a change that collides
 * with the old value's hash (about 1 in 9·10^15 per changed field) would be skipped as unchanged.
 */
export function hash53(text: string): number {
  let a = 0x811c9dc5 ^ text.length;
  let b = 0x27d4eb2f ^ Math.imul(text.length, 0x9e3779b1);
  for (let i = 0; i < text.length; i += 1) {
    const c = text.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x5bd1e995);
    b ^= b >>> 13;
  }
  a = mix32(a ^ (b >>> 7));
  b = mix32(b ^ (a >>> 11));
  return (b & 0x1fffff) * 0x100000000 + (a >>> 0);
}

/** A 32-bit finaliser (xorshift-multiply): every input bit reaches every output bit. Also the key table's bucket hash. */
export function mix32(h: number): number {
  let x = h;
  x ^= x >>> 16;
  x = Math.imul(x, 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  x ^= x >>> 16;
  return x;
}
