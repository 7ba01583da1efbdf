// Test (sandbox) or live mode, read off the key's prefix.
import type { StripeMode } from '../pipeline/rate-policy.js';

export function keyMode(apiKey: string): StripeMode {
  return /^(sk|rk)_live_/.test(apiKey) ? 'live' : 'test';
}
