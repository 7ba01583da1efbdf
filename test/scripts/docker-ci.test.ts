// The image check's own logic, without an engine: the verdict on a stopped write, protocol parsing, the base and mirror it picks.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';
import { debianMirror, dockerfileBaseImage, standInFor } from '../../scripts/docker-ci/base-image.js';
import { platformFlags } from '../../scripts/docker-ci/platform-runs.js';
import { Steps } from '../../scripts/docker-ci/shell.js';
import { batchedInput, builtImageIds, protocolMessages, stateCursors, stopProblems } from '../../scripts/docker-ci/verdicts.js';

describe('stopProblems', () => {
  const { ids } = batchedInput('customers', 5, 3);
  const storedUpTo = (n: number): Set<string> => new Set(ids.flat().slice(0, n));

  it('accepts exit 143 or 0 with every fully stored batch released and nothing more', () => {
    expect(stopProblems({ exitCode: 143, cursors: ['batch-1', 'batch-2'], stored: storedUpTo(7), batches: ids })).toEqual([]);
    expect(stopProblems({ exitCode: 0, cursors: ['batch-1', 'batch-2'], stored: storedUpTo(6), batches: ids })).toEqual([]);
  });

  it('refuses a SIGKILL (137), naming the stop timeout', () => {
    expect(stopProblems({ exitCode: 137, cursors: ['batch-1'], stored: storedUpTo(4), batches: ids })).toEqual([
      'exit code 137 (SIGKILL: the container did not end within the stop timeout), expected 0 or 143',
    ]);
  });

  it('refuses a state released before its records were stored, and a stored batch whose state never came', () => {
    expect(stopProblems({ exitCode: 143, cursors: ['batch-1', 'batch-2'], stored: storedUpTo(5), batches: ids })).toEqual([
      "state batch-2 was emitted, but batch 2's records are not all stored",
    ]);
    expect(stopProblems({ exitCode: 143, cursors: ['batch-1'], stored: storedUpTo(9), batches: ids })).toEqual([
      'batches 1-3 are stored, but the last state emitted is batch-1',
    ]);
  });

  it('counts a batch as stored only when every record of it is, whatever the order they landed in', () => {
    const stored = new Set([...ids[0]!, ids[1]![0]!, ids[1]![2]!, ...ids[2]!]);
    expect(stopProblems({ exitCode: 143, cursors: ['batch-1'], stored, batches: ids })).toEqual([]);
  });

  it('says when the stop came too late to interrupt anything, or no state came at all', () => {
    const all = ['batch-1', 'batch-2', 'batch-3', 'batch-4', 'batch-5'];
    expect(stopProblems({ exitCode: 0, cursors: all, stored: storedUpTo(15), batches: ids })).toEqual([
      'every batch was stored before the stop took effect: the write was not interrupted (make it longer)',
    ]);
    expect(stopProblems({ exitCode: 143, cursors: [], stored: storedUpTo(0), batches: ids })).toEqual(['no state was emitted']);
  });
});

describe('protocol parsing', () => {
  it('keeps JSON lines with a type and reads state cursors in order', () => {
    const { lines } = batchedInput('customers', 2, 1);
    const stdout = ['not json', '{"broken', '{"no":"type"}', ...lines, ''].join('\n');
    const messages = protocolMessages(stdout);
    expect(messages.map((m) => m.type)).toEqual(['RECORD', 'STATE', 'RECORD', 'STATE']);
    expect(stateCursors(messages)).toEqual(['batch-1', 'batch-2']);
  });
});

describe('builtImageIds', () => {
  it("lists each step's resulting image once, in order, without the FROM bases or the build containers", () => {
    const log = [
      'Sending build context to Docker daemon  1.2MB',
      'Step 1/6 : ARG NODE_IMAGE=node:20',
      'Step 2/6 : FROM ${NODE_IMAGE} AS build',
      ' ---> 4c741b0e34e3',
      'Step 3/6 : WORKDIR /build',
      ' ---> Using cache',
      ' ---> 06e3f9590ecb',
      'Step 4/6 : RUN npm run build',
      ' ---> Running in c0d385c6211b',
      'Removing intermediate container c0d385c6211b',
      ' ---> fe0adffbbccc',
      'Step 5/6 : FROM ${NODE_IMAGE} AS runtime',
      ' ---> 4c741b0e34e3',
      'Step 6/6 : COPY --from=build /build /airbyte',
      ' ---> 06e3f9590ecb',
      'Successfully built 06e3f9590ecb',
    ].join('\n');
    expect(builtImageIds(log)).toEqual(['06e3f9590ecb', 'fe0adffbbccc']);
  });
});

describe('base image and mirror', () => {
  it("reads the Dockerfile's pinned NODE_IMAGE default", () => {
    expect(dockerfileBaseImage(readFileSync(packagePath('Dockerfile'), 'utf8'))).toMatch(/^node:26\.\d+\.\d+-trixie-slim@sha256:[0-9a-f]{64}$/);
    expect(() => dockerfileBaseImage('FROM node:20\n')).toThrow(/ARG NODE_IMAGE/);
  });

  it("derives the stand-in from the pinned base: its Node release and Debian suite name the tag and the cached root filesystem", () => {
    const digest = `@sha256:${'0'.repeat(64)}`;
    expect(standInFor(`node:26.10.0-trixie-slim${digest}`)).toEqual({
      node: '26.10.0',
      npm: '11.19.1',
      suite: 'trixie',
      tag: 'destination-stripe-ci/node:26.10.0-trixie-slim-standin',
      tar: 'node-26.10.0-npm-11.19.1-trixie-minbase-r2.tar',
    });
    // The next move of the base is its one line: another release or suite gives another stand-in.
    expect(standInFor('node:26.12.1-forky-slim').tag).toBe('destination-stripe-ci/node:26.12.1-forky-slim-standin');
    const pinned = standInFor(dockerfileBaseImage(readFileSync(packagePath('Dockerfile'), 'utf8')));
    expect(pinned.tag).toBe(`destination-stripe-ci/node:${pinned.node}-trixie-slim-standin`);
  });

  it('refuses a base it cannot make a stand-in for, naming the line', () => {
    expect(() => standInFor('node:26-trixie-slim@sha256:' + '0'.repeat(64))).toThrow(/NODE_IMAGE=node:26-trixie-slim.*node:<x\.y\.z>-<debian suite>-slim/);
    expect(() => standInFor('node:26.10.0-alpine')).toThrow(/node:<x\.y\.z>-<debian suite>-slim/);
    expect(() => standInFor('node:27.0.0-trixie-slim')).toThrow(/no npm known for a Node 27 stand-in/);
  });

  it("takes the suite's main mirror from deb822 or one-line apt sources, skipping other suites", () => {
    const deb822 = [
      'Types: deb\nURIs: http://mirror.invalid/debian-security\nSuites: bookworm-security\nComponents: main',
      'Types: deb\nURIs: http://mirror.invalid/debian\nSuites: bookworm bookworm-updates\nComponents: main',
    ].join('\n\n');
    expect(debianMirror([deb822], 'bookworm')).toBe('http://mirror.invalid/debian');
    expect(debianMirror(['deb [arch=amd64] http://other.invalid/debian bookworm main contrib\n'], 'bookworm')).toBe('http://other.invalid/debian');
    expect(debianMirror(['deb http://other.invalid/debian trixie main\n'], 'bookworm')).toBeUndefined();
  });
});

describe('platform flags and step times', () => {
  it('runs every container read-only, without capabilities, as the given uid, on the host network', () => {
    expect(platformFlags('10001:10001').join(' ')).toBe('--rm --network host --read-only --cap-drop ALL --security-opt no-new-privileges --user 10001:10001');
  });

  it('tables each step with its outcome and a total', async () => {
    const printed: string[] = [];
    const steps = new Steps((line) => printed.push(line));
    await steps.step('one', () => 1);
    await expect(steps.step('two', () => Promise.reject(new Error('broke\nmore')))).rejects.toThrow('broke');
    steps.skip('three', 'not needed');
    expect(printed).toEqual([
      '[image] one ...', expect.stringMatching(/^\[image\] one: ok \(\d+\.\d s\)$/),
      '[image] two ...', expect.stringMatching(/^\[image\] two: FAILED/),
      '[image] three: skipped (not needed)',
    ]);
    const table = steps.table().split('\n');
    expect(table).toHaveLength(4);
    expect(table[1]).toMatch(/^two\s+\d+\.\d s {2}failed: broke$/);
    expect(table[2]).toMatch(/^three\s+0\.0 s {2}skipped: not needed$/);
    expect(table[3]).toMatch(/^total\s+\d+\.\d s$/);
  });
});
