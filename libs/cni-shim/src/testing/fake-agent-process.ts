// SPDX-License-Identifier: Apache-2.0
// Test-only: the fake agent as its own process, for tests that run the shim bundle with
// spawnSync (which blocks the test's event loop, so an in-process fake could not answer).
// Usage: node fake-agent-process.ts <socket>. Prints "ready" once listening. Answers every
// request with stdout = JSON of what it received; CHECK gets exit code 3, the rest 0.
import { agentAnswer, startFakeAgent } from './fake-agent.ts';

const socketPath = process.argv[2];
if (!socketPath) {
  process.stderr.write('usage: node fake-agent-process.ts <socket>\n');
  process.exit(2);
}
await startFakeAgent(socketPath, (body) => {
  const command = (body as { command?: unknown }).command;
  return agentAnswer(command === 'CHECK' ? 3 : 0, JSON.stringify({ received: body }));
});
process.stdout.write('ready\n');
