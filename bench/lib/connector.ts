// Spawns the built connector CLI (dist/src/main.js) for `write`: feeds generated input with backpressure,
// discards stdout while timing each STATE line, samples the child's peak RSS.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { inputStream, linesStream, type InputOptions } from './input.js';
import { sampleRss } from './rss.js';
import { nodeFlagsOf } from '../../scripts/node-flags.js';

export const cliPath = fileURLToPath(new URL('../../dist/src/main.js', import.meta.url));

export function assertBuilt(): void {
  if (!existsSync(cliPath)) throw new Error(`${cliPath} is missing: run \`npm run build\` first`);
}

export const customersCatalog = {
  streams: [
    {
      stream: { name: 'customers', json_schema: { type: 'object' }, supported_sync_modes: ['full_refresh', 'incremental'] },
      sync_mode: 'incremental',
      destination_sync_mode: 'append',
      primary_key: [['metadata', 'crm_id']],
    },
  ],
};

/** A customers/create config against `url`; `extra` adds or overrides keys (requests_per_second, dry_run...). */
export function customersConfig(url: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    api_key: 'sk_test_emulator',
    api_base_url: url,
    configuration: { mode: 'template', resource_type: 'customers', operation: 'create' },
    ...extra,
  };
}

export interface WriteRun {
  exitCode: number | null;
  /** Spawn to exit, ms. */
  wallMs: number;
  states: number;
  /** ms after spawn at which each STATE line arrived. */
  stateTimes: number[];
  /** stdout lines that were not STATE (logs, traces). */
  otherLines: number;
  peakRssKiB: number;
  /** CPU seconds of the connector process, sampled every 100 ms until it closed stdout. */
  cpuSeconds: number;
  /** The connector's TRACE ERROR messages and its stderr, cut to 2 KiB, for diagnosis. */
  errors: string;
}

export interface WriteOptions {
  config: Record<string, unknown>;
  catalog?: unknown;
  /** Generated customer records, or ready-made lines (without newlines). */
  input: InputOptions | { lines: string[] };
  /** A stream of input lines to feed instead of `input` (generated lazily, for large inputs). */
  inputStream?: import('node:stream').Readable;
  /** Extra node flags, e.g. --cpu-prof. */
  nodeArgs?: string[];
  cwd?: string;
}

export async function runWrite(options: WriteOptions): Promise<WriteRun> {
  assertBuilt();
  const dir = mkdtempSync(join(tmpdir(), 'dst-stripe-bench-'));
  try {
    const configPath = join(dir, 'config.json');
    const catalogPath = join(dir, 'catalog.json');
    writeFileSync(configPath, JSON.stringify(options.config));
    writeFileSync(catalogPath, JSON.stringify(options.catalog ?? customersCatalog));
    const started = performance.now();
    const child = spawn(process.execPath, [...nodeFlagsOf(cliPath), ...(options.nodeArgs ?? []), cliPath, 'write', '--config', configPath, '--catalog', catalogPath], {
      cwd: options.cwd ?? dir,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const rss = sampleRss(child.pid!);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    let errors = '';
    child.stderr!.setEncoding('utf8').on('data', (text: string) => {
      if (errors.length < 2048) errors += text;
    });
    const stateTimes: number[] = [];
    let otherLines = 0;
    const lines = createInterface({ input: child.stdout!, crlfDelay: Infinity });
    const read = (async () => {
      for await (const line of lines) {
        if (line.startsWith('{"type":"STATE"')) stateTimes.push(performance.now() - started);
        else {
          otherLines++;
          if (line.startsWith('{"type":"TRACE"') && line.includes('"ERROR"') && errors.length < 2048) errors += `${line}\n`;
        }
      }
      rss.stop();
    })();
    // A connector that fails early closes stdin: that is reported through exitCode, not thrown here.
    const source = options.inputStream ?? ('lines' in options.input ? linesStream(options.input.lines) : inputStream(options.input));
    const fed = pipeline(source, child.stdin!).catch((error: NodeJS.ErrnoException) => {
      if (error.code !== 'EPIPE' && error.code !== 'ERR_STREAM_PREMATURE_CLOSE') throw error;
    });
    const [exitCode] = await Promise.all([exited, read, fed]);
    const wallMs = performance.now() - started;
    return { exitCode, wallMs, states: stateTimes.length, stateTimes, otherLines, peakRssKiB: rss.stop(), cpuSeconds: rss.cpuSeconds(), errors: errors.slice(0, 2048) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
