import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { packagePath } from '../../src/paths.js';
import { generateConfigTypes, generateProtocolTypes } from '../../scripts/generate-types.js';
import { hasShared, sharedSkipReason } from '../helpers/shared.js';

describe('generated types', () => {
  it.skipIf(!hasShared)(`src/generated/protocol.ts matches the protocol schema (${hasShared ? 'reads ../shared' : sharedSkipReason})`, async () => {
    expect(readFileSync(packagePath('src', 'generated', 'protocol.ts'), 'utf8')).toBe(await generateProtocolTypes());
  });

  it('src/generated/config.ts matches spec/spec.json', async () => {
    expect(readFileSync(packagePath('src', 'generated', 'config.ts'), 'utf8')).toBe(await generateConfigTypes());
  });
});
