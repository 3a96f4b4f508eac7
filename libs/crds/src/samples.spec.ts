// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { readFileSync, readdirSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { join, relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { crdDefinitionOf } from './crds.ts';
import { GROUP } from './constants.ts';
import { THIRD_PARTY_CRD_DEFINITIONS } from './schema/all.ts';
import { rootNode } from './schema/crd-definition.ts';
import { toOpenApi } from './schema/to-openapi.ts';
import { REPO_ROOT } from './testing/repo-root.ts';
import { findStructuralViolations } from './validation/structural.ts';
import { isRecord, validateResource } from './validation/validate-value.ts';

const SAMPLES_DIR = join(REPO_ROOT, 'deploy/samples');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return yamlFiles(path);
    return entry.name.endsWith('.yaml') ? [path] : [];
  });
}

const samples = yamlFiles(SAMPLES_DIR)
  .sort()
  .map((path) => {
    const docs = parseAllDocuments(readFileSync(path, 'utf8'));
    const [doc] = Array.isArray(docs) ? docs : [docs];
    if (!doc || (Array.isArray(docs) && docs.length !== 1)) throw new Error(`${path}: expected exactly one object`);
    if (doc.errors.length > 0) throw new Error(`${path}: ${doc.errors[0]?.message}`);
    return { name: relative(SAMPLES_DIR, path), object: doc.toJS() as Record<string, unknown> };
  });

/** The documentation ranges of RFC 5737 and RFC 3849; samples must not use real addresses. */
const documentation = new BlockList();
documentation.addSubnet('192.0.2.0', 24, 'ipv4');
documentation.addSubnet('198.51.100.0', 24, 'ipv4');
documentation.addSubnet('203.0.113.0', 24, 'ipv4');
documentation.addSubnet('2001:db8::', 32, 'ipv6');

function addressesIn(value: unknown): string[] {
  if (typeof value === 'string') {
    return value
      .split(/[\s,"'[\]{}=]+/)
      .flatMap((token) => token.split(/[-/]/))
      .filter((part) => isIP(part) !== 0);
  }
  if (Array.isArray(value)) return value.flatMap(addressesIn);
  return isRecord(value) ? Object.values(value).flatMap(addressesIn) : [];
}

describe('deploy/samples', () => {
  it('cover every Spiderpool kind and CNI type, one object per file', () => {
    const spiderpool = samples.filter((s) => !s.name.startsWith('third-party/'));
    expect(spiderpool.length).toBeGreaterThanOrEqual(14);
    const kinds = new Set(spiderpool.map((s) => s.object['kind']));
    expect([...kinds].sort()).toEqual([
      'SpiderCoordinator',
      'SpiderEndpoint',
      'SpiderIPPool',
      'SpiderMultusConfig',
      'SpiderReservedIP',
      'SpiderSubnet',
    ]);
    const cniTypes = spiderpool
      .filter((s) => s.object['kind'] === 'SpiderMultusConfig')
      .map((s) => (s.object['spec'] as { cniType: string }).cniType);
    expect(cniTypes.sort()).toEqual(['custom', 'ipvlan', 'macvlan', 'ovs', 'sriov', 'vlan']);
  });

  it.each(samples.map((s) => [s.name, s.object] as const))('%s conforms to its CRD', (name, object) => {
    const def = crdDefinitionOf(String(object['apiVersion']), String(object['kind']));
    expect(def).toBeDefined();
    if (!def) return;
    expect(name.startsWith('third-party/')).toBe(THIRD_PARTY_CRD_DEFINITIONS.includes(def));
    expect(def.group === GROUP || name.startsWith('third-party/')).toBe(true);
    const metadata = object['metadata'] as { namespace?: string };
    expect(metadata.namespace !== undefined).toBe(def.scope === 'Namespaced');
    const schema = toOpenApi(rootNode(def));
    expect(findStructuralViolations(schema)).toEqual([]);
    expect(validateResource(schema, object)).toEqual([]);
  });

  it.each(samples.map((s) => [s.name, s.object] as const))('%s uses documentation addresses only', (_name, object) => {
    const foreign = addressesIn(object).filter((ip) => !documentation.check(ip, isIP(ip) === 6 ? 'ipv6' : 'ipv4'));
    expect(foreign).toEqual([]);
  });
});
