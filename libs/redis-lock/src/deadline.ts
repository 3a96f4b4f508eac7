// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError } from '@spiderpool/errors';

/**
 * Settles with `work` unless it takes longer than `ms`, then rejects with DEADLINE_EXCEEDED.
 * A Redis script may still run after we gave up (e.g. EVALSHA, NOSCRIPT, EVAL is two round
 * trips); `onLate` receives such a late success so the caller can undo it.
 */
export function withDeadline<T>(work: Promise<T>, ms: number, onLate?: (value: T) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    const timer = setTimeout(() => {
      settled = true;
      reject(new SpiderpoolError('DEADLINE_EXCEEDED', `redis did not answer within ${ms}ms`));
    }, ms);
    work.then(
      (value) => {
        if (settled) {
          onLate?.(value);
          return;
        }
        settled = true;
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        reject(err instanceof Error ? err : new SpiderpoolError('INTERNAL', String(err)));
      },
    );
  });
}

/** One line for a degraded reason or a log: the error's message without a stack. */
export function describeError(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
