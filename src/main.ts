#!/usr/bin/env -S node --max-semi-space-size=4 --heap-growing-percent=50 --no-concurrent-recompilation
// Entry point: wires the real Stripe dependencies, signals and exit codes around runConnector. The shebang's V8 flags (a 4 MiB young generation; the old generation grows by half its live size before a full collection, not up to 4x; optimising compiles on the main thread, whose malloc arena reuses the compiler's memory, instead of a background thread's arena that keeps it) keep peak memory low; the Dockerfile passes the same flags.
import { writeSync } from 'node:fs';

/**
 * After a first signal, the process exits by this time whatever still hangs (a stuck close, a command
 * other than write): inside the 10 s a platform waits before SIGKILL. `write` normally ends well before,
 * its in-flight records having 7 s of grace (DEFAULT_GRACE_MS).
 */
const HARD_STOP_MS = 9_000;
const exitCodeFor = (signal: NodeJS.Signals): number => (signal === 'SIGINT' ? 130 : 143);

/**
 * `spec` alone takes a short path: only the modules that build the specification load (no reader,
 * emitter, redactor, command parser or signal handling) and the line goes straight to file descriptor 1,
 * which keeps the cold start near a bare `node` (benchmark P5).
 */
async function printSpec(): Promise<void> {
  const { specLine } = await import('./commands/spec.js');
  const bytes = Buffer.from(`${specLine()}\n`);
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    // A non-blocking stdout that is full (EAGAIN): the stream writes the rest when it drains.
    if ((error as NodeJS.ErrnoException).code !== 'EAGAIN') throw error;
    process.stdout.write(bytes.subarray(written));
  }
}

async function main(argv: string[]): Promise<void> {
  const [{ runConnector }, { defaultDeps }] = await Promise.all([import('./run.js'), import('./deps.js')]);
  const controller = new AbortController();
  let signalled: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    if (signalled) process.exit(exitCodeFor(signalled));
    signalled = signal;
    process.stderr.write(`destination-stripe: ${signal} received: stopped reading; records in flight get up to 7 s to settle, then it exits\n`);
    controller.abort(signal);
    setTimeout(() => process.exit(exitCodeFor(signal)), HARD_STOP_MS).unref();
  };
  process.on('SIGTERM', onSignal);
  process.on('SIGINT', onSignal);

  const code = await runConnector({ argv, stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, deps: defaultDeps(), signal: controller.signal });
  if (signalled) {
    // stdin may still be open (the platform holds it while it cancels): exit explicitly once stdout is flushed.
    await new Promise<void>((resolve) => process.stdout.write('', () => resolve()));
    process.exit(code);
  }
  process.exitCode = code;
}

const argv = process.argv.slice(2);
if (argv.length === 1 && argv[0] === 'spec') await printSpec();
else await main(argv);
