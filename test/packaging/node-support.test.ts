// The supported Node versions agree everywhere they are written: engines, the lockfile, the Node types the
// compiler checks against (the oldest supported major, so no newer API slips in), and the image's Node.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath, readPackageJson } from '../../src/paths.js';
import { dockerfileBaseImage } from '../../scripts/docker-ci/base-image.js';

const pkg = readPackageJson('package.json') as { engines: { node: string }; devDependencies: Record<string, string> };
const lock = JSON.parse(readFileSync(packagePath('package-lock.json'), 'utf8')) as {
  packages: Record<string, { engines?: { node: string }; version?: string }>;
};
const oldestMajor = Number(/^>=(\d+)$/.exec(pkg.engines.node)?.[1]);

describe('supported Node versions', () => {
  it('engines.node starts at a major still supported (22 or later) and the lockfile says the same', () => {
    expect(pkg.engines.node).toMatch(/^>=\d+$/);
    expect(oldestMajor).toBeGreaterThanOrEqual(22);
    expect(lock.packages['']?.engines).toEqual(pkg.engines);
  });

  it("type-checks against the oldest supported major's Node API", () => {
    expect(pkg.devDependencies['@types/node']).toMatch(new RegExp(`^${oldestMajor}\\.\\d+\\.\\d+$`));
    expect(lock.packages['node_modules/@types/node']?.version).toBe(pkg.devDependencies['@types/node']);
  });

  it("ships a supported Node in the image, and .ci/run runs the suite on engines' oldest major too", () => {
    const imageMajor = Number(/^node:(\d+)\./.exec(dockerfileBaseImage(readFileSync(packagePath('Dockerfile'), 'utf8')))?.[1]);
    expect(imageMajor).toBeGreaterThanOrEqual(oldestMajor);
    const ci = readFileSync(packagePath('.ci', 'run'), 'utf8');
    expect(ci).toContain('bash scripts/with-node.sh image');
    expect(ci).toMatch(/oldest_major="\$\(node -p .*engines\.node/);
    expect(ci).toContain('npx vitest run');
  });
});
