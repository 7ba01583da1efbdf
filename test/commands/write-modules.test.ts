// What `write` loads at start-up: the webhook's HTTP client (got) only when a webhook is configured, and never
// Node's bundled undici (an ES import of node:http would pull it in: about 10 MiB of resident memory per run).
import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtMain, hasBuild, runCli, tempJson } from '../helpers/cli.js';
import { catalogOf } from '../helpers/write-run.js';

/** A preload that prints, at exit, one line naming the builtins and package files the process loaded. */
function preload(): string {
  const path = tempJson('modules.mjs', '');
  writeFileSync(
    path,
    `import { registerHooks } from 'node:module';
const urls = [];
registerHooks({ load(url, context, next) { urls.push(url); return next(url, context); } });
process.on('exit', () => process.stderr.write('LOADED ' + JSON.stringify({ builtins: process.moduleLoadList, urls }) + '\\n'));
`,
  );
  return path;
}

async function loadedBy(config: Record<string, unknown>): Promise<{ undici: boolean; got: boolean; exitCode: number | null }> {
  const result = await runCli(['write', '--config', tempJson('config.json', config), '--catalog', tempJson('catalog.json', catalogOf([{ name: 'customers' }]))], {
    env: { NODE_OPTIONS: `--import ${preload()}` },
  });
  const line = result.stderr.split('\n').find((l) => l.startsWith('LOADED '));
  if (!line) throw new Error(`no module list in stderr: ${result.stderr.slice(0, 500)}`);
  const { builtins, urls } = JSON.parse(line.slice('LOADED '.length)) as { builtins: string[]; urls: string[] };
  return { undici: builtins.some((m) => m.includes('undici')), got: urls.some((u) => u.includes('/node_modules/got/')), exitCode: result.code };
}

const base = { api_key: 'sk_test_emulator', api_base_url: 'http://127.0.0.1:9', configuration: { mode: 'template', resource_type: 'customers', operation: 'create' } };

describe.skipIf(!hasBuild)(`write's start-up modules (${builtMain})`, () => {
  it('loads neither got nor undici without a response webhook', async () => {
    expect(await loadedBy(base)).toEqual({ undici: false, got: false, exitCode: 0 });
  });

  it('loads got once a response webhook is configured', async () => {
    const loaded = await loadedBy({ ...base, response_webhook: { url: 'http://127.0.0.1:9/hook' } });
    expect(loaded.got).toBe(true);
    expect(loaded.exitCode).toBe(0);
  });
});
