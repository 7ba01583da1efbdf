// Random Stripe-like identifiers (cus_..., req_...) drawn from a pre-filled byte pool.
import { randomBytes } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
let pool = randomBytes(4096);
let offset = 0;

/** `length` random base-62 characters. */
export function randomChars(length: number, chars = alphabet): string {
  if (offset + length > pool.length) {
    pool = randomBytes(4096);
    offset = 0;
  }
  let out = '';
  for (let i = 0; i < length; i++) out += chars[pool[offset++]! % chars.length];
  return out;
}

/** A new id: prefix + 16 characters; resources without a prefix (coupons) get an 8-character code. */
export function newId(prefix: string): string {
  return prefix ? prefix + randomChars(16) : randomChars(8, 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789');
}

export const newRequestId = (): string => `req_${randomChars(14)}`;
