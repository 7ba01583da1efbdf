// The node flags the connector runs with, read from the shebang of its entry point (one source for the bin, the Dockerfile test and the benchmarks).
import { readFileSync } from 'node:fs';

/** Flags after `node` on the first line of the given entry file, e.g. `['--max-semi-space-size=4']`. */
export function nodeFlagsOf(entryFile: string): string[] {
  const first = readFileSync(entryFile, 'utf8').split('\n', 1)[0] ?? '';
  const match = /^#!\/usr\/bin\/env -S node((?: --[\w-]+(?:=\S+)?)*)\s*$/.exec(first);
  if (!match) throw new Error(`${entryFile}: expected a "#!/usr/bin/env -S node [--flags]" first line`);
  return (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
}
