// The layering rule (.dependency-cruiser.cjs) holds on this tree, and the checker refuses what it should:
// an import running up the floors, an import circle in the emulator, shipped code importing a test.
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { packagePath } from '../../src/paths.js';

const run = promisify(execFile);
const CONFIG = packagePath('.dependency-cruiser.cjs');
const CLI = packagePath('node_modules', 'dependency-cruiser', 'bin', 'dependency-cruise.mjs');

interface Violation {
  from: string;
  to: string;
  rule: { name: string };
  cycle?: Array<{ name: string }>;
}

/** Runs dependency-cruiser with the project's rules in `cwd` and returns the violations it reports. */
async function cruise(cwd: string, targets: string[]): Promise<Violation[]> {
  // `--output-type json` exits 0 whatever it finds; the verdict is read from the summary.
  const { stdout } = await run(process.execPath, [CLI, ...targets, '--config', CONFIG, '--output-type', 'json'], { cwd, maxBuffer: 64 * 1024 * 1024 });
  const report = JSON.parse(stdout) as { summary: { violations: Violation[]; totalCruised: number } };
  expect(report.summary.totalCruised).toBeGreaterThan(0);
  return report.summary.violations;
}

/** A throwaway tree shaped like this repository: files given by path, plus a tsconfig like ours. */
function fixture(files: Record<string, string>): string {
  const root = mkdtempSync(join(tmpdir(), 'layers-'));
  const all: Record<string, string> = {
    'tsconfig.json': JSON.stringify({ compilerOptions: { module: 'NodeNext', moduleResolution: 'NodeNext', strict: true }, include: ['src', 'integration_tests'] }),
    ...files,
  };
  for (const [path, text] of Object.entries(all)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), text);
  }
  return root;
}

const summary = (violations: Violation[]): string[] => violations.map((v) => `${v.rule.name}: ${v.from} → ${v.to}`).sort();

describe('layering', () => {
  it('src/ and the emulator keep every rule', { timeout: 120_000 }, async () => {
    const violations = await cruise(packagePath(), ['src', 'integration_tests/emulator']);
    expect(summary(violations)).toEqual([]);
  });

  it('refuses an import running up the floors, type-only imports included, and allows the same import downwards', { timeout: 60_000 }, async () => {
    const root = fixture({
      'src/core/rejection.ts': "import type { Sink } from '../pipeline/sink.js';\nexport type Rejection = { code: string; sink?: Sink };\n",
      'src/pipeline/sink.ts': "export interface Sink { write(): void }\n",
      'src/mapping/template.ts': "import { helper } from '../pipeline/helper.js';\nexport const mapped = helper();\n",
      'src/pipeline/helper.ts': "export const helper = (): number => 1;\n",
      'src/pipeline/uses-core.ts': "import type { Rejection } from '../core/rejection.js';\nexport const none: Rejection[] = [];\n",
    });
    expect(summary(await cruise(root, ['src']))).toEqual([
      'no-upward-import-from-foundation: src/core/rejection.ts → src/pipeline/sink.ts',
      'no-upward-import-from-mapping: src/mapping/template.ts → src/pipeline/helper.ts',
    ]);
  });

  it('refuses an import circle in the emulator, naming its modules', { timeout: 60_000 }, async () => {
    const root = fixture({
      'integration_tests/emulator/faults.ts': "import type { Settings } from './types.js';\nexport const seedOf = (s: Settings): number => s.seed;\n",
      'integration_tests/emulator/types.ts': "import type { Latency } from './latency.js';\nexport interface Settings { seed: number; latency?: Latency }\n",
      'integration_tests/emulator/latency.ts': "import { seedOf } from './faults.js';\nexport interface Latency { ms: number }\nexport const first = seedOf;\n",
      'integration_tests/emulator/server.ts': "import { first } from './latency.js';\nexport const go = first;\n",
    });
    const violations = await cruise(root, ['integration_tests/emulator']);
    expect(violations.length).toBeGreaterThan(0);
    expect(new Set(violations.map((v) => v.rule.name))).toEqual(new Set(['no-circular']));
    const inCircle = new Set(violations.flatMap((v) => [v.from, ...(v.cycle ?? []).map((c) => c.name)]));
    expect([...inCircle].sort()).toEqual(['integration_tests/emulator/faults.ts', 'integration_tests/emulator/latency.ts', 'integration_tests/emulator/types.ts']);
  });

  it('refuses shipped code that imports a test helper', { timeout: 60_000 }, async () => {
    const root = fixture({
      'src/stripe/client.ts': "import { seed } from '../../test/helpers/seed.js';\nexport const s = seed;\n",
      'test/helpers/seed.ts': 'export const seed = 1;\n',
    });
    expect(summary(await cruise(root, ['src']))).toEqual(['src-stands-alone: src/stripe/client.ts → test/helpers/seed.ts']);
  });
});
