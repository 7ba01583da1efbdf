// The built CLI, spawned as the platform runs it: exact stdout, exit codes, nothing protocol-shaped on stderr.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { startEmulator, type Emulator } from '../../integration_tests/emulator/server.js';
import { packagePath } from '../../src/paths.js';
import { connectorSpecification } from '../../src/commands/spec.js';
import { DEFAULT_API_VERSION } from '../../src/stripe/version.js';
import { assertProtocolLines, parseLines } from '../helpers/protocol-schema.js';
import { builtMain, hasBuild, runCli, tempJson } from '../helpers/cli.js';

const KEY = 'sk_test_emulatorE2EsecretKey';
let emulator: Emulator;

beforeAll(async () => {
  if (!hasBuild) throw new Error(`${builtMain} is missing: run \`npm run build\` first (npm test does)`);
  emulator = await startEmulator({ rateLimit: null });
});
afterAll(async () => emulator?.stop());

const config = (patch: Record<string, unknown> = {}) => tempJson('config.json', { api_key: KEY, api_base_url: emulator.url, configuration: { mode: 'template', resource_type: 'customers' }, ...patch });
const noProtocolOnStderr = (stderr: string) => expect(stderr.split('\n').filter((l) => l.startsWith('{"type"'))).toEqual([]);

describe('destination-stripe CLI', () => {
  it('spec prints exactly one SPEC message', async () => {
    const r = await runCli(['spec']);
    expect(r.code).toBe(0);
    assertProtocolLines(r.stdout);
    expect(r.stdout).toBe(JSON.stringify({ type: 'SPEC', spec: connectorSpecification() }) + '\n');
    noProtocolOnStderr(r.stderr);
  });

  it('check with a valid test key succeeds and names the mode', async () => {
    const r = await runCli(['check', '--config', config()]);
    expect(r.code).toBe(0);
    assertProtocolLines(r.stdout);
    const [msg, ...rest] = parseLines(r.stdout);
    expect(rest).toEqual([]);
    expect(msg!.connectionStatus.status).toBe('SUCCEEDED');
    expect(msg!.connectionStatus.message).toContain('test mode');
    expect(msg!.connectionStatus.message).toContain(`Stripe-Version ${DEFAULT_API_VERSION} (the default`);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    noProtocolOnStderr(r.stderr);
  });

  it('check with a live key against a live-mode Stripe says live', async () => {
    const live = await startEmulator({ rateLimit: null, live: true });
    try {
      const path = tempJson('config.json', { api_key: 'sk_live_emulatorLiveKey', api_base_url: live.url, configuration: { mode: 'template', resource_type: 'customers' } });
      const r = await runCli(['check', '--config', path]);
      expect(parseLines(r.stdout)[0]!.connectionStatus).toMatchObject({ status: 'SUCCEEDED' });
      expect(parseLines(r.stdout)[0]!.connectionStatus.message).toContain('live mode');
      expect(r.stdout + r.stderr).not.toContain('sk_live_emulatorLiveKey');
    } finally {
      await live.stop();
    }
  });

  it('check with a key Stripe refuses fails with an actionable message', async () => {
    const r = await runCli(['check', '--config', config({ api_key: 'rk_live_notAcceptedHere' })]);
    expect(r.code).toBe(0);
    const status = parseLines(r.stdout)[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toMatch(/API key was refused|401/);
    expect(r.stdout + r.stderr).not.toContain('rk_live_notAcceptedHere');
  });

  it('check with a wrong base URL fails saying Stripe cannot be reached', async () => {
    const r = await runCli(['check', '--config', config({ api_base_url: 'http://127.0.0.1:1' })]);
    expect(r.code).toBe(0);
    const status = parseLines(r.stdout)[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('Cannot reach Stripe at http://127.0.0.1:1');
  });

  it('check with an invalid config fails naming the field, exit 0', async () => {
    const r = await runCli(['check', '--config', packagePath('integration_tests', 'invalid_config.json')]);
    expect(r.code).toBe(0);
    assertProtocolLines(r.stdout);
    const status = parseLines(r.stdout)[0]!.connectionStatus;
    expect(status.status).toBe('FAILED');
    expect(status.message).toContain('api_key: this is a publishable key');
    expect(r.stdout).not.toContain('pk_test_publishable_keys_cannot_write');
    noProtocolOnStderr(r.stderr);
  });

  it('check with an unreadable config file fails, exit 0', async () => {
    const r = await runCli(['check', '--config', tempJson('config.json', '{"api_key": "sk_test_x",')]);
    expect(r.code).toBe(0);
    expect(parseLines(r.stdout)[0]!.connectionStatus).toMatchObject({ status: 'FAILED' });
    expect(parseLines(r.stdout)[0]!.connectionStatus.message).toContain('is not valid JSON');
    expect(r.stdout).not.toContain('sk_test_x');
  });

  it('a usage error prints what is wrong on stderr and exits non-zero', async () => {
    const r = await runCli(['write', '--config', 'x.json']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('write needs --catalog <file>');
  });

  it('discover prints a valid DESTINATION_CATALOG', async () => {
    const r = await runCli(['discover', '--config', config()]);
    expect(r.code).toBe(0);
    assertProtocolLines(r.stdout);
    const [msg] = parseLines(r.stdout);
    expect(msg!.type).toBe('DESTINATION_CATALOG');
    expect(msg!.destination_catalog.operations.length).toBeGreaterThan(20);
  });

  it('write of integration_tests/messages.jsonl returns every state and creates each valid customer', async () => {
    emulator.reset();
    const input = readFileSync(packagePath('integration_tests', 'messages.jsonl'), 'utf8');
    const r = await runCli(['write', '--config', config(), '--catalog', packagePath('integration_tests', 'configured_catalog.json')], { input });
    expect(r.code, r.stdout + r.stderr).toBe(0);
    assertProtocolLines(r.stdout);
    const states = parseLines(r.stdout).filter((m) => m.type === 'STATE');
    expect(states).toHaveLength(3);
    expect(states.map((s) => s.state.destinationStats)).toEqual([
      { recordCount: 3, rejectedRecordCount: 0 },
      { recordCount: 3, rejectedRecordCount: 0 },
      { recordCount: 1, rejectedRecordCount: 1 },
    ]);
    expect(emulator.count('customers')).toBe(6);
    expect(r.stdout + r.stderr).not.toContain(KEY);
    noProtocolOnStderr(r.stderr);
  });
});
