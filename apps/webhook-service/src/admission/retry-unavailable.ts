// SPDX-License-Identifier: Apache-2.0
import { isSpiderpoolError } from '@spiderpool/errors';
import { admissionSignal } from './admission-deadline.ts';

/** Pauses before the 2nd … 5th attempt (1.85 s in all, well inside the admission deadline). */
const DELAYS_MS = [100, 250, 500, 1_000];

/**
 * Runs a read again when the API server answered "unavailable" (503 while a CRD's storage
 * initialises after an install or a restart, 429, a dropped connection): such answers pass within
 * a second or two, and denying an admission for them would fail a user's write for nothing. At
 * most five attempts, and none once the request being served has timed out.
 */
export async function retryUnavailable<T>(read: () => Promise<T>, sleep: (ms: number) => Promise<void> = defaultSleep): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await read();
    } catch (err) {
      const delay = DELAYS_MS[attempt];
      const transient = isSpiderpoolError(err, 'UNAVAILABLE') || isSpiderpoolError(err, 'NOT_READY');
      if (!transient || delay === undefined) throw err;
      await sleep(delay);
      admissionSignal()?.throwIfAborted();
    }
  }
}

function defaultSleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
