// SPDX-License-Identifier: Apache-2.0
/**
 * Codec for a SpiderIPPool's `status.allocatedIPs`. On the wire it is a JSON *string* holding an
 * object `{"<ip>": {"pod": "<ns>/<name>", "podUid": "<uid>", ...}}` (upstream's format); we add
 * the optional keys of AllocationRecord. The pool status is the source of truth for "address in
 * use", so anything unreadable is corrupted state: decoding fails loudly (INTERNAL) rather than
 * silently treating the pool as emptier than it is.
 */
import { SpiderpoolError } from '@spiderpool/errors';
import { formatIp, tryParseIp, type IpAddress } from '../ip/ip-address.ts';
import type { AllocationRecord } from '../types.ts';

/** Optional record keys, in the order they are written after `pod` and `podUid`. */
const OPTIONAL_KEYS = ['containerID', 'nic', 'node', 'ownerKind'] as const;

/**
 * Decodes `status.allocatedIPs`. Undefined, `""` and `"{}"` give an empty map. Keys are
 * re-formatted canonically so lookups by formatIp output always hit. Unknown record keys are
 * dropped. Throws INTERNAL naming the pool for malformed JSON, a key that is not an address, two
 * keys spelling one address, or a record without string `pod`/`podUid`.
 */
export function decodeAllocatedIPs(text: string | undefined, poolName: string): Map<string, AllocationRecord> {
  const records = new Map<string, AllocationRecord>();
  if (text === undefined || text === '') return records;
  const root = parseJson(text, poolName);
  if (!isPlainObject(root)) throw corrupted(poolName, 'is not a JSON object');
  for (const [key, value] of Object.entries(root)) {
    const ip = tryParseIp(key);
    if (!ip) throw corrupted(poolName, `has key ${JSON.stringify(key)} that is not an IP address`);
    const canonical = formatIp(ip);
    if (records.has(canonical)) throw corrupted(poolName, `records ${canonical} twice`);
    records.set(canonical, decodeRecord(value, { poolName, ip: canonical }));
  }
  return records;
}

/**
 * Encodes records for `status.allocatedIPs`. Deterministic: addresses ascend numerically (not as
 * strings, so 192.0.2.9 comes before 192.0.2.10) and record keys have a fixed order, so an
 * unchanged map always produces the same text. An empty map gives undefined: the field is
 * removed instead of written as "{}".
 */
export function encodeAllocatedIPs(records: ReadonlyMap<string, AllocationRecord>): string | undefined {
  if (records.size === 0) return undefined;
  const body = sortByAddress([...records.entries()])
    .map(([ip, record]) => `${JSON.stringify(ip)}:${encodeRecord(record)}`)
    .join(',');
  return `{${body}}`;
}

/** The records held by `podUid`, ascending by address. */
export function recordsOfPod(
  records: ReadonlyMap<string, AllocationRecord>,
  podUid: string,
): Array<[string, AllocationRecord]> {
  return sortByAddress([...records.entries()].filter(([, record]) => record.podUid === podUid));
}

/** Sorts `[ip, x]` pairs by family then numeric address; a key that is not an IP is a bug. */
export function sortByAddress<T>(entries: Array<[string, T]>): Array<[string, T]> {
  const keyed = entries.map((entry): [IpAddress, [string, T]] => {
    const ip = tryParseIp(entry[0]);
    if (!ip) throw new SpiderpoolError('INTERNAL', `allocation record key ${JSON.stringify(entry[0])} is not an IP address`);
    return [ip, entry];
  });
  keyed.sort(([a], [b]) => a.version - b.version || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0));
  return keyed.map(([, entry]) => entry);
}

function parseJson(text: string, poolName: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (err) {
    throw new SpiderpoolError('INTERNAL', `IPPool ${poolName}: status.allocatedIPs is not valid JSON`, { cause: err });
  }
}

function decodeRecord(value: unknown, where: { poolName: string; ip: string }): AllocationRecord {
  if (!isPlainObject(value) || typeof value['pod'] !== 'string' || typeof value['podUid'] !== 'string') {
    throw corrupted(where.poolName, `record of ${where.ip} lacks string "pod" and "podUid"`);
  }
  const record: AllocationRecord = { pod: value['pod'], podUid: value['podUid'] };
  for (const key of OPTIONAL_KEYS) {
    const field = value[key];
    // null is accepted as "absent": encoders that write nil pointers produce it.
    if (field === undefined || field === null) continue;
    if (typeof field !== 'string') throw corrupted(where.poolName, `record of ${where.ip} has a non-string "${key}"`);
    record[key] = field;
  }
  return record;
}

function encodeRecord(record: AllocationRecord): string {
  const out: Record<string, string> = { pod: record.pod, podUid: record.podUid };
  for (const key of OPTIONAL_KEYS) {
    const field = record[key];
    if (field !== undefined) out[key] = field;
  }
  return JSON.stringify(out);
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function corrupted(poolName: string, what: string): SpiderpoolError {
  return new SpiderpoolError('INTERNAL', `IPPool ${poolName}: status.allocatedIPs ${what}`);
}
