// One redactor for everything that leaves the process: secret config values and anything shaped like a Stripe key.
import type { Redactor } from '../protocol/emitter.js';
import { secretPaths } from './spec.js';

export type { Redactor } from '../protocol/emitter.js';

/** Anything shaped like a Stripe secret, restricted or publishable key (the spec allows `_` in the tail). */
export const STRIPE_KEY_PATTERN = /\b(?:sk|rk|pk)_(?:test|live)_[A-Za-z0-9_]+/g;
/** Only secret and restricted keys: what may never leave, even where publishable keys are fine. */
export const SECRET_KEY_PATTERN = /\b(?:sk|rk)_(?:test|live)_[A-Za-z0-9_]+/g;
export const MASK = '**********';

/** `Bearer abc` → `abc`: the credential of an Authorization-style value, which can show up without its scheme. */
const SCHEME_AND_CREDENTIAL = /^[A-Za-z][\w-]*\s+(\S+)$/;

/**
 * Every string found under the given dotted paths (objects and arrays below a path count too), and the
 * credential alone of a `Scheme credential` value.
 */
export function collectSecrets(config: unknown, paths: string[] = secretPaths()): string[] {
  const found: string[] = [];
  const walk = (value: unknown): void => {
    if (typeof value === 'string') {
      if (value.length >= 4) found.push(value);
      const credential = SCHEME_AND_CREDENTIAL.exec(value.trim())?.[1];
      if (credential !== undefined && credential.length >= 4) found.push(credential);
    } else if (value && typeof value === 'object') {
      for (const v of Object.values(value)) walk(v);
    }
  };
  for (const path of paths) {
    let node: unknown = config;
    for (const part of path.split('.')) node = node && typeof node === 'object' ? (node as Record<string, unknown>)[part] : undefined;
    walk(node);
  }
  return found;
}

/** Builds a redactor for the given config; also masks any Stripe key pattern, configured or not. */
export function createRedactor(config?: unknown): Redactor {
  const secrets = config === undefined ? [] : collectSecrets(config).sort((a, b) => b.length - a.length);
  return (text: string): string => {
    let out = text;
    for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join(MASK);
    return out.replace(STRIPE_KEY_PATTERN, MASK);
  };
}
