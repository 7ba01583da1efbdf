// Locates ../shared for tests that read it; they skip with a message where it is absent.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { packageRoot } from '../../src/paths.js';

export const sharedDir = process.env.SHARED_DIR ?? join(packageRoot, '..', 'shared');
export const hasShared = existsSync(join(sharedDir, 'README.md'));
export const sharedSkipReason = `skipped: ../shared (the reference material) is not beside this checkout at ${sharedDir}; CI provides it`;

if (!hasShared) process.stderr.write(`${sharedSkipReason}\n`);
