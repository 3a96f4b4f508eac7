// SPDX-License-Identifier: Apache-2.0
// Forwards one invocation to the node-agent (POST /v1/cni over its unix socket) and maps every
// transport failure to what the runtime should do about it: ADD/CHECK/GC retry later (code 11),
// STATUS reports "not available" (code 50), and DEL succeeds, because a failing DEL blocks pod
// deletion forever while anything it leaves behind is reclaimed by the GC.
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { cniErrorOutcome, pluginNotAvailable, tryAgainLater } from './cni-errors.ts';
import type { CniRequest, ShimOutcome } from './types.ts';

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

function postToAgent(request: CniRequest): Promise<ShimOutcome> {
  const body = Buffer.from(JSON.stringify({ plugin: request.plugin, command: request.command, env: request.env, stdin: request.stdin }));
  return new Promise<ShimOutcome>((resolve, reject) => {
    const req = httpRequest(
      {
        socketPath: request.socketPath,
        path: CNI_ENDPOINT_PATH,
        method: 'POST',
        // One request per process: no keep-alive socket that could hold the process open.
        agent: false,
        headers: { 'content-type': 'application/json', 'content-length': body.length, connection: 'close' },
      },
      (res) => {
        readAnswer(res).then(resolve, reject);
      },
    );
    // A hard limit over the whole exchange (connect, agent work, reading the answer).
    const timer = setTimeout(() => req.destroy(new Error(`no answer within ${request.timeoutMs} ms`)), request.timeoutMs);
    req.on('error', reject);
    req.on('close', () => clearTimeout(timer));
    req.end(body);
  });
}

function readAnswer(res: IncomingMessage): Promise<ShimOutcome> {
  return new Promise<ShimOutcome>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    res.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_ANSWER_BYTES) res.destroy(new Error(`answer larger than ${MAX_ANSWER_BYTES} bytes`));
      else chunks.push(chunk);
    });
    res.on('error', reject);
    res.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      if (res.statusCode === 200) settleParsed(text, resolve, reject);
      else reject(new Error(`HTTP ${res.statusCode ?? '?'} from ${CNI_ENDPOINT_PATH}: ${text.slice(0, 200)}`));
    });
    // Destroyed mid-answer (timeout, agent died): 'end' never comes.
    res.on('close', () => {
      if (!res.complete) reject(new Error('connection closed before the answer was complete'));
    });
  });
}

function settleParsed(text: string, resolve: (outcome: ShimOutcome) => void, reject: (error: Error) => void): void {
  try {
    resolve(parseAnswer(JSON.parse(text)));
  } catch (error) {
    reject(new Error(`unparsable answer: ${error instanceof Error ? error.message : String(error)}`));
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
