// The Stripe API version the connector is built against, and the User-Agent it sends.
import { readFileSync } from 'node:fs';
import { STRIPE_API_VERSION } from '../generated/stripe-api-version.js';

/**
 * The Stripe-Version sent when the config pins none: the version the pinned `stripe` package speaks,
 * which the request schemas in schemas/ describe (written by `npm run generate`).
 */
export const DEFAULT_API_VERSION = STRIPE_API_VERSION;

/** The Stripe-Version a sync sends: the pinned `api_version`, else the default. */
export function effectiveApiVersion(config: { api_version?: string | undefined }): string {
  return config.api_version?.trim() || DEFAULT_API_VERSION;
}

/**
 * Whether record bodies are checked against the generated request schemas: only when the sync speaks the
 * version they describe. Under another version a field may have been added, renamed or removed, so the
 * connector checks only what it needs itself (path ids, matching keys) and lets Stripe judge the rest.
 */
export function schemaChecksApply(config: { api_version?: string | undefined }): boolean {
  return effectiveApiVersion(config) === DEFAULT_API_VERSION;
}

/** The first Stripe API version that has the `/v2` endpoints (meter event stream and session, adjustments). */
export const FIRST_V2_API_VERSION = '2024-09-30.acacia';

/** Whether `version` (`YYYY-MM-DD[.name]`) is older than the first version with `/v2` endpoints. */
export function predatesV2(version: string): boolean {
  return version.slice(0, 10) < FIRST_V2_API_VERSION.slice(0, 10);
}

/** One line saying which Stripe-Version a sync uses and what that means for validation. */
export function apiVersionNote(config: { api_version?: string | undefined }): { level: 'INFO' | 'WARN'; text: string } {
  const version = effectiveApiVersion(config);
  if (schemaChecksApply(config)) {
    return { level: 'INFO', text: `Stripe-Version ${version}${config.api_version ? ' (pinned, the version of the request schemas)' : ' (the default: the version of the request schemas)'}.` };
  }
  return {
    level: 'WARN',
    text: `Stripe-Version ${version} (pinned by api_version). The request schemas describe ${DEFAULT_API_VERSION}, so record bodies are not checked against them: only path ids and matching keys are checked and Stripe judges the rest.`,
  };
}

const PACKAGE_NAME = 'destination-stripe';

/** This package's version, read from its package.json (found walking up from this file: works from src and dist). */
function readConnectorVersion(): string {
  let dir = new URL('./', import.meta.url);
  for (let depth = 0; depth < 6; depth += 1) {
    try {
      const pkg = JSON.parse(readFileSync(new URL('package.json', dir), 'utf8')) as { name?: unknown; version?: unknown };
      if (pkg.name === PACKAGE_NAME && typeof pkg.version === 'string') return pkg.version;
    } catch {
      // no readable package.json here: keep walking up
    }
    dir = new URL('../', dir);
  }
  return '0.0.0';
}

export const CONNECTOR_VERSION = readConnectorVersion();

/** `destination-stripe/<version> (node <version>)`. */
export const USER_AGENT = `${PACKAGE_NAME}/${CONNECTOR_VERSION} (node ${process.version})`;
