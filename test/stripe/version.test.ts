// Tests for the pinned API version and the User-Agent.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { CONNECTOR_VERSION, DEFAULT_API_VERSION, USER_AGENT } from '../../src/stripe/version.js';

describe('version', () => {
  it('pins the API version of our schemas', () => {
    expect(DEFAULT_API_VERSION).toBe('2023-08-16');
  });

  it("takes the connector version from package.json", () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    expect(CONNECTOR_VERSION).toBe(pkg.version);
    expect(USER_AGENT).toBe(`destination-stripe/${pkg.version} (node ${process.version})`);
  });
});
