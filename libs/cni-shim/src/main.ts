// SPDX-License-Identifier: Apache-2.0
// Process entry of the CNI plugins (spiderpool, coordinator, ifacer): one program, dispatched on
// the name it is executed as. Errors go to stdout as CNI error documents (that is where the runtime
// reads them) with exit code 1; nothing escapes as an exception. Each call is then logged to the
// plugin's log file (plugin-log.ts).
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { cniErrorOutcome, unknownError } from './cni-errors.ts';
import { logInvocation } from './plugin-log.ts';
import { runShim } from './run-shim.ts';
import type { ShimOutcome } from './types.ts';

/** Reads all of stdin; synchronous first because it is the cheapest path for a pipe or file. */
async function readStdin(): Promise<string> {
  try {
    return readFileSync(0, 'utf8');
  } catch (error) {
    const code = (error as { code?: unknown }).code;
    // No stdin at all: same as an empty one.
    if (code === 'EBADF' || code === 'ENXIO') return '';
    if (code !== 'EAGAIN') throw error;
  }
  // A non-blocking descriptor cannot be read synchronously; fall back to the stream.
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  return Buffer.concat(chunks).toString('utf8');
}

async function main(): Promise<void> {
  let outcome: ShimOutcome;
  let stdinText = '';
  try {
    stdinText = await readStdin();
    outcome = await runShim({ argv0: process.argv0, env: process.env, stdinText });
  } catch (error) {
    outcome = cniErrorOutcome(unknownError(error instanceof Error ? error.message : String(error)));
  }
  // A runtime that closed our stdout cannot be told anything more; do not crash on EPIPE.
  process.stdout.on('error', () => undefined);
  process.stdout.write(outcome.stdout);
  process.exitCode = outcome.exitCode;
  // After the outcome is fixed, and it cannot change it. performance.now() counts from process
  // start, so the logged duration includes the runtime's own start-up.
  logInvocation({ argv0: process.argv0, env: process.env, stdinText, outcome, durationMs: performance.now(), time: new Date() });
}

void main();
