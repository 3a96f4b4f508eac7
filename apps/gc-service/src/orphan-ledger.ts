// SPDX-License-Identifier: Apache-2.0
/**
 * Pool records carry no creation time, so the age of a record that has neither pod nor
 * SpiderEndpoint is counted from when this process first saw it so. A new leader starts with an
 * empty ledger: its grace window starts over, which only delays (never hastens) a release.
 */
export class OrphanLedger {
  readonly #since = new Map<string, number>();

  static key(pool: string, ip: string, podUid: string): string {
    return `${pool}|${ip}|${podUid}`;
  }

  since(key: string): number | undefined {
    return this.#since.get(key);
  }

  /** Notes whether the record is an orphan right now; returns when it was first seen as one. */
  observe(key: string, orphan: boolean, now: number): number | undefined {
    if (!orphan) {
      this.#since.delete(key);
      return undefined;
    }
    const since = this.#since.get(key) ?? now;
    this.#since.set(key, since);
    return since;
  }

  /** Forgets records a full scan no longer found. */
  retainOnly(keys: ReadonlySet<string>): void {
    for (const key of this.#since.keys()) if (!keys.has(key)) this.#since.delete(key);
  }
}
