// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { SpiderpoolError } from '@spiderpool/errors';

/** A Lua script run by SHA (one round trip), loaded with EVAL only when the server lacks it. */
export class RedisScript {
  readonly #lua: string;
  readonly #sha: string;

  constructor(lua: string) {
    this.#lua = lua;
    this.#sha = createHash('sha1').update(lua).digest('hex');
  }

  async run(client: Redis, keys: readonly string[], args: readonly (string | number)[]): Promise<unknown> {
    try {
      return await client.evalsha(this.#sha, keys.length, ...keys, ...args);
    } catch (err) {
      // The script cache is empty after a restart or SCRIPT FLUSH.
      if (!(err instanceof Error) || !err.message.startsWith('NOSCRIPT')) throw err;
      return client.eval(this.#lua, keys.length, ...keys, ...args);
    }
  }
}

/**
 * KEYS: lock key, fence counter key. ARGV: owner id, ttl ms.
 * Returns the fencing token as a decimal string, or nil while the lock is held; the token
 * is consumed only on success. The counter is never expired, and it is raised to at least
 * the server's clock in microseconds, so tokens keep increasing even after Redis lost its
 * data (persistence off, failover to an empty replica) as long as the clock does not jump
 * back. string.format('%.0f') because tostring() of a large Lua number uses exponent form.
 * TIME before a write needs effect replication: Redis >= 5.
 */
export const ACQUIRE_SCRIPT = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 1 then
  return false
end
local token = redis.call('INCR', KEYS[2])
local now = redis.call('TIME')
local floor = tonumber(now[1]) * 1000000 + tonumber(now[2])
if token < floor then
  token = floor
  redis.call('SET', KEYS[2], string.format('%.0f', token))
end
local text = string.format('%.0f', token)
redis.call('SET', KEYS[1], ARGV[1] .. ':' .. text, 'PX', ARGV[2])
return text
`);

/** KEYS: lock key. ARGV: expected value, ttl ms. Returns 1 when extended, 0 when no longer ours. */
export const RENEW_SCRIPT = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

/**
 * KEYS: lock key. ARGV: expected value, release channel, lock name.
 * Compare-and-delete, announcing the release so waiters retry at once. Returns 1 when deleted.
 */
export const RELEASE_SCRIPT = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[2], ARGV[3])
  return 1
end
return 0
`);

/** The token of a successful acquire, or undefined while the lock is held by someone else. */
export function parseAcquireReply(reply: unknown): bigint | undefined {
  if (reply === null || reply === undefined) return undefined;
  if (typeof reply === 'string' && /^[0-9]+$/.test(reply)) return BigInt(reply);
  throw new SpiderpoolError('INTERNAL', `unexpected reply from the lock acquire script: ${JSON.stringify(reply)}`);
}
