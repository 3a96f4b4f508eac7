// SPDX-License-Identifier: Apache-2.0
// Claims shared between replicas in Redis: per kind, a sorted set `<prefix><kind>` of names
// scored by expiry (ms, Redis clock) and a hash `<prefix><kind>:payload` of name → claim.
// Both scripts drop expired entries first, so the keys stay as small as the live claims and
// vanish (Redis removes empty collections) once no claim is left.
import { Redis } from 'ioredis';
import type { WatchedKind } from './admission-types.ts';
import type { ClaimStore } from './claim-registry.ts';

export const DEFAULT_CLAIMS_PREFIX = 'spiderpool:admission:claims:';

/** The Redis clock in ms, then expired names removed from both keys (in chunks: unpack() is bounded). */
const PRUNE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cutoff = '(' .. string.format('%.0f', now)
local expired = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', cutoff)
for i = 1, #expired, 500 do
  redis.call('HDEL', KEYS[2], unpack(expired, i, math.min(i + 499, #expired)))
end
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', cutoff)
`;

/** KEYS: set, hash. ARGV: name, ttl ms, serialised claim. */
const ADD = `${PRUNE}
redis.call('ZADD', KEYS[1], string.format('%.0f', now + tonumber(ARGV[2])), ARGV[1])
redis.call('HSET', KEYS[2], ARGV[1], ARGV[3])
return 1
`;

/** KEYS: set, hash. Returns the serialised live claims. */
const LIST = `${PRUNE}
local live = redis.call('ZRANGEBYSCORE', KEYS[1], string.format('%.0f', now), '+inf')
local out = {}
for i = 1, #live, 500 do
  local chunk = redis.call('HMGET', KEYS[2], unpack(live, i, math.min(i + 499, #live)))
  for j = 1, #chunk do
    if chunk[j] then out[#out + 1] = chunk[j] end
  end
end
return out
`;

export interface RedisClaimStoreOptions {
  url: string;
  keyPrefix?: string;
  /** A Redis round trip that takes longer fails (and the registry falls back to local claims). */
  commandTimeoutMs?: number;
}

export class RedisClaimStore implements ClaimStore {
  readonly #client: Redis;
  readonly #prefix: string;

  constructor(options: RedisClaimStoreOptions) {
    this.#prefix = options.keyPrefix ?? DEFAULT_CLAIMS_PREFIX;
    // Fail fast instead of queueing while disconnected: callers go on without shared claims.
    this.#client = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      connectionName: 'spiderpool-webhook-claims',
    });
    // Failed (re)connects are reported per command; without a listener they would crash the process.
    this.#client.on('error', () => undefined);
  }

  /** Connects; never rejects (a store that is down fails each command instead). */
  async start(): Promise<void> {
    await this.#client.connect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.#client.disconnect();
  }

  async add(kind: WatchedKind, name: string, serialised: string, ttlMs: number): Promise<void> {
    await this.#client.eval(ADD, 2, this.#setKey(kind), this.#hashKey(kind), name, ttlMs, serialised);
  }

  async list(kind: WatchedKind): Promise<string[]> {
    const reply = await this.#client.eval(LIST, 2, this.#setKey(kind), this.#hashKey(kind));
    return Array.isArray(reply) ? reply.filter((v): v is string => typeof v === 'string') : [];
  }

  #setKey(kind: WatchedKind): string {
    return `${this.#prefix}${kind}`;
  }

  #hashKey(kind: WatchedKind): string {
    return `${this.#prefix}${kind}:payload`;
  }
}
