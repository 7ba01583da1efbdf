// Reads the API key from Bearer or Basic auth and decides whether the emulator accepts it.
import { ApiError } from './errors.js';

export interface Caller {
  key: string;
  livemode: boolean;
}

const keyPattern = /^(sk|rk)_(test|live)_[A-Za-z0-9_]+$/;

/** The credential of an Authorization header: the bearer token, or the user of HTTP basic auth. */
export function credential(header: string | undefined): string | undefined {
  if (!header) return undefined;
  const space = header.indexOf(' ');
  const scheme = header.slice(0, space).toLowerCase();
  const value = header.slice(space + 1).trim();
  if (scheme === 'bearer') return value;
  if (scheme === 'basic') {
    const decoded = Buffer.from(value, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon === -1 ? decoded : decoded.slice(0, colon);
  }
  return undefined;
}

const unauthorized = (message: string): ApiError => new ApiError(401, { type: 'invalid_request_error', message });

/** Masks all but the last four characters, as Stripe's messages do. */
export const mask = (key: string): string => `${key.slice(0, key.indexOf('_', 3) + 1)}${'*'.repeat(4)}${key.slice(-4)}`;

/** Accepts sk_/rk_ test keys always and live keys only when the emulator runs with `live`. */
export function authenticate(header: string | undefined, allowLive: boolean): Caller {
  const key = credential(header);
  if (!key) throw unauthorized('You did not provide an API key. You need to provide your API key in the Authorization header, using Bearer auth (e.g. \'Authorization: Bearer YOUR_SECRET_KEY\').');
  const m = keyPattern.exec(key);
  if (!m) throw unauthorized(`Invalid API Key provided: ${mask(key)}`);
  const livemode = m[2] === 'live';
  if (livemode && !allowLive) throw unauthorized(`Invalid API Key provided: ${mask(key)} (this emulator accepts live keys only when started with --live)`);
  return { key, livemode };
}
