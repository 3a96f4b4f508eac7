// SPDX-License-Identifier: Apache-2.0
// Claims shared between replicas in Redis, read incrementally. Every admission reads the claims
// of its kind, and a burst of admissions leaves thousands of live claims (they live 30 s):
// transferring and parsing all of them per admission made admission cost grow with the recent
// admission rate. So each entry carries a sequence number from one counter, and a reader asks
// only for the entries past the last sequence it has seen (the registry keeps the mirror).
//
// Per kind: a sorted set `<prefix>v2:<kind>` of entries scored by sequence, and `…:<kind>:exp`
// of the same entries scored by expiry (ms, Redis clock); an entry is `<seq>\n<expiry>\n<claim>`.
// Both scripts drop expired entries first, so the keys stay as small as the live claims.
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { WatchedKind } from './admission-types.ts';
import type { ClaimBatch, ClaimStore, StoredClaim } from './claim-registry.ts';

export const DEFAULT_CLAIMS_PREFIX = 'spiderpool:admission:claims:';

/** Version of the key layout, part of every key, so that another layout never reads these keys. */
const LAYOUT = 'v2:';

/** KEYS: log, exp. The Redis clock in ms (`now`), then expired entries removed from both keys. */
const PRUNE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local cutoff = '(' .. string.format('%.0f', now)
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', cutoff)
for i = 1, #expired, 500 do
  redis.call('ZREM', KEYS[1], unpack(expired, i, math.min(i + 499, #expired)))
end
redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', cutoff)
`;

/**
 * KEYS: log, exp, sequence counter, epoch. ARGV: ttl ms, serialised claim, an epoch candidate.
 * The epoch names this incarnation of the keys: a new one after Redis lost them, so that
 * readers drop mirrors whose sequence numbers mean nothing any more.
 */
const ADD = `${PRUNE}
redis.call('SET', KEYS[4], ARGV[3], 'NX')
local seq = redis.call('INCR', KEYS[3])
local expiry = string.format('%.0f', now + tonumber(ARGV[1]))
local entry = seq .. '\\n' .. expiry .. '\\n' .. ARGV[2]
redis.call('ZADD', KEYS[1], seq, entry)
redis.call('ZADD', KEYS[2], expiry, entry)
return seq
`;

/** KEYS: log, exp, sequence counter, epoch. ARGV: last sequence seen. Returns {now, epoch, live entries after it}. */
const SINCE = `${PRUNE}
local epoch = redis.call('GET', KEYS[4]) or ''
local entries = redis.call('ZRANGEBYSCORE', KEYS[1], '(' .. ARGV[1], '+inf')
return {string.format('%.0f', now), epoch, entries}
`;

export interface RedisClaimStoreOptions {
  url: string;
  keyPrefix?: string;
  /** A Redis round trip that takes longer fails (and the registry falls back to local claims). */
  commandTimeoutMs?: number;
}

/** The scripts, registered with the client: sent once, then called by their SHA1 (EVALSHA). */
interface ClaimCommands {
  claimAdd(log: string, exp: string, seq: string, epoch: string, ttlMs: number, serialised: string, epochCandidate: string): Promise<unknown>;
  claimSince(log: string, exp: string, seq: string, epoch: string, afterSeq: number): Promise<unknown>;
}

export class RedisClaimStore implements ClaimStore {
  readonly #client: Redis & ClaimCommands;
  readonly #prefix: string;

  constructor(options: RedisClaimStoreOptions) {
    this.#prefix = options.keyPrefix ?? DEFAULT_CLAIMS_PREFIX;
    // Fail fast instead of queueing while disconnected: callers go on without shared claims.
    const client = new Redis(options.url, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: options.commandTimeoutMs ?? 500,
      connectTimeout: 2_000,
      retryStrategy: (attempt) => Math.min(attempt * 100, 2_000),
      connectionName: 'spiderpool-webhook-claims',
    });
    // Failed (re)connects are reported per command; without a listener they would crash the process.
    client.on('error', () => undefined);
    client.defineCommand('claimAdd', { numberOfKeys: 4, lua: ADD });
    client.defineCommand('claimSince', { numberOfKeys: 4, lua: SINCE });
    // defineCommand adds the methods at runtime; this is their declared shape.
    this.#client = client as Redis & ClaimCommands;
  }

  /** Connects; never rejects (a store that is down fails each command instead). */
  async start(): Promise<void> {
    await this.#client.connect().catch(() => undefined);
  }

  async stop(): Promise<void> {
    this.#client.disconnect();
  }

  async add(kind: WatchedKind, serialised: string, ttlMs: number): Promise<number> {
    return Number(await this.#client.claimAdd(...this.#keys(kind), ttlMs, serialised, randomUUID()));
  }

  async since(kind: WatchedKind, afterSeq: number): Promise<ClaimBatch> {
    const reply = await this.#client.claimSince(...this.#keys(kind), afterSeq);
    const [now, epoch, entries] = Array.isArray(reply) ? reply : [];
    return {
      now: Number(now),
      epoch: String(epoch),
      entries: (Array.isArray(entries) ? entries : []).flatMap((e) => (typeof e === 'string' ? parseEntry(e) : [])),
    };
  }

  #keys(kind: WatchedKind): [string, string, string, string] {
    const base = `${this.#prefix}${LAYOUT}`;
    return [`${base}${kind}`, `${base}${kind}:exp`, `${base}seq`, `${base}epoch`];
  }
}

/** `<seq>\n<expiry>\n<claim>`, as ADD writes it. */
function parseEntry(entry: string): StoredClaim[] {
  const first = entry.indexOf('\n');
  const second = entry.indexOf('\n', first + 1);
  if (first < 0 || second < 0) return [];
  const seq = Number(entry.slice(0, first));
  const expiresAt = Number(entry.slice(first + 1, second));
  return Number.isFinite(seq) && Number.isFinite(expiresAt) ? [{ seq, expiresAt, text: entry.slice(second + 1) }] : [];
}
