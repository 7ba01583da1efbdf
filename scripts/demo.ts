// `npm run demo`: runs spec, check and two syncs of demo/ against a local Stripe emulator (or a real sandbox with STRIPE_API_KEY).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../integration_tests/emulator/server.js';
import { packagePath } from '../src/paths.js';

const realKey = process.env.STRIPE_API_KEY;
if (realKey && !/^(sk|rk)_test_/.test(realKey)) {
  console.error('STRIPE_API_KEY must be a test-mode key (sk_test_... or rk_test_...): the demo writes sample data.');
  process.exit(2);
}
const main = packagePath('dist', 'src', 'main.js');
const dir = mkdtempSync(join(tmpdir(), 'destination-stripe-demo-'));
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

let emulator: Emulator | undefined;
if (!realKey) emulator = await startEmulator({ rateLimit: 25 });
const configPath = join(dir, 'config.json');
const config = {
  api_key: realKey ?? 'sk_test_emulator',
  ...(emulator ? { api_base_url: emulator.url } : {}),
  configuration: { mode: 'template', resource_type: 'customers', operation: 'create' },
  on_record_error: 'skip',
};
writeFileSync(configPath, JSON.stringify(config, null, 2));
console.log(bold(emulator ? `A local Stripe emulator is listening on ${emulator.url} (test mode, 25 requests/s like a Stripe sandbox).` : 'Using your Stripe sandbox (STRIPE_API_KEY).'));
console.log(`Config: ${configPath} (template mode; each stream picks its Stripe object in the catalog)\n`);

/** Runs one connector command and prints its protocol messages in a readable form. */
async function connector(title: string, args: string[], input?: string): Promise<void> {
  console.log(bold(`$ destination-stripe ${args.join(' ')}`) + `   # ${title}`);
  const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.end(input ?? '');
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      show(buffer.slice(0, nl));
      buffer = buffer.slice(nl + 1);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  console.log(`  (exit code ${code})\n`);
}

function show(line: string): void {
  const m = JSON.parse(line) as Record<string, any>;
  switch (m.type) {
    case 'SPEC':
      console.log(`  SPEC: ${Object.keys(m.spec.connectionSpecification.properties).length} settings, sync modes ${m.spec.supported_destination_sync_modes.join(', ')}`);
      break;
    case 'CONNECTION_STATUS':
      console.log(`  CHECK ${m.connectionStatus.status}: ${m.connectionStatus.message}`);
      break;
    case 'STATE': {
      const s = m.state;
      console.log(`  STATE ${s.stream?.stream_descriptor?.name ?? s.type}: ${s.destinationStats.recordCount} records, ${s.destinationStats.rejectedRecordCount} rejected`);
      break;
    }
    case 'LOG':
      console.log(`  ${m.log.level.padEnd(5)} ${m.log.message}`);
      break;
    case 'TRACE':
      console.log(`  TRACE ${m.trace.type}: ${m.trace.error?.message ?? ''}`);
      break;
    default:
      console.log(`  ${m.type}`);
  }
}

const read = (name: string): string => readFileSync(packagePath('demo', name), 'utf8');
await connector('what the connector can be configured with', ['spec']);
await connector('is the key good, which mode?', ['check', '--config', configPath]);
await connector('first sync: CRM contacts → customers, plans → products (upsert by id), with 3 bad rows', ['write', '--config', configPath, '--catalog', packagePath('demo', 'first-catalog.json')], read('first-sync.jsonl'));
await connector('second sync: prices for those products, with 1 bad row', ['write', '--config', configPath, '--catalog', packagePath('demo', 'second-catalog.json')], read('second-sync.jsonl'));
await connector('the first sync again: idempotency keys make the re-run create nothing new', ['write', '--config', configPath, '--catalog', packagePath('demo', 'first-catalog.json')], read('first-sync.jsonl'));

if (emulator) {
  console.log(bold('What landed in the emulated Stripe:'));
  for (const resource of ['customers', 'products', 'prices']) {
    const objects = emulator.objects(resource);
    console.log(`  ${resource}: ${objects.length}`);
    for (const o of objects.slice(0, 3)) console.log(`    ${o.id}  ${String(o.email ?? o.name ?? o.nickname ?? '')}`);
  }
  const replayed = emulator.requestLog().filter((r) => r.replayed).length;
  console.log(`  requests answered from Stripe's idempotency store on the re-run: ${replayed}`);
  await emulator.stop();
} else {
  console.log('Open the Stripe dashboard (test mode) to see the customers, products and prices the demo created.');
}
