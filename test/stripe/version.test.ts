// Tests for the pinned API version and the User-Agent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { CONNECTOR_VERSION, DEFAULT_API_VERSION, USER_AGENT, apiVersionNote, effectiveApiVersion, schemaChecksApply } from '../../src/stripe/version.js';
import { schemasApiVersion } from '../../src/mapping/resources.js';

describe('version', () => {
  it('defaults to the API version of the pinned stripe package, which the schemas describe', () => {
    // Read independently of the generator: the package's own CommonJS entry names its ApiVersion.
    const stripePackage = createRequire(import.meta.url)('stripe') as { API_VERSION?: string; Stripe?: { API_VERSION?: string } };
    const packageVersion = stripePackage.API_VERSION ?? stripePackage.Stripe?.API_VERSION;
    expect(DEFAULT_API_VERSION).toBe(packageVersion);
    expect(DEFAULT_API_VERSION).toMatch(/^\d{4}-\d{2}-\d{2}\.[a-z]+$/);
    expect(schemasApiVersion()).toBe(DEFAULT_API_VERSION);
  });

  it('keeps schema checks only at the schemas\' version', () => {
    expect(effectiveApiVersion({})).toBe(DEFAULT_API_VERSION);
    expect(effectiveApiVersion({ api_version: ' ' })).toBe(DEFAULT_API_VERSION);
    expect(effectiveApiVersion({ api_version: '2023-08-16' })).toBe('2023-08-16');
    expect(schemaChecksApply({})).toBe(true);
    expect(schemaChecksApply({ api_version: DEFAULT_API_VERSION })).toBe(true);
    expect(schemaChecksApply({ api_version: '2023-08-16' })).toBe(false);
    expect(apiVersionNote({})).toEqual({ level: 'INFO', text: expect.stringContaining(`Stripe-Version ${DEFAULT_API_VERSION} (the default`) });
    const pinned = apiVersionNote({ api_version: '2023-08-16' });
    expect(pinned.level).toBe('WARN');
    expect(pinned.text).toContain('Stripe-Version 2023-08-16 (pinned by api_version)');
    expect(pinned.text).toContain('not checked');
  });

  it("takes the connector version from package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(CONNECTOR_VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`destination-stripe/${pkg.version} (node ${process.version})`);
  });
});
