// SPDX-License-Identifier: Apache-2.0
import { invalidInput } from '@spiderpool/errors';

/** Settings of a {@link RedisLockService}; only `url` and `ownerId` are required. */
export interface LockServiceOptions {
  /** `redis://host:port[/db]` of the lock server. */
  url: string;
  /** Prefix of every key and of the release channel; default `spiderpool:lock:`. */
  keyPrefix?: string;
  /** Lease length in ms; a holder renews every third of it. Default 5000. */
  ttlMs?: number;
  /** Longest a single Redis round trip may take before the lock counts as degraded. Default 250. */
  commandTimeoutMs?: number;
  /** Identifies this holder in the lock value (e.g. pod name + pid); diagnostics only. */
  ownerId: string;
  /** Called when the lock becomes unusable (true) or usable again (false); first call reports the initial state. */
  onStateChange?: (degraded: boolean, reason?: string) => void;
  /** Ceiling of a waiter's fallback poll; each poll sleeps between a fifth of it and it. Default 50. */
  pollIntervalMs?: number;
  /** Cap of the jittered exponential reconnect backoff. Default 1000. */
  maxReconnectDelayMs?: number;
}

export interface ResolvedLockOptions {
  readonly url: string;
  readonly keyPrefix: string;
  readonly ttlMs: number;
  readonly commandTimeoutMs: number;
  readonly ownerId: string;
  readonly onStateChange: ((degraded: boolean, reason?: string) => void) | undefined;
  readonly pollIntervalMs: number;
  readonly maxReconnectDelayMs: number;
  /** Bounds start() when the server is a black hole rather than refusing connections. */
  readonly connectTimeoutMs: number;
}

export const DEFAULT_KEY_PREFIX = 'spiderpool:lock:';

/**
 * Applies defaults and rejects settings under which the lease could not be kept:
 * a renewal (every ttl/3) must be able to complete, so the command timeout must stay
 * below the lease.
 */
export function resolveLockOptions(options: LockServiceOptions): ResolvedLockOptions {
  const ttlMs = integerAtLeast('ttlMs', options.ttlMs ?? 5_000, 30);
  const commandTimeoutMs = integerAtLeast('commandTimeoutMs', options.commandTimeoutMs ?? 250, 1);
  if (commandTimeoutMs >= ttlMs) throw invalidInput('commandTimeoutMs', commandTimeoutMs, `must be below ttlMs (${ttlMs})`);
  return {
    url: nonEmpty('url', options.url),
    keyPrefix: options.keyPrefix ?? DEFAULT_KEY_PREFIX,
    ttlMs,
    commandTimeoutMs,
    ownerId: nonEmpty('ownerId', options.ownerId),
    onStateChange: options.onStateChange,
    pollIntervalMs: integerAtLeast('pollIntervalMs', options.pollIntervalMs ?? 50, 5),
    maxReconnectDelayMs: integerAtLeast('maxReconnectDelayMs', options.maxReconnectDelayMs ?? 1_000, 10),
    connectTimeoutMs: Math.max(1_000, commandTimeoutMs * 4),
  };
}

function integerAtLeast(field: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) throw invalidInput(field, value, `must be an integer >= ${min}`);
  return value;
}

function nonEmpty(field: string, value: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalidInput(field, value, 'must be a non-empty string');
  return value;
}
