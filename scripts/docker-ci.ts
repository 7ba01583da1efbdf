// `npm run docker:ci` (and .ci/run after the tests): builds the image from the repository's Dockerfile and runs it the
// way a platform does. Starts an engine if none runs (and stops it after), makes a base stand-in when the pinned
// base cannot be pulled. Where no engine can run it says so: exit 1 under CI=true, a skip otherwise. See docs/docker.md.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../integration_tests/emulator/server.js';
import { packagePath } from '../src/paths.js';
import { resolveBaseImage, dockerfileBaseImage } from './docker-ci/base-image.js';
import { defaultDockerdFlags, engineVersion, ensurePackages, startEngine, type StartedEngine } from './docker-ci/engine.js';
import { checkGoodAndRefused, codeNotWritable, nodeVersionIs, platformFlags, specMatchesHost, stopDuringWrite, writeIntegrationMessages, type Platform } from './docker-ci/platform-runs.js';
import { capture, run, runLogged, Steps } from './docker-ci/shell.js';
import { builtImageIds } from './docker-ci/verdicts.js';

const ci = process.env.CI === 'true';
const image = process.env.DOCKER_CI_IMAGE ?? 'airbyte/destination-stripe:dev';
const cacheDir = process.env.DESTINATION_STRIPE_CACHE ?? (process.getuid?.() === 0 ? '/var/cache/destination-stripe' : join(homedir(), '.cache', 'destination-stripe'));
const logDir = mkdtempSync(join(tmpdir(), 'destination-stripe-image-'));
const log = (line: string): void => console.log(`[image]   ${line}`);
const steps = new Steps();
const loadAtStart = loadavg();

let engine: StartedEngine | undefined;
let emulator: Emulator | undefined;

async function cleanUp(): Promise<void> {
  await emulator?.stop().catch(() => undefined);
  emulator = undefined;
  if (engine) {
    log('stopping the engine this script started');
    await engine.stop();
    engine = undefined;
  }
}
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    console.log(`[image] ${signal}: cleaning up`);
    void cleanUp().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  });
}

/** No engine: say so plainly; fail under CI, skip elsewhere. */
function noEngine(reason: string): never {
  console.log(`[image] NO CONTAINER ENGINE can run on this machine: ${reason}`);
  if (ci) {
    console.log('[image] CI=true: the image check is required, failing.');
    process.exit(1);
  }
  console.log('[image] skipping the image check (set CI=true to make this an error).');
  process.exit(0);
}

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(0)} MB`;

async function main(): Promise<void> {
  console.log(`[image] building and running ${image} (logs in ${logDir}, cache in ${cacheDir})`);
  mkdirSync(cacheDir, { recursive: true });

  const engineNote = await steps.step('engine', async () => {
    const running = engineVersion();
    if (running) return `engine ${running} already running`;
    const missing = ensurePackages([{ command: 'dockerd', pkg: 'docker.io' }, { command: 'docker', pkg: 'docker.io' }], log);
    if (missing) noEngine(missing);
    const flags = process.env.DOCKERD_FLAGS ? process.env.DOCKERD_FLAGS.split(/\s+/).filter(Boolean) : defaultDockerdFlags;
    try {
      engine = await startEngine(flags, join(logDir, 'dockerd.log'));
    } catch (error) {
      noEngine((error as Error).message);
    }
    return `started dockerd ${engine.version} (${flags.join(' ')})`;
  });
  log(engineNote);

  const pinned = dockerfileBaseImage(readFileSync(packagePath('Dockerfile'), 'utf8'));
  const base = await steps.step('base image', () => resolveBaseImage(pinned, cacheDir, logDir, log));
  log(`base: ${base.image} (${base.how})`);

  await steps.step('build', async () => {
    const buildLog = join(logDir, 'build.log');
    const previous = capture('docker', ['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
    await runLogged('docker', ['build', '--network', 'host', '--build-arg', `NODE_IMAGE=${base.image}`, '-t', image, '.'], buildLog, {
      cwd: packagePath(),
      env: { ...process.env, DOCKER_BUILDKIT: '0' },
    });
    const cached = (readFileSync(buildLog, 'utf8').match(/Using cache/g) ?? []).length;
    log(`built (${cached} steps from the engine's cache; log ${buildLog})`);
    // The image this tag named before, and the step images of earlier builds, would pile up run after run on a
    // persistent engine (vfs keeps a full copy per step): remove those this script built and this build did not reuse.
    const now = capture('docker', ['image', 'inspect', '--format', '{{.Id}}', image]).stdout.trim();
    if (previous && previous !== now && capture('docker', ['image', 'rm', previous]).code === 0) log(`removed the previous ${image} (${previous.slice(7, 19)})`);
    const record = join(cacheDir, 'built-step-images.txt');
    const current = builtImageIds(readFileSync(buildLog, 'utf8'));
    const earlier = existsSync(record) ? readFileSync(record, 'utf8').split('\n').filter(Boolean) : [];
    const stale = earlier.filter((id) => !current.includes(id)).reverse();
    if (stale.length) {
      capture('docker', ['image', 'rm', ...stale], { timeoutMs: 600_000 });
      const left = stale.filter((id) => capture('docker', ['image', 'inspect', id]).code === 0);
      log(`removed ${stale.length - left.length} step images of earlier builds`);
      current.push(...left);
    }
    writeFileSync(record, `${current.join('\n')}\n`);
  });

  const inspect = JSON.parse(run('docker', ['image', 'inspect', image]))[0] as { Size: number; Config: { User: string; Entrypoint: string[]; Env: string[]; Labels: Record<string, string> } };
  const baseSize = (JSON.parse(run('docker', ['image', 'inspect', base.image]))[0] as { Size: number }).Size;
  const user = inspect.Config.User;
  await steps.step('image config', () => {
    if (!/^\d+(:\d+)?$/.test(user)) throw new Error(`USER is "${user}", not a numeric uid[:gid]`);
    if (user.startsWith('0')) throw new Error(`USER is root (${user})`);
    const entry = inspect.Config.Env.find((e) => e.startsWith('AIRBYTE_ENTRYPOINT='))?.slice('AIRBYTE_ENTRYPOINT='.length);
    if (entry !== inspect.Config.Entrypoint.join(' ')) throw new Error(`AIRBYTE_ENTRYPOINT (${entry}) differs from ENTRYPOINT (${inspect.Config.Entrypoint.join(' ')})`);
    const pkg = JSON.parse(readFileSync(packagePath('package.json'), 'utf8')) as { version: string };
    if (inspect.Config.Labels['io.airbyte.version'] !== pkg.version) throw new Error(`label io.airbyte.version is ${inspect.Config.Labels['io.airbyte.version']}, package.json says ${pkg.version}`);
    log(`USER ${user}, ENTRYPOINT ${inspect.Config.Entrypoint.join(' ')}, ${inspect.Config.Labels['io.airbyte.name']}:${inspect.Config.Labels['io.airbyte.version']}`);
  });

  if (!existsSync(packagePath('dist', 'src', 'main.js'))) run('npm', ['run', 'build'], { timeoutMs: 600_000 });
  emulator = await startEmulator({ port: 0, logRequests: false });
  const platform: Platform = { image, user, emulator, dir: join(logDir, 'secrets'), log };
  log(`emulator on ${emulator.url}; every run: docker run ${platformFlags(user).join(' ')} -v <dir>:/secrets:ro ...`);

  const failures: string[] = [];
  let containerSteps = 0;
  const containerStep = async (name: string, body: () => Promise<string> | string): Promise<void> => {
    containerSteps++;
    try {
      log(await steps.step(name, body));
    } catch (error) {
      failures.push(name);
      console.log(`[image]   ${(error as Error).message}`);
    }
  };
  // The Node the image runs: the release the Dockerfile's base names, unless DOCKER_CI_BASE_IMAGE chose another base.
  const pinnedNode = base.how === 'DOCKER_CI_BASE_IMAGE' ? undefined : /^node:(\d+\.\d+\.\d+)-/.exec(pinned)?.[1];
  await containerStep('node version', () => nodeVersionIs(platform, pinnedNode));
  await containerStep('code not writable', () => codeNotWritable(platform));
  await containerStep('spec', () => specMatchesHost(platform));
  await containerStep('check', () => checkGoodAndRefused(platform, '4242:4242'));
  await containerStep('write', () => writeIntegrationMessages(platform, 'write'));
  await containerStep('re-run', () => writeIntegrationMessages(platform, 're-run'));
  await containerStep('docker stop', () => stopDuringWrite(platform, 10));
  await cleanUp();

  console.log(`\n[image] ${image}: ${mb(inspect.Size)} (base ${base.image}: ${mb(baseSize)}, the connector's layers: ${mb(inspect.Size - baseSize)})`);
  console.log(steps.table());
  const loadAtEnd = loadavg();
  console.log(`[image] load average (1 min) at start ${loadAtStart[0]?.toFixed(2)}, at end ${loadAtEnd[0]?.toFixed(2)}`);
  const total = steps.times.reduce((sum, t) => sum + t.seconds, 0);
  const build = steps.times.find((t) => t.step === 'build')?.seconds ?? 0;
  const counts = `${containerSteps - failures.length} of ${containerSteps} container steps passed`;
  console.log(`image: ${image} ${mb(inspect.Size)}, ${counts}, ${total.toFixed(0)} s (build ${build.toFixed(0)} s)${failures.length ? `; FAILED: ${failures.join(', ')}` : ''}`);
  if (failures.length) process.exitCode = 1;
}

try {
  await main();
} catch (error) {
  console.log(`[image] FAILED: ${(error as Error).message}`);
  console.log(steps.table());
  console.log(`image: ${image} not checked; FAILED at ${steps.times.at(-1)?.step ?? 'start'}`);
  process.exitCode = 1;
} finally {
  await cleanUp();
}
