// SPDX-License-Identifier: Apache-2.0
/**
 * Codec of a SpiderSubnet's `status.controlledIPPools`: a JSON string
 * `{"<pool>":{"ips":["<range>"],"application":"…"}}` recording which addresses the subnet lent
 * to which pool. Readers (admission) get an unreadable status reported as such rather
 * than thrown: the decision is then taken on what could be read.
 */
export interface ControlledPoolRecord {
  ips: string[];
  application?: string;
}

export type ControlledPools =
  | { ok: true; records: Map<string, ControlledPoolRecord> }
  | { ok: false; reason: string };

export function decodeControlledPools(text: string | undefined): ControlledPools {
  const records = new Map<string, ControlledPoolRecord>();
  if (text === undefined || text === '') return { ok: true, records };
  let root: unknown;
  try {
    root = JSON.parse(text);
  } catch {
    return { ok: false, reason: 'is not valid JSON' };
  }
  if (!isObject(root)) return { ok: false, reason: 'is not a JSON object' };
  for (const [pool, value] of Object.entries(root)) {
    const record = toRecord(value);
    if (!record) return { ok: false, reason: `has a record for pool ${JSON.stringify(pool)} without an "ips" string list` };
    records.set(pool, record);
  }
  return { ok: true, records };
}

function toRecord(value: unknown): ControlledPoolRecord | undefined {
  if (!isObject(value)) return undefined;
  const ips = value['ips'] ?? [];
  if (!Array.isArray(ips) || !ips.every((ip) => typeof ip === 'string')) return undefined;
  const record: ControlledPoolRecord = { ips: ips as string[] };
  if (typeof value['application'] === 'string') record.application = value['application'];
  return record;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * The status text for these records, keys sorted so that an unchanged ledger encodes to the
 * same text (the writer compares texts to skip needless writes).
 */
export function encodeControlledPools(records: ReadonlyMap<string, ControlledPoolRecord>): string {
  const out: Record<string, ControlledPoolRecord> = {};
  for (const name of [...records.keys()].sort()) {
    const record = records.get(name) as ControlledPoolRecord;
    out[name] = record.application === undefined ? { ips: record.ips } : { ips: record.ips, application: record.application };
  }
  return JSON.stringify(out);
}
