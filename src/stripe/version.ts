// The Stripe API version the connector is built against, and the User-Agent it sends.
import { readFileSync } from 'node:fs';

/** The version of Stripe's OpenAPI spec our resource schemas come from. */
export const DEFAULT_API_VERSION = '2023-08-16';

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
