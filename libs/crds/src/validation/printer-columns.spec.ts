// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { ALL_CRDS } from '../crds.ts';
import { parseJsonPath, schemaAtJsonPath } from './json-path.ts';

const columns = ALL_CRDS.flatMap((crd) =>
  (crd.spec.versions[0]!.additionalPrinterColumns ?? []).map(
    (column) => [`${crd.spec.names.kind} ${column.name}`, crd.spec.versions[0]!.schema.openAPIV3Schema, column] as const,
  ),
);

describe('printer columns', () => {
  it('exist for the kinds upstream shows columns for', () => {
    const kinds = new Set(columns.map(([label]) => label.split(' ')[0]));
    expect([...kinds].sort()).toEqual(['SpiderEndpoint', 'SpiderIPPool', 'SpiderReservedIP', 'SpiderSubnet']);
  });

  it.each(columns)('%s points at a field of the schema with a matching type', (_label, schema, column) => {
    const node = schemaAtJsonPath(schema, column.jsonPath);
    expect(node).toBeDefined();
    // A string column can show anything; a typed column must agree with the field.
    if (column.type !== 'string') expect(node?.type).toBe(column.type);
  });

  it('resolve bracketed keys of maps and array indexes', () => {
    expect(parseJsonPath(".a[0]['x\\.y/z\\-w'].b")).toEqual([{ field: 'a' }, { index: 0 }, { field: 'x.y/z-w' }, { field: 'b' }]);
    expect(() => parseJsonPath('.a[*]')).toThrow('unsupported JSONPath');
  });
});
