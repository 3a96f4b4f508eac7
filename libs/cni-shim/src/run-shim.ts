// SPDX-License-Identifier: Apache-2.0
// The whole shim as a function of its inputs: what main.ts wires to the real process, and what the
// tests call directly.
import { DEFAULT_CNI_VERSION, cniErrorOutcome, toCniError } from './cni-errors.ts';
import { forward } from './forward.ts';
import { readCniRequest } from './request.ts';
import type { CniRequest, ShimEnv, ShimOutcome } from './types.ts';
import { versionOutcome } from './version.ts';

export interface RunShimInput {
  /** The path the program was executed as (selects the plugin). */
  argv0: string;
  env: ShimEnv;
  /** All of stdin. */
  stdinText: string;
}

/**
 * Runs one CNI invocation: validate, answer VERSION locally, forward everything else.
 * Never rejects: every failure is a CNI error outcome (exit code 1, error document on stdout).
 */
export async function runShim(input: RunShimInput): Promise<ShimOutcome> {
  let request: CniRequest;
  try {
    request = readCniRequest({ argv0: input.argv0, env: input.env, stdin: input.stdinText });
  } catch (error) {
    return cniErrorOutcome(toCniError(error, DEFAULT_CNI_VERSION));
  }
  if (request.command === 'VERSION') return versionOutcome(request);
  try {
    return await forward(request);
  } catch (error) {
    return cniErrorOutcome(toCniError(error, request.cniVersion));
  }
}
