// SPDX-License-Identifier: Apache-2.0
// The deadline of the admission request being served, carried through the kind's logic without
// changing its signature: once the API server has stopped waiting (and we answered "timed out"),
// work still queued for that request (a lock wait, an API read) is dropped instead of done.
// Under a burst this keeps abandoned requests from taking their turn in a lock ahead of live ones.
import { AsyncLocalStorage } from 'node:async_hooks';

const current = new AsyncLocalStorage<AbortSignal>();

/** Runs `fn` as the work of a request whose deadline is `signal`. */
export function runWithDeadline<T>(signal: AbortSignal, fn: () => Promise<T>): Promise<T> {
  return current.run(signal, fn);
}

/** The signal of the request being served here, if any; aborted with the deadline's error. */
export function admissionSignal(): AbortSignal | undefined {
  return current.getStore();
}

/** Throws the deadline's error when the request being served has already timed out. */
export function throwIfExpired(): void {
  current.getStore()?.throwIfAborted();
}
