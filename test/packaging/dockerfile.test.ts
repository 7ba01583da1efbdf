// The Dockerfile follows Airbyte's image rules and a platform's: pinned base selectable by build argument, prod deps only
// at run time, code owned by root and read-only, a numeric non-root USER, no build caches, entrypoint = AIRBYTE_ENTRYPOINT.
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath, readPackageJson } from '../../src/paths.js';
import { execForm, instructionsOf, keyValues, logicalLines, pairsOf, parseDockerfile, type Stage } from './parse-dockerfile.js';
import { nodeFlagsOf } from '../../scripts/node-flags.js';

const pkg = readPackageJson('package.json') as { version: string; bin: Record<string, string> };
const dockerfileText = readFileSync(packagePath('Dockerfile'), 'utf8');
const dockerfile = parseDockerfile(dockerfileText);
const build = dockerfile.stages[0] as Stage;
const runtime = dockerfile.stages.at(-1) as Stage;
const stageNamed = (name: string | undefined): Stage | undefined => dockerfile.stages.find((s) => s.name === name);
const runs = (stage: Stage): string[] => instructionsOf(stage, 'RUN').map((i) => i.args);
/** COPY instructions as { from, chown, sources, dest }. */
const copies = (stage: Stage) =>
  instructionsOf(stage, 'COPY').map((i) => {
    const words = i.args.split(/\s+/);
    const flags = words.filter((w) => w.startsWith('--'));
    const paths = words.filter((w) => !w.startsWith('--'));
    const flag = (name: string) => flags.find((f) => f.startsWith(`--${name}=`))?.split('=')[1];
    return { from: flag('from'), chown: flag('chown'), sources: paths.slice(0, -1), dest: paths.at(-1) ?? '' };
  });

describe('Dockerfile parser', () => {
  it('joins continuations, skips comments inside them and keeps the first line number', () => {
    const lines = logicalLines('FROM a\n# note\nRUN one \\\n# inside\n  && two\n\nUSER x\n');
    expect(lines).toEqual([
      { text: 'FROM a', line: 1 },
      { text: 'RUN one && two', line: 3 },
      { text: 'USER x', line: 7 },
    ]);
  });

  it('reads quoted key=value pairs and exec form', () => {
    expect(keyValues('a=1 b="two words" c=\'x y\'')).toEqual({ a: '1', b: 'two words', c: 'x y' });
    expect(execForm('["node", "/x.js"]')).toEqual(['node', '/x.js']);
    expect(execForm('node /x.js')).toBeUndefined();
  });

  it('groups instructions by stage and substitutes global ARGs in FROM', () => {
    const parsed = parseDockerfile('ARG BASE=img:1\nFROM ${BASE} AS one\nRUN a\nFROM one\nUSER u\n');
    expect(parsed.stages.map((s) => [s.base, s.name, s.instructions.map((i) => i.keyword)])).toEqual([
      ['img:1', 'one', ['RUN']],
      ['one', undefined, ['USER']],
    ]);
  });
});

describe('Dockerfile', () => {
  it('builds every stage on the NODE_IMAGE build argument, a Node 26 release on Debian 13 (trixie) slim pinned by digest by default', () => {
    expect(dockerfile.globalArgs.NODE_IMAGE).toMatch(/^node:26\.\d+\.\d+-trixie-slim@sha256:[0-9a-f]{64}$/);
    const froms = logicalLines(dockerfileText).filter((l) => /^FROM\s/i.test(l.text));
    expect(froms.length).toBeGreaterThanOrEqual(2);
    for (const from of froms) expect(from.text, `line ${from.line}`).toMatch(/^FROM \$\{NODE_IMAGE\}( AS \w+)?$/);
    for (const stage of dockerfile.stages) expect(stage.base).toBe(dockerfile.globalArgs.NODE_IMAGE);
    expect(build.name).toBeTruthy();
  });

  it('builds with dev dependencies: npm ci then npm run build', () => {
    const commands = runs(build).join(' && ');
    expect(commands).toMatch(/npm ci(?![^&]*--omit=dev)/);
    expect(commands.indexOf('npm run build')).toBeGreaterThan(commands.indexOf('npm ci'));
  });

  it('assembles the app in its own stage with production dependencies only, without running package scripts', () => {
    const [fromApp, ...others] = copies(runtime).filter((c) => c.from);
    expect(others).toEqual([]);
    const app = stageNamed(fromApp?.from);
    expect(app, 'the stage the runtime copies /airbyte from').toBeDefined();
    expect(app).not.toBe(build);
    const installs = runs(app as Stage).flatMap((run) => run.split(/&&|;/)).map((c) => c.trim()).filter((c) => /^npm (ci|install|i)\b/.test(c));
    expect(installs).toHaveLength(1);
    for (const install of installs) {
      expect(install).toMatch(/--omit=dev\b/);
      expect(install).toMatch(/--ignore-scripts\b/);
      expect(install).not.toMatch(/--include=dev|--production=false/);
    }
    expect(runs(app as Stage).join(' ')).not.toMatch(/npm run build|\btsc\b/);
  });

  it('copies compiled code from the build stage, and spec, schemas, package.json into the app', () => {
    const app = stageNamed(copies(runtime).find((c) => c.from)?.from) as Stage;
    const list = copies(app);
    expect(list).toContainEqual(expect.objectContaining({ from: build.name, sources: ['/build/dist/src'], dest: './dist/src' }));
    const fromContext = list.filter((c) => !c.from).flatMap((c) => c.sources);
    expect(fromContext).toEqual(expect.arrayContaining(['package.json', 'package-lock.json', 'spec', 'schemas']));
    expect(instructionsOf(app, 'WORKDIR').at(-1)?.args).toBe('/airbyte');
  });

  it('leaves no build cache in the image: the runtime stage runs nothing and copies only /airbyte from the app stage', () => {
    expect(runs(runtime)).toEqual([]);
    expect(copies(runtime)).toEqual([expect.objectContaining({ sources: ['/airbyte'], dest: '/airbyte', chown: undefined })]);
  });

  it('copies only paths that exist and that .dockerignore lets through', () => {
    const ignored = readFileSync(packagePath('.dockerignore'), 'utf8')
      .split('\n')
      .map((l) => l.trim())
      .filter((l) => l && !l.startsWith('#'));
    expect(ignored).toEqual(expect.arrayContaining(['node_modules', 'dist', '.git']));
    const sources = dockerfile.stages.flatMap((s) => copies(s).filter((c) => !c.from).flatMap((c) => c.sources));
    for (const source of sources) {
      expect(existsSync(packagePath(source)), source).toBe(true);
      expect(ignored, source).not.toContain(source);
    }
  });

  it('runs as a fixed numeric non-root uid:gid in /airbyte, which root owns and nobody may write', () => {
    const user = instructionsOf(runtime, 'USER').at(-1)?.args ?? '';
    expect(user).toMatch(/^[1-9]\d*:[1-9]\d*$/);
    expect(instructionsOf(runtime, 'WORKDIR').at(-1)?.args).toBe('/airbyte');
    // No instruction hands a file to the runtime user: no --chown, no chown, and the app stage takes write permission away.
    for (const stage of dockerfile.stages) {
      for (const copy of copies(stage)) expect(copy.chown, copy.sources.join(' ')).toBeUndefined();
      expect(runs(stage).join(' && ')).not.toMatch(/\bchown\b/);
    }
    const app = stageNamed(copies(runtime).find((c) => c.from)?.from) as Stage;
    const lastRun = runs(app).at(-1) ?? '';
    expect(lastRun).toMatch(/^chmod -R a-w,a\+rX \/airbyte$/);
    expect(app.instructions.at(-1)?.keyword).toBe('RUN');
  });

  it('sets ENTRYPOINT in exec form with absolute paths, equal to AIRBYTE_ENTRYPOINT and to the package bin with its shebang flags', () => {
    const entrypoints = instructionsOf(runtime, 'ENTRYPOINT');
    expect(entrypoints).toHaveLength(1);
    const argv = execForm(entrypoints[0]?.args ?? '');
    const flags = nodeFlagsOf(packagePath('src', 'main.ts'));
    expect(argv).toEqual(['node', ...flags, `/airbyte/${pkg.bin['destination-stripe']}`]);
    expect(argv?.at(-1)).toMatch(/^\//);
    expect(pairsOf(runtime, 'ENV').AIRBYTE_ENTRYPOINT).toBe(argv?.join(' '));
  });

  it('labels the image with the Airbyte name and the package.json version', () => {
    expect(pairsOf(runtime, 'LABEL')).toMatchObject({
      'io.airbyte.name': 'airbyte/destination-stripe',
      'io.airbyte.version': pkg.version,
    });
  });
});
