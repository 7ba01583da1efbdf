// Locates files shipped with the package (spec/, schemas/), from source or from dist/.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

function findRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (existsSync(join(dir, 'package.json')) && existsSync(join(dir, 'spec'))) return dir;
    const parent = dirname(dir);
    if (parent === dir) throw new Error('destination-stripe: cannot find the package root (spec/ beside package.json)');
    dir = parent;
  }
}

export const packageRoot: string = findRoot(dirname(fileURLToPath(import.meta.url)));

export const packagePath = (...parts: string[]): string => join(packageRoot, ...parts);

export const readPackageJson = (...parts: string[]): unknown => JSON.parse(readFileSync(packagePath(...parts), 'utf8'));

/** The connector's version, from package.json. */
export const connectorVersion: string = (readPackageJson('package.json') as { version: string }).version;
