// Spawns the built CLI writing numbered customers to an emulator, optionally signalling it once a condition holds.
import type { ChildProcess } from 'node:child_process';
import type { Emulator } from '../emulator/server.js';
import { runCli, tempJson, type CliResult } from '../../test/helpers/cli.js';
import { catalogOf, recordLine, stateLine } from '../../test/helpers/write-run.js';

export const KEY = 'sk_test_emulatorReliability';

/** `count` customers keyed by metadata.seq, with a STATE (cursor = records so far) after every `stateEvery`. */
export function customerInput(count: number, stateEvery: number): string {
  const lines: string[] = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify(recordLine('crm', { email: `seq${i}@example.com`, metadata: { seq: String(i) } })));
    if ((i + 1) % stateEvery === 0 || i === count - 1) lines.push(JSON.stringify(stateLine('crm', i + 1)));
  }
  return lines.join('\n') + '\n';
}

export function writeFiles(emulator: Emulator, config: Record<string, unknown> = {}): { configPath: string; catalogPath: string } {
  return {
    configPath: tempJson('config.json', {
      api_key: KEY,
      api_base_url: emulator.url,
      configuration: { mode: 'template', resource_type: 'customers' },
      requests_per_second: 400,
      max_concurrency: 8,
      ...config,
    }),
    catalogPath: tempJson('catalog.json', catalogOf([{ name: 'crm', primary_key: [['metadata', 'seq']] }])),
  };
}

/**
 * Runs `write`; when `signalWhen` is given, polls it every few ms and sends `signal` the first time it holds.
 * Resolves with the CLI's result and whether the signal was sent.
 */
export async function spawnWrite(options: {
  emulator: Emulator;
  input: string;
  config?: Record<string, unknown>;
  signal?: NodeJS.Signals;
  signalWhen?: () => boolean;
  timeoutMs?: number;
}): Promise<CliResult & { signalled: boolean }> {
  const { configPath, catalogPath } = writeFiles(options.emulator, options.config);
  let child: ChildProcess | undefined;
  let signalled = false;
  const poll = options.signalWhen
    ? setInterval(() => {
        if (!signalled && child && options.signalWhen!()) {
          signalled = true;
          child.kill(options.signal ?? 'SIGKILL');
        }
      }, 2)
    : undefined;
  try {
    const result = await runCli(['write', '--config', configPath, '--catalog', catalogPath], {
      input: options.input,
      timeoutMs: options.timeoutMs ?? 90_000,
      onSpawn: (c) => (child = c),
    });
    return { ...result, signalled };
  } finally {
    if (poll) clearInterval(poll);
  }
}

/** Customers per metadata.seq value; every value should map to exactly one object. */
export function customersBySeq(emulator: Emulator): Map<string, number> {
  const seen = new Map<string, number>();
  for (const c of emulator.objects('customers')) {
    const seq = (c.metadata as Record<string, string> | undefined)?.seq;
    if (seq !== undefined) seen.set(seq, (seen.get(seq) ?? 0) + 1);
  }
  return seen;
}
