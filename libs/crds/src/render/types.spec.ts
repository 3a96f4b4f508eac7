// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import type { V1LabelSelector } from '@kubernetes/client-node';
import { ALL_CRDS } from '../crds.ts';
import { TYPES_FILE } from '../generate.ts';
import type { OpenApiSchema } from '../schema/to-openapi.ts';
import { REPO_ROOT } from '../testing/repo-root.ts';
import type { SpiderEndpoint, SpiderIPPool, SpiderMultusConfig } from '../gen/types.ts';

interface Member {
  optional: boolean;
  type: string;
}

/** Reads the committed types back with the TypeScript parser, independently of the renderer. */
function parseTypes(): { interfaces: Map<string, Map<string, Member>>; aliases: Map<string, string> } {
  const text = readFileSync(join(REPO_ROOT, TYPES_FILE), 'utf8');
  const source = ts.createSourceFile('types.ts', text, ts.ScriptTarget.Latest, true);
  const interfaces = new Map<string, Map<string, Member>>();
  const aliases = new Map<string, string>();
  for (const statement of source.statements) {
    if (ts.isInterfaceDeclaration(statement)) interfaces.set(statement.name.text, readMembers(statement, source));
    else if (ts.isTypeAliasDeclaration(statement)) aliases.set(statement.name.text, statement.type.getText(source));
  }
  return { interfaces, aliases };
}

function readMembers(statement: ts.InterfaceDeclaration, source: ts.SourceFile): Map<string, Member> {
  const members = new Map<string, Member>();
  for (const m of statement.members) {
    if (!ts.isPropertySignature(m) || !m.type) throw new Error(`unexpected member in ${statement.name.text}`);
    const name = ts.isStringLiteral(m.name) ? m.name.text : m.name.getText(source);
    members.set(name, { optional: Boolean(m.questionToken), type: m.type.getText(source) });
  }
  return members;
}

const { interfaces, aliases } = parseTypes();

/** Types from `@kubernetes/client-node` used for schema nodes, with their JSON field names. */
const labelSelectorFields: Record<keyof V1LabelSelector, true> = { matchExpressions: true, matchLabels: true };
const EXTERNAL: Record<string, string[]> = { V1LabelSelector: Object.keys(labelSelectorFields), V1ObjectMeta: [] };

function resolve(type: string): string {
  let current = type;
  while (aliases.has(current)) current = aliases.get(current)!;
  return current;
}

const quote = (v: string | number): string => (typeof v === 'string' ? `'${v}'` : String(v));

function compareInterface(name: string, schema: OpenApiSchema, path: string, problems: string[]): void {
  const resolved = resolve(name);
  if (EXTERNAL[resolved]) {
    const fields = Object.keys(schema.properties ?? {}).sort();
    if (fields.join() !== [...EXTERNAL[resolved]].sort().join()) {
      problems.push(`${path}: ${resolved} has [${EXTERNAL[resolved]}] but the schema has [${fields}]`);
    }
    return;
  }
  const members = interfaces.get(resolved);
  if (!members) {
    problems.push(`${path}: no interface ${resolved}`);
    return;
  }
  const fields = Object.keys(schema.properties ?? {});
  if ([...members.keys()].join() !== fields.join()) {
    problems.push(`${path}: ${resolved} has [${[...members.keys()]}] but the schema has [${fields}]`);
  }
  for (const field of fields) {
    const member = members.get(field);
    if (!member) continue;
    const required = schema.required?.includes(field) ?? false;
    if (member.optional === required) problems.push(`${path}.${field}: optional=${member.optional} but required=${required}`);
    compareType(member.type, schema.properties![field]!, `${path}.${field}`, problems);
  }
}

function compareType(text: string, schema: OpenApiSchema, path: string, problems: string[]): void {
  const type = resolve(text.trim());
  const mismatch = (expected: string): void => {
    if (type !== expected) problems.push(`${path}: type ${type}, schema wants ${expected}`);
  };
  if (schema['x-kubernetes-preserve-unknown-fields']) return mismatch('Record<string, unknown>');
  switch (schema.type) {
    case 'array': {
      const inner = /^Array<(.+)>$/.exec(type)?.[1] ?? /^(.+)\[\]$/.exec(type)?.[1];
      if (inner === undefined) problems.push(`${path}: ${type} is not an array`);
      else compareType(inner, schema.items!, `${path}[]`, problems);
      return;
    }
    case 'object': {
      if (typeof schema.additionalProperties === 'object') {
        const inner = /^Record<string, (.+)>$/.exec(type)?.[1];
        if (inner === undefined) problems.push(`${path}: ${type} is not a Record`);
        else compareType(inner, schema.additionalProperties, `${path}{}`, problems);
        return;
      }
      return compareInterface(type, schema, path, problems);
    }
    case 'string':
      // apiVersion and kind are narrowed to their one literal value.
      if (!schema.enum && /^'[^']*'$/.test(type) && /\.(apiVersion|kind)$/.test(path)) return;
      return mismatch(schema.enum ? schema.enum.map(quote).join(' | ') : 'string');
    case 'integer':
      return mismatch(schema.enum ? schema.enum.map(quote).join(' | ') : 'number');
    case 'boolean':
      return mismatch('boolean');
    default:
      problems.push(`${path}: unexpected schema type ${schema.type}`);
  }
}

describe('generated TypeScript types', () => {
  it.each(ALL_CRDS.map((crd) => [crd.spec.names.kind, crd] as const))('of %s follow the schema exactly', (kind, crd) => {
    const problems: string[] = [];
    compareInterface(kind, crd.spec.versions[0]!.schema.openAPIV3Schema, kind, problems);
    expect(problems).toEqual([]);
    expect(interfaces.get(`${kind}List`)?.get('items')?.type).toBe(`${kind}[]`);
  });

  it('name every spec and status type after its kind', () => {
    for (const crd of ALL_CRDS) {
      const root = crd.spec.versions[0]!.schema.openAPIV3Schema;
      for (const field of ['spec', 'status'] as const) {
        if (!root.properties?.[field]) continue;
        const name = `${crd.spec.names.kind}${field === 'spec' ? 'Spec' : 'Status'}`;
        expect(interfaces.has(name) || aliases.has(name)).toBe(true);
      }
    }
  });

  it('spell out representative paths', () => {
    expect(interfaces.get('SpiderIPPoolSpec')?.get('subnet')).toEqual({ optional: false, type: 'string' });
    expect(interfaces.get('SpiderIPPoolSpec')?.get('ipVersion')).toEqual({ optional: true, type: '4 | 6' });
    expect(interfaces.get('SpiderIPPoolSpec')?.get('routes')).toEqual({ optional: true, type: 'Route[]' });
    expect(interfaces.get('Route')).toEqual(
      new Map([
        ['dst', { optional: false, type: 'string' }],
        ['gw', { optional: false, type: 'string' }],
      ]),
    );
    expect(interfaces.get('SpiderIPPoolStatus')?.get('allocatedIPs')).toEqual({ optional: true, type: 'string' });
    expect(interfaces.get('PodIPAllocation')?.get('ips')).toEqual({ optional: false, type: 'IPAllocationDetail[]' });
    expect(interfaces.get('CoordinatorSpec')?.get('mode')?.type).toContain("'disable'");
    expect(interfaces.get('SpiderMultusConfigSpec')?.get('coordinator')?.type).toBe('CoordinatorSpec');
    expect(aliases.get('SpiderCoordinatorSpec')).toBe('CoordinatorSpec');
  });

  it('accept objects shaped like upstream manifests (checked by tsc)', () => {
    const pool: SpiderIPPool = {
      apiVersion: 'spiderpool.spidernet.io/v2beta1',
      kind: 'SpiderIPPool',
      metadata: { name: 'pool-v4' },
      spec: { subnet: '192.0.2.0/24', ipVersion: 4, routes: [{ dst: '198.51.100.0/24', gw: '192.0.2.1' }] },
    };
    const endpoint: SpiderEndpoint = {
      metadata: { name: 'pod-a', namespace: 'default' },
      status: {
        current: { uid: 'u', node: 'n', ips: [{ interface: 'eth0', ipv4: '192.0.2.10/24' }] },
        ownerControllerType: 'Pod',
        ownerControllerName: 'pod-a',
      },
    };
    const smc: SpiderMultusConfig = { spec: { cniType: 'macvlan', macvlan: { master: ['eth1'] } } };
    expect([pool.spec.subnet, endpoint.status?.current.node, smc.spec?.macvlan?.master]).toEqual([
      '192.0.2.0/24',
      'n',
      ['eth1'],
    ]);
  });
});
