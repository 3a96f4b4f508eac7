// SPDX-License-Identifier: Apache-2.0
// `claims` of the admission context: objects admitted a moment ago that the caches (or even the
// API server, while the request is still in flight) may not show yet. Kept in this process, so
// that one replica works alone, and in a shared store when there is one, so that replicas see
// each other's. Entries expire on their own. Every claim gets an id and its place in the order
// of claims (see claim-order.ts), which is what lets overlap checks run without a lock.
import { randomUUID } from 'node:crypto';
import { invalidInput } from '@spiderpool/errors';
import type { Claim, ClaimRegistry, WatchedKind } from './admission-types.ts';

/** An entry of the shared store: its place in the order of entries and its expiry on the store's clock. */
export interface StoredClaim {
  seq: number;
  expiresAt: number;
  text: string;
}

/** The store's answer to "what is new": the entries after a sequence number, with its clock and epoch. */
export interface ClaimBatch {
  /** The store's clock (ms); entries expire by it. */
  now: number;
  /** Names this incarnation of the store's data: another one means sequence numbers restarted. */
  epoch: string;
  /** Live entries past the sequence number asked for, in sequence order. */
  entries: StoredClaim[];
}

/** A store shared by the replicas (Redis); entries are serialised claims. */
export interface ClaimStore {
  /** Adds the entry; resolves with its sequence number (one counter for every kind). */
  add(kind: WatchedKind, serialised: string, ttlMs: number): Promise<number>;
  /** The live entries of `kind` added after `afterSeq`. */
  since(kind: WatchedKind, afterSeq: number): Promise<ClaimBatch>;
}

export interface SharedClaimRegistryOptions {
  store?: ClaimStore;
  /**
   * Told when the shared store becomes unusable (with the error) and usable again; while it is
   * unusable, the registry goes on with this replica's claims only.
   */
  onStoreState?: (usable: boolean, err?: unknown) => void;
  now?: () => number;
}

/** Claims live seconds, not minutes: by then the object is in every cache or was refused. */
export const MAX_CLAIM_TTL_MS = 10 * 60_000;

interface LocalEntry {
  claim: Claim;
  expiresAt: number;
}

interface SharedEntry {
  /** null: an entry that is not a claim of this kind (another version wrote it). */
  claim: Claim | null;
  expiresAt: number;
}

/**
 * What the registry keeps per kind, updated incrementally: each list() applies what is new and
 * what expired, and hands out the same array while nothing changed. Entries are expired from
 * the front of their arrival order, which is their expiry order for claims of one TTL (one with
 * a shorter TTL behind a longer one lives a little longer, which only blocks more).
 */
interface KindState {
  /** This replica's claims by id, in the order they were added. */
  local: Map<string, LocalEntry>;
  /** The shared store's claims by sequence number, in sequence order. */
  shared: Map<number, SharedEntry>;
  sharedIds: Map<string, number>;
  epoch: string;
  lastSeq: number;
  /** Every live claim by id; a replica's own entry stands for its copy in the store. */
  merged: Map<string, Claim>;
  /** The last list() answer, until `merged` changes. */
  listed: Claim[] | undefined;
}

export class SharedClaimRegistry implements ClaimRegistry {
  readonly #kinds = new Map<WatchedKind, KindState>();
  readonly #options: SharedClaimRegistryOptions;
  readonly #now: () => number;
  #localSeq = 0;
  #storeUsable = true;

  constructor(options: SharedClaimRegistryOptions = {}) {
    this.#options = options;
    this.#now = options.now ?? Date.now;
  }

  async add(claim: Claim, ttlMs: number): Promise<Claim> {
    if (!Number.isInteger(ttlMs) || ttlMs <= 0 || ttlMs > MAX_CLAIM_TTL_MS) throw invalidInput('ttlMs', ttlMs, `must be an integer in 1..${MAX_CLAIM_TTL_MS}`);
    if (typeof claim.name !== 'string' || claim.name === '') throw invalidInput('claim.name', claim.name, 'must be a non-empty string');
    const id = randomUUID();
    const state = this.#stateOf(claim.kind);
    const entry: LocalEntry = { claim: { kind: claim.kind, name: claim.name, payload: claim.payload, id, localSeq: ++this.#localSeq }, expiresAt: this.#now() + ttlMs };
    // Visible to this replica's other admissions at once, in local order, before the store answers.
    state.local.set(id, entry);
    this.#merge(state, entry.claim);
    const store = this.#options.store;
    if (!store) return entry.claim;
    try {
      const seq = await store.add(claim.kind, JSON.stringify({ kind: claim.kind, name: claim.name, payload: claim.payload, id }), ttlMs);
      if (entry.claim.seq === undefined && state.local.get(id) === entry) {
        entry.claim = { ...entry.claim, seq };
        this.#merge(state, entry.claim);
      }
      this.#storeState(true);
    } catch (err) {
      this.#storeState(false, err);
    }
    return entry.claim;
  }

  /** Unexpired claims of `kind`; the same array again while nothing changed. */
  async list(kind: WatchedKind): Promise<readonly Claim[]> {
    const state = this.#stateOf(kind);
    await this.#refreshShared(state, kind);
    this.#expireLocal(state, this.#now());
    state.listed ??= [...state.merged.values()];
    return state.listed;
  }

  async #refreshShared(state: KindState, kind: WatchedKind): Promise<void> {
    const store = this.#options.store;
    if (!store) return;
    const asked = state.lastSeq;
    let batch: ClaimBatch;
    try {
      batch = await store.since(kind, asked);
      this.#storeState(true);
    } catch (err) {
      // Without the store, its claims cannot be expired by its clock: go on with local ones only.
      this.#storeState(false, err);
      this.#dropShared(state);
      return;
    }
    if (batch.epoch !== state.epoch) {
      // The store lost its data (restart, flush) and numbers restarted: read it from scratch.
      this.#dropShared(state);
      state.epoch = batch.epoch;
      if (asked !== 0) return this.#refreshShared(state, kind);
    }
    for (const stored of batch.entries) this.#addShared(state, kind, stored);
    this.#expireShared(state, batch.now);
  }

  #addShared(state: KindState, kind: WatchedKind, stored: StoredClaim): void {
    state.lastSeq = Math.max(state.lastSeq, stored.seq);
    if (state.shared.has(stored.seq)) return;
    const claim = parseClaim(stored.text, kind, stored.seq);
    state.shared.set(stored.seq, { claim, expiresAt: stored.expiresAt });
    if (!claim?.id) return;
    state.sharedIds.set(claim.id, stored.seq);
    const local = state.local.get(claim.id);
    if (!local) {
      this.#merge(state, claim);
      return;
    }
    // The store may know the place of our own claim before its answer to add() arrived here (or
    // when that answer was lost): take it, so every replica orders this claim the same way.
    if (local.claim.seq === undefined) {
      local.claim = { ...local.claim, seq: stored.seq };
      this.#merge(state, local.claim);
    }
  }

  #expireShared(state: KindState, now: number): void {
    for (const [seq, entry] of state.shared) {
      if (entry.expiresAt > now) break;
      state.shared.delete(seq);
      const id = entry.claim?.id;
      if (!id) continue;
      state.sharedIds.delete(id);
      if (!state.local.has(id)) this.#unmerge(state, id);
    }
  }

  #expireLocal(state: KindState, now: number): void {
    for (const [id, entry] of state.local) {
      if (entry.expiresAt > now) break;
      state.local.delete(id);
      const seq = state.sharedIds.get(id);
      const shared = seq === undefined ? undefined : state.shared.get(seq)?.claim;
      if (shared) this.#merge(state, shared);
      else this.#unmerge(state, id);
    }
  }

  #dropShared(state: KindState): void {
    for (const id of state.sharedIds.keys()) {
      if (!state.local.has(id)) this.#unmerge(state, id);
    }
    state.shared.clear();
    state.sharedIds.clear();
    state.lastSeq = 0;
  }

  #merge(state: KindState, claim: Claim): void {
    state.merged.set(claim.id ?? '', claim);
    state.listed = undefined;
  }

  #unmerge(state: KindState, id: string): void {
    if (state.merged.delete(id)) state.listed = undefined;
  }

  #storeState(usable: boolean, err?: unknown): void {
    if (usable === this.#storeUsable) return;
    this.#storeUsable = usable;
    this.#options.onStoreState?.(usable, err);
  }

  #stateOf(kind: WatchedKind): KindState {
    let state = this.#kinds.get(kind);
    if (!state) {
      state = { local: new Map(), shared: new Map(), sharedIds: new Map(), epoch: '', lastSeq: 0, merged: new Map(), listed: undefined };
      this.#kinds.set(kind, state);
    }
    return state;
  }
}

/** An entry written by another replica (maybe of another version): kept only if it is a claim. */
function parseClaim(text: string, kind: WatchedKind, seq: number): Claim | null {
  try {
    const value = JSON.parse(text) as Partial<Claim>;
    const valid = value.kind === kind && typeof value.name === 'string' && typeof value.id === 'string' && typeof value.payload === 'object' && value.payload !== null;
    return valid ? { kind, name: value.name as string, payload: value.payload as Record<string, unknown>, id: value.id as string, seq } : null;
  } catch {
    return null;
  }
}
