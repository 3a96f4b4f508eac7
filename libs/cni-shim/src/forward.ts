// SPDX-License-Identifier: Apache-2.0
// Forwards one invocation to the node-agent (POST /v1/cni over its unix socket) and maps every
// transport failure to what the runtime should do about it: ADD/CHECK/GC retry later (code 11),
// STATUS reports "not available" (code 50), and DEL succeeds, because a failing DEL blocks pod
// deletion forever while anything it leaves behind is reclaimed by the GC.
import { cniErrorOutcome, pluginNotAvailable, tryAgainLater } from './cni-errors.ts';
import type { CniRequest, ShimOutcome } from './types.ts';
import { postOverUnixSocket } from './unix-http.ts';

/** The node-agent's CNI endpoint. */
export const CNI_ENDPOINT_PATH = '/v1/cni';

/** An answer larger than this is not a CNI result; stop reading instead of buffering it. */
const MAX_ANSWER_BYTES = 4 * 1024 * 1024;

/**
 * Sends `{plugin, command, env, stdin}` to the node-agent and returns its `{exitCode, stdout}`.
 * Never rejects: a timeout or transport error becomes the CNI outcome for the command.
 */
export async function forward(request: CniRequest): Promise<ShimOutcome> {
  try {
    return await postToAgent(request);
  } catch (error) {
    return unreachableOutcome(request, error instanceof Error ? error.message : String(error));
  }
}

function unreachableOutcome(request: CniRequest, reason: string): ShimOutcome {
  const details = `node-agent unreachable at ${request.socketPath}: ${reason}`;
  if (request.command === 'DEL') return { exitCode: 0, stdout: '' };
  if (request.command === 'STATUS') return cniErrorOutcome(pluginNotAvailable(details, request.cniVersion));
  return cniErrorOutcome(tryAgainLater(details, request.cniVersion));
}

async function postToAgent(request: CniRequest): Promise<ShimOutcome> {
  const body = Buffer.from(JSON.stringify({ plugin: request.plugin, command: request.command, env: request.env, stdin: request.stdin }));
  const answer = await postOverUnixSocket({ socketPath: request.socketPath, path: CNI_ENDPOINT_PATH, body, timeoutMs: request.timeoutMs, maxAnswerBytes: MAX_ANSWER_BYTES });
  if (answer.status !== 200) throw new Error(`HTTP ${answer.status} from ${CNI_ENDPOINT_PATH}: ${answer.body.slice(0, 200)}`);
  try {
    return parseAnswer(JSON.parse(answer.body));
  } catch (error) {
    throw new Error(`unparsable answer: ${error instanceof Error ? error.message : String(error)}`);
  }
}

function parseAnswer(value: unknown): ShimOutcome {
  const answer = (typeof value === 'object' && value !== null ? value : {}) as Partial<Record<keyof ShimOutcome, unknown>>;
  const { exitCode, stdout } = answer;
  if (typeof exitCode !== 'number' || !Number.isInteger(exitCode) || exitCode < 0 || exitCode > 255 || typeof stdout !== 'string') {
    throw new Error('expected {exitCode: integer 0..255, stdout: string}');
  }
  return { exitCode, stdout };
}
