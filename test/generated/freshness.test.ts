import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { packagePath } from '../../src/paths.js';
import { generateConfigTypes, generateProtocolTypes } from '../../scripts/generate-types.js';
import { generateEndpointTemplates } from '../../scripts/generate-endpoints.js';
import { stripeApiVersionModule } from '../../scripts/stripe-types.js';
import { hasShared, sharedSkipReason } from '../helpers/shared.js';

describe('generated types', () => {
  it.skipIf(!hasShared)(`src/generated/protocol.ts matches the protocol schema (${hasShared ? 'reads ../shared' : sharedSkipReason})`, async () => {
    expect(readFileSync(packagePath('src', 'generated', 'protocol.ts'), 'utf8')).toBe(await generateProtocolTypes());
  });

  it('src/generated/config.ts matches spec/spec.json', async () => {
    expect(readFileSync(packagePath('src', 'generated', 'config.ts'), 'utf8')).toBe(await generateConfigTypes());
  });

  it('src/generated/stripe-api-version.ts matches the pinned stripe package', () => {
    expect(readFileSync(packagePath('src', 'generated', 'stripe-api-version.ts'), 'utf8')).toBe(stripeApiVersionModule());
  });

  it.skipIf(!hasShared)(`src/generated/endpoint-templates.ts matches the stripe package and the 2023 spec (${hasShared ? 'reads ../shared' : sharedSkipReason})`, async () => {
    expect(readFileSync(packagePath('src', 'generated', 'endpoint-templates.ts'), 'utf8')).toBe(await generateEndpointTemplates());
  });
});
