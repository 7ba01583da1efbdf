// `npm run demo`: runs spec, check and two syncs of demo/ against a local Stripe emulator (or a real sandbox with STRIPE_API_KEY).
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type Emulator } from '../integration_tests/emulator/server.js';
import { startS3Server, type S3TestServer } from '../test/helpers/s3-server.js';
import { packagePath } from '../src/paths.js';

const realKey = process.env.STRIPE_API_KEY;
if (realKey && !/^(sk|rk)_test_/.test(realKey)) {
  console.error('STRIPE_API_KEY must be a test-mode key (sk_test_... or rk_test_...): the demo writes sample data.');
  process.exit(2);
}
const main = packagePath('dist', 'src', 'main.js');
const bold = (s: string): string => (process.stdout.isTTY ? `\x1b[1m${s}\x1b[0m` : s);

// The temporary folder holds the config, and so STRIPE_API_KEY when one is set: it goes on every way out.
const dir = mkdtempSync(join(tmpdir(), 'destination-stripe-demo-'));
let emulator: Emulator | undefined;
let s3: S3TestServer | undefined;
let cleaned = false;
function cleanUp(): void {
  if (cleaned) return;
  cleaned = true;
  rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanUp);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    cleanUp();
    process.exit(signal === 'SIGINT' ? 130 : 143);
  });
}

/** Runs one connector command, prints its protocol messages in a readable form, and answers its exit code and messages. */
async function connector(title: string, args: string[], input?: string): Promise<{ code: number | null; messages: Array<Record<string, any>> }> {
  console.log(bold(`$ destination-stripe ${args.join(' ')}`) + `   # ${title}`);
  const child = spawn(process.execPath, [main, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  child.stdin.on('error', () => undefined);
  child.stdin.end(input ?? '');
  const messages: Array<Record<string, any>> = [];
  let buffer = '';
  child.stdout.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('utf8');
    let nl;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      const message = JSON.parse(buffer.slice(0, nl)) as Record<string, any>;
      messages.push(message);
      show(message);
      buffer = buffer.slice(nl + 1);
    }
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  console.log(`  (exit code ${code})\n`);
  return { code, messages };
}

function show(m: Record<string, any>): void {
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

try {
  if (!realKey) emulator = await startEmulator({ rateLimit: 25 });
  // With the emulator, a local S3-compatible server (s3rver) keeps the refused records: the rejected-records store.
  if (emulator) s3 = await startS3Server('demo-rejected');
  const configPath = join(dir, 'config.json');
  const config = {
    api_key: realKey ?? 'sk_test_emulator',
    // DEMO_API_BASE_URL sends a STRIPE_API_KEY demo to another Stripe-compatible base URL (a proxy, your own emulator).
    ...(emulator ? { api_base_url: emulator.url } : process.env.DEMO_API_BASE_URL ? { api_base_url: process.env.DEMO_API_BASE_URL } : {}),
    configuration: { mode: 'template', resource_type: 'customers', operation: 'create' },
    on_record_error: 'skip',
    ...(s3 ? { rejected_records: s3.settings({ path_prefix: 'rejected/' }) } : {}),
    stream_settings: [
      // The second sync's prices name their product by its tier (metadata[tier] of the first sync's plans), not by id.
      { stream: 'plan_prices', references: { product: { resource: 'products', matching_key: 'tier' } } },
      // crm_contacts arrives as flat warehouse rows: renamed into Stripe paths, other columns kept as metadata.
      {
        stream: 'crm_contacts',
        fields: { full_name: 'name', city: 'address.city', country: 'address.country', crm_id: 'metadata.crm_id' },
        unmapped_fields: 'metadata',
      },
    ],
  };
  writeFileSync(configPath, JSON.stringify(config, null, 2), { mode: 0o600 });
  console.log(bold(emulator ? `A local Stripe emulator is listening on ${emulator.url} (test mode, 25 requests/s like a Stripe sandbox).` : 'Using your Stripe sandbox (STRIPE_API_KEY).'));
  if (s3) console.log(bold(`A local S3-compatible server (s3rver) on ${s3.url} keeps refused records in s3://${s3.bucket}/rejected/ (rejected_records).`));
  console.log(`Config: ${configPath} (template mode; each stream picks its Stripe object in the catalog; removed when the demo ends)\n`);

  const read = (name: string): string => readFileSync(packagePath('demo', name), 'utf8');
  await connector('what the connector can be configured with', ['spec']);
  const check = await connector('is the key good, which mode?', ['check', '--config', configPath]);
  const status = check.messages.find((m) => m.type === 'CONNECTION_STATUS')?.connectionStatus;
  if (status?.status !== 'SUCCEEDED') {
    console.error(bold('CHECK FAILED: the demo stops here, before any sync.'));
    console.error(`  ${status?.message ?? `check printed no status (exit code ${check.code})`}`);
    console.error(realKey ? '  Is STRIPE_API_KEY a valid test-mode key of your account, and can this machine reach Stripe?' : '  The local emulator did not answer as expected.');
    process.exitCode = 1;
  } else {
    await connector('first sync: flat CRM contact rows → customers (renamed, extra columns as metadata), plans → products (upsert by id), with 3 bad rows', ['write', '--config', configPath, '--catalog', packagePath('demo', 'first-catalog.json')], read('first-sync.jsonl'));
    if (s3) await showStore(s3, 'The refused rows of the first sync, read back from the store (as `aws s3 cp ... - | gunzip | jq` would):');
    await connector('second sync: prices for those products, each naming its product by tier (a reference), with 1 bad row', ['write', '--config', configPath, '--catalog', packagePath('demo', 'second-catalog.json')], read('second-sync.jsonl'));
    if (s3) {
      await connector('a sync with one of the refused rows fixed at the source (C-1009 no longer fills address.city twice): it supersedes the stored copy, and the other stored rows are checked again', ['write', '--config', configPath, '--catalog', packagePath('demo', 'first-catalog.json')], read('fixed-row.jsonl'));
      await showStore(s3, 'The store after that sync (C-1009 is gone; the others were refused again, attempt 2):');
    }
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
    } else {
      console.log('Open the Stripe dashboard (test mode) to see the customers, products and prices the demo created.');
    }
  }
} finally {
  await emulator?.stop();
  await s3?.close();
  cleanUp();
}

async function showStore(store: S3TestServer, title: string): Promise<void> {
  console.log(bold(title));
  for (const key of await store.list('rejected/')) console.log(`  s3://${store.bucket}/${key}`);
  for (const line of await store.lines('rejected/')) {
    console.log(`    ${line.stream} ${JSON.stringify(line.primary_key)}: ${line.reason_code}${line.field ? ` on ${line.field}` : ''}, retryable ${line.retryable}, attempt ${line.attempt}`);
  }
  console.log('');
}
