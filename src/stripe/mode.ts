// Test (sandbox) or live mode, read off the key's prefix.

/** Stripe key mode: sandbox (test) keys or live keys. */
export type StripeMode = 'test' | 'live';

export function keyMode(apiKey: string): StripeMode {
  return /^(sk|rk)_live_/.test(apiKey) ? 'live' : 'test';
}
