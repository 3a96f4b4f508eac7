// SPDX-License-Identifier: Apache-2.0

/** First reconnect delay; doubles per attempt up to the cap. */
const RECONNECT_BASE_MS = 50;

/**
 * Jittered exponential reconnect delay for attempt 1, 2, ...: the nominal delay doubles
 * up to `capMs` and the result lies in [nominal/2, nominal] so replicas do not reconnect in lockstep.
 */
export function reconnectDelay(attempt: number, capMs: number, random: () => number = Math.random): number {
  const exponent = Math.min(Math.max(attempt - 1, 0), 30);
  const nominal = Math.min(capMs, RECONNECT_BASE_MS * 2 ** exponent);
  return Math.round(nominal / 2 + (random() * nominal) / 2);
}

/** A waiter's fallback poll: uniformly in [max/5, max], so waiters neither spin nor synchronise. */
export function pollDelay(maxMs: number, random: () => number = Math.random): number {
  const min = maxMs / 5;
  return min + random() * (maxMs - min);
}
