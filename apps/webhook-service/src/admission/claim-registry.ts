// SPDX-License-Identifier: Apache-2.0
// `claims` of the admission context: objects admitted a moment ago that the caches (or even the
// API server, while the request is still in flight) may not show yet. Kept in this process, so
// that one replica works alone, and in a shared store when there is one, so that replicas see
// each other's. Entries expire on their own.
import { invalidInput } from '@spiderpool/errors';
import type { Claim, ClaimRegistry, WatchedKind } from './admission-types.ts';

/** A store shared by the replicas (Redis); entries are serialised claims. */
export interface ClaimStore {
  add(kind: WatchedKind, name: string, serialised: string, ttlMs: number): Promise<void>;
  /** The serialised claims of `kind` that have not expired. */
  list(kind: WatchedKind): Promise<string[]>;
}

export interface SharedClaimRegistryOptions {
  store?: ClaimStore;
  /** The shared store failed: the registry goes on with this replica's claims only. */
  onStoreError?: (err: unknown) => void;
  now?: () => number;
}

/** Claims live seconds, not minutes: by then the object is in every cache or was refused. */
export const MAX_CLAIM_TTL_MS = 10 * 60_000;

export class SharedClaimRegistry implements ClaimRegistry {
  readonly #local = new Map<WatchedKind, Map<string, { claim: Claim; expiresAt: number }>>();
  readonly #options: SharedClaimRegistryOptions;
  readonly #now: () => number;

  constructor(options: SharedClaimRegistryOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async add(claim: Claim, ttlMs: number): Promise<void> {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_CLAIM_TTL_MS) throw invalidInput('ttlMs', ttlMs, `must be an integer in 1..${MAX_CLAIM_TTL_MS}`);
    if (typeof claim.name !== 'string' || claim.name === '') throw invalidInput('claim.name', claim.name, 'must be a non-empty string');
    const kind = this.#localOf(claim.kind);
    kind.set(claim.name, { claim, expiresAt: this.#now() + ttlMs });
    const store = this.#options.store;
    if (!store) return;
    try {
      await store.add(claim.kind, claim.name, JSON.stringify(claim), ttlMs);
    } catch (err) {
      this.#options.onStoreError?.(err);
    }
  }

  /** Unexpired claims of `kind`, one per name (this replica's own entry wins over the store's). */
  async list(kind: WatchedKind): Promise<Claim[]> {
    const byName = new Map<string, Claim>();
    for (const claim of await this.#shared(kind)) byName.set(claim.name, claim);
    const local = this.#localOf(kind);
    const now = this.#now();
    for (const [name, entry] of local) {
      if (entry.expiresAt <= now) local.delete(name);
      else byName.set(name, entry.claim);
    }
    return [...byName.values()];
  }

  async #shared(kind: WatchedKind): Promise<Claim[]> {
    const store = this.#options.store;
    if (!store) return [];
    let entries: string[];
    try {
      entries = await store.list(kind);
    } catch (err) {
      this.#options.onStoreError?.(err);
      return [];
    }
    return entries.flatMap((text) => parseClaim(text, kind));
  }

  #localOf(kind: WatchedKind): Map<string, { claim: Claim; expiresAt: number }> {
    let map = this.#local.get(kind);
    if (!map) {
      map = new Map();
      this.#local.set(kind, map);
    }
    return map;
  }
}

/** An entry written by another replica (maybe of another version): kept only if it is a claim. */
function parseClaim(text: string, kind: WatchedKind): Claim[] {
  try {
    const value = JSON.parse(text) as Partial<Claim>;
    const valid = value.kind === kind && typeof value.name === 'string' && typeof value.payload === 'object' && value.payload !== null;
    return valid ? [{ kind, name: value.name as string, payload: value.payload as Record<string, unknown> }] : [];
  } catch {
    return [];
  }
}
