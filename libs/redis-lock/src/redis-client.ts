// SPDX-License-Identifier: Apache-2.0
import { Redis } from 'ioredis';
import { reconnectDelay } from './backoff.ts';
import type { ResolvedLockOptions } from './lock-options.ts';

/**
 * A connection that fails fast instead of queueing: no offline queue and no per-request
 * retries, so a command issued while Redis is unreachable rejects at once. It keeps reconnecting forever with capped backoff until
 * disconnect(); lazyConnect lets start() own the first attempt.
 */
export function createRedisClient(options: ResolvedLockOptions, role: 'lock' | 'subscriber'): Redis {
  return new Redis(options.url, {
    lazyConnect: true,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 0,
    // Only a backstop that clears stuck commands: callers bound each call with withDeadline()
    // at commandTimeoutMs, and a reply arriving between the two is still delivered, so a
    // late acquire can be undone instead of silently holding the lock for a whole ttl.
    commandTimeout: options.commandTimeoutMs * 4,
    connectTimeout: options.connectTimeoutMs,
    retryStrategy: (attempt) => reconnectDelay(attempt, options.maxReconnectDelayMs),
    // The subscriber re-subscribes on its own 'ready' (also after a failed first connect).
    autoResubscribe: false,
    // Never re-send a command after a reconnect: the caller has long been told it failed.
    autoResendUnfulfilledCommands: false,
    connectionName: connectionName(options.ownerId, role),
  });
}

/** CLIENT SETNAME rejects spaces; keep the name readable in CLIENT LIST. */
function connectionName(ownerId: string, role: string): string {
  return `spiderpool-lock-${role}:${ownerId}`.replace(/[^A-Za-z0-9._:-]/g, '_').slice(0, 128);
}
