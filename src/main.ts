#!/usr/bin/env -S node --max-semi-space-size=4
// Entry point: wires the real Stripe dependencies, signals and exit codes around runConnector. The shebang's V8 flag (a 4 MiB young generation) keeps peak memory low; the Dockerfile passes the same flag.
import { runConnector } from './run.js';
import { defaultDeps } from './deps.js';

const controller = new AbortController();
let signalled: NodeJS.Signals | undefined;
const onSignal = (signal: NodeJS.Signals): void => {
  if (signalled) process.exit(signal === 'SIGINT' ? 130 : 143);
  signalled = signal;
  process.stderr.write(`destination-stripe: ${signal} received: finishing requests in flight, then stopping\n`);
  controller.abort();
};
process.on('SIGTERM', onSignal);
process.on('SIGINT', onSignal);

const code = await runConnector({
  argv: process.argv.slice(2),
  stdin: process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  deps: defaultDeps(),
  signal: controller.signal,
});
process.exitCode = code;
