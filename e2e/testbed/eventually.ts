// SPDX-License-Identifier: Apache-2.0
import { sleep } from './managed-process.ts';

/**
 * Polls `check` until it answers a value other than undefined. On timeout the error names `what`
 * and the last failure `check` threw (a later undefined answer clears it: it is no longer news).
 */
export async function eventually<T>(what: string, check: () => Promise<T | undefined>, timeoutMs = 60_000, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await check();
      if (value !== undefined) return value;
      last = undefined;
    } catch (err) {
      last = err;
    }
    await sleep(everyMs);
  }
  const why = last instanceof Error ? last.message : last === undefined ? '' : String(last);
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why ? `: ${why}` : ''}`);
}
