// Runs the bad-input corpus (cases.yaml) through the built CLI: right exit code and message, no stack trace, no hang, valid protocol.
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { startEmulator, type Emulator } from '../emulator/server.js';
import { packagePath } from '../../src/paths.js';
import { builtMain, hasBuild, runCli, tempJson } from '../../test/helpers/cli.js';
import { assertProtocolLines, parseLines } from '../../test/helpers/protocol-schema.js';
import { catalogOf } from '../../test/helpers/write-run.js';

interface BadInputCase {
  name: string;
  command?: 'write' | 'check' | 'discover';
  config?: Record<string, unknown>;
  config_text?: string;
  catalog?: unknown;
  catalog_text?: string;
  stdin?: Array<string | object>;
  stdin_base64?: string;
  generate?: 'big_field' | 'huge_line' | 'deep_data';
  expect: { code: number; message: string; names: string };
}

const KEY = 'sk_test_emulatorBadInputs';
const CASE_TIMEOUT_MS = 25_000;
const cases = (parse(readFileSync(packagePath('integration_tests', 'bad_inputs', 'cases.yaml'), 'utf8')) as { cases: BadInputCase[] }).cases;

let emulator: Emulator;
beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first`);
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());

function configFor(c: BadInputCase): string {
  if (c.config_text !== undefined) return tempJson('config.json', c.config_text);
  const config: Record<string, unknown> = { api_key: KEY, api_base_url: emulator.url, configuration: { mode: 'template', resource_type: 'customers' }, requests_per_second: 1000 };
  for (const [key, value] of Object.entries(c.config ?? {})) {
    if (value === null) delete config[key];
    else config[key] = value;
  }
  return tempJson('config.json', config);
}

const record = (data: unknown) => JSON.stringify({ type: 'RECORD', record: { stream: 'crm', data, emitted_at: 1 } });
const legacyState = JSON.stringify({ type: 'STATE', state: { type: 'LEGACY', data: { c: 1 } } });

function stdinFor(c: BadInputCase): string | Buffer {
  if (c.stdin_base64 !== undefined) return Buffer.from(c.stdin_base64, 'base64');
  switch (c.generate) {
    case 'big_field':
      return `${record({ email: 'big@example.com', description: 'x'.repeat(2 * 1024 * 1024) })}\n${legacyState}\n`;
    case 'huge_line':
      return `{"type":"RECORD","record":{"stream":"crm","data":{"description":"${'y'.repeat(64 * 1024 * 1024)}"}}}\n${legacyState}\n`;
    case 'deep_data': {
      const depth = 100_000;
      return `{"type":"RECORD","record":{"stream":"crm","emitted_at":1,"data":${'{"metadata":'.repeat(depth)}1${'}'.repeat(depth)}}}\n${legacyState}\n`;
    }
    default:
      return (c.stdin ?? []).map((line) => (typeof line === 'string' ? line : JSON.stringify(line)) + '\n').join('');
  }
}

/** The text of each message of the expected kind ("TRACE config_error", "LOG WARN", "CONNECTION_STATUS FAILED", "STATE"). */
function textsOf(messages: Array<Record<string, any>>, kind: string): string[] {
  const [type, detail] = kind.split(' ');
  return messages
    .filter((m) => m.type === type)
    .filter((m) => {
      if (type === 'TRACE') return m.trace.type === 'ERROR' && m.trace.error.failure_type === detail;
      if (type === 'LOG') return m.log.level === detail;
      if (type === 'CONNECTION_STATUS') return m.connectionStatus.status === detail;
      return true;
    })
    .map((m) => (type === 'TRACE' ? m.trace.error.message : type === 'LOG' ? m.log.message : type === 'CONNECTION_STATUS' ? m.connectionStatus.message : JSON.stringify(m)) as string);
}

describe('bad-input corpus', () => {
  it('has at least 40 cases with unique names', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
  });

  it.each(cases.map((c) => [c.name, c] as const))('%s', { timeout: CASE_TIMEOUT_MS + 15_000 }, async (_name, c) => {
    const command = c.command ?? 'write';
    const args = [command, '--config', configFor(c)];
    if (command === 'write') args.push('--catalog', c.catalog_text !== undefined ? tempJson('catalog.json', c.catalog_text) : tempJson('catalog.json', c.catalog ?? catalogOf([{ name: 'crm' }])));
    const input = command === 'write' ? stdinFor(c) : '';
    const r = await runCli(args, { input: input as string, timeoutMs: CASE_TIMEOUT_MS });
    const shown = `exit ${r.code} ${r.signal ?? ''}\n${r.stdout.slice(0, 3000)}\n${r.stderr.slice(0, 1000)}`;
    expect(r.signal, `no hang: ${shown}`).toBeNull();
    expect(r.code, shown).toBe(c.expect.code);
    expect(r.stdout + r.stderr, 'no stack trace').not.toMatch(/^ {4}at /m);
    assertProtocolLines(r.stdout);
    const texts = textsOf(parseLines(r.stdout), c.expect.message);
    expect(texts.some((t) => t.includes(c.expect.names)), `a ${c.expect.message} naming "${c.expect.names}" in:\n${shown}`).toBe(true);
    expect(r.stdout + r.stderr).not.toContain(KEY);
  });
});
