// SPDX-License-Identifier: Apache-2.0
// `claims` of the admission context: objects admitted a moment ago that the caches (or even the
// API server, while the request is still in flight) may not show yet. Kept in this process, so
// that one replica works alone, and in a shared store when there is one, so that replicas see
// each other's. Entries expire on their own. Every claim gets an id and its place in the order
// of claims (see claim-order.ts), which is what lets overlap checks run without a lock.
import { randomUUID } from 'node:crypto';
import { invalidInput } from '@spiderpool/errors';
import type { Claim, ClaimRegistry, WatchedKind } from './admission-types.ts';

/** A live entry of the shared store and its place in the store's order of entries. */
export interface StoredClaim {
  seq: number;
  text: string;
}

/** A store shared by the replicas (Redis); entries are serialised claims. */
export interface ClaimStore {
  /** Adds the entry; resolves with its sequence number (one counter for every kind). */
  add(kind: WatchedKind, serialised: string, ttlMs: number): Promise<number>;
  /** The entries of `kind` that have not expired. */
  list(kind: WatchedKind): Promise<readonly StoredClaim[]>;
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

/** What the registry keeps per kind. */
interface KindState {
  /** This replica's claims by id, in the order they were added. */
  local: Map<string, LocalEntry>;
  /** Bumped on every change of `local`. */
  localVersion: number;
  /**
   * The store's entries of the last read, parsed, by sequence number: each is parsed once, and
   * the same Claim object comes back on every read, so that callers can memoise work per claim.
   */
  parsed: Map<number, Claim | null>;
  /** The store's answer the parsed claims below come from (the store hands out one array until it changes). */
  sharedFrom: readonly StoredClaim[] | undefined;
  shared: Claim[];
  /** The last list() answer and what it was made of; given again while none of that changed. */
  listed: { sharedFrom: readonly StoredClaim[]; localVersion: number; nextExpiry: number; claims: Claim[] } | undefined;
}

const NO_ENTRIES: readonly StoredClaim[] = [];

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
    state.localVersion += 1;
    const store = this.#options.store;
    if (!store) return entry.claim;
    try {
      const seq = await store.add(claim.kind, JSON.stringify({ kind: claim.kind, name: claim.name, payload: claim.payload, id }), ttlMs);
      if (entry.claim.seq === undefined) {
        entry.claim = { ...entry.claim, seq };
        state.localVersion += 1;
      }
      this.#storeState(true);
    } catch (err) {
      this.#storeState(false, err);
    }
    return entry.claim;
  }

  /** Unexpired claims of `kind` (this replica's own entry stands for its copy in the store). */
  async list(kind: WatchedKind): Promise<Claim[]> {
    const state = this.#stateOf(kind);
    const sharedFrom = await this.#sharedEntries(kind);
    const now = this.#now();
    const last = state.listed;
    if (last && last.sharedFrom === sharedFrom && last.localVersion === state.localVersion && now < last.nextExpiry) return last.claims;
    if (sharedFrom !== state.sharedFrom) this.#parseShared(state, kind, sharedFrom);
    const byId = new Map<string, Claim>();
    for (const claim of state.shared) byId.set(claim.id ?? '', claim);
    let nextExpiry = Infinity;
    for (const [id, entry] of state.local) {
      if (entry.expiresAt <= now) {
        state.local.delete(id);
        continue;
      }
      nextExpiry = Math.min(nextExpiry, entry.expiresAt);
      // The store may know the claim's place before its answer to add() arrived here (or when
      // that answer was lost): take it, so every replica orders this claim the same way.
      const seq = byId.get(id)?.seq;
      if (entry.claim.seq === undefined && seq !== undefined) entry.claim = { ...entry.claim, seq };
      byId.set(id, entry.claim);
    }
    const claims = [...byId.values()];
    state.listed = { sharedFrom, localVersion: state.localVersion, nextExpiry, claims };
    return claims;
  }

  async #sharedEntries(kind: WatchedKind): Promise<readonly StoredClaim[]> {
    const store = this.#options.store;
    if (!store) return NO_ENTRIES;
    try {
      const entries = await store.list(kind);
      this.#storeState(true);
      return entries;
    } catch (err) {
      this.#storeState(false, err);
      return NO_ENTRIES;
    }
  }

  #parseShared(state: KindState, kind: WatchedKind, entries: readonly StoredClaim[]): void {
    const parsed = new Map<number, Claim | null>();
    for (const { seq, text } of entries) parsed.set(seq, state.parsed.has(seq) ? (state.parsed.get(seq) ?? null) : parseClaim(text, kind, seq));
    state.parsed = parsed;
    state.sharedFrom = entries;
    state.shared = [...parsed.values()].filter((c): c is Claim => c !== null);
  }

  #storeState(usable: boolean, err?: unknown): void {
    if (usable === this.#storeUsable) return;
    this.#storeUsable = usable;
    this.#options.onStoreState?.(usable, err);
  }

  #stateOf(kind: WatchedKind): KindState {
    let state = this.#kinds.get(kind);
    if (!state) {
      state = { local: new Map(), localVersion: 0, parsed: new Map(), sharedFrom: undefined, shared: [], listed: undefined };
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
