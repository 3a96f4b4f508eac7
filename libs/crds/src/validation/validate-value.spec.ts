// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { CRDS } from '../crds.ts';
import type { OpenApiSchema } from '../schema/to-openapi.ts';
import { validateResource, validateValue } from './validate-value.ts';

const poolSchema = CRDS.SpiderIPPool.spec.versions[0]!.schema.openAPIV3Schema;

describe('validateValue', () => {
  it('accepts a well-formed pool', () => {
    const pool = {
      apiVersion: 'spiderpool.spidernet.io/v2beta1',
      kind: 'SpiderIPPool',
      metadata: { name: 'p', labels: { a: 'b' } },
      spec: { subnet: '192.0.2.0/24', ipVersion: 4, podAffinity: { matchLabels: { app: 'x' } } },
      status: { allocatedIPCount: 0 },
    };
    expect(validateResource(poolSchema, pool)).toEqual([]);
  });

  it('reports wrong types, enums, ranges, required and unknown fields with their paths', () => {
    const pool = {
      metadata: { name: 'p' },
      spec: { ipVersion: 5, ips: '192.0.2.1', routes: [{ dst: '198.51.100.0/24' }], vlan: 3 },
      status: { allocatedIPCount: -1 },
    };
    expect(validateResource(poolSchema, pool)).toEqual([
      '.spec.subnet: is required',
      '.spec.ipVersion: 5 is not one of 4, 6',
      '.spec.ips: must be an array',
      '.spec.routes[0].gw: is required',
      '.spec.vlan: unknown field',
      '.status.allocatedIPCount: -1 is less than 0',
    ]);
  });

  it('requires a name and leaves the rest of metadata to the apiserver', () => {
    expect(validateResource(poolSchema, { metadata: {}, spec: { subnet: 's' } })).toEqual([
      '.metadata: needs a name or generateName',
    ]);
  });

  it('lets open objects hold anything and checks int-or-string and null', () => {
    const schema: OpenApiSchema = {
      type: 'object',
      properties: {
        open: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        port: { 'x-kubernetes-int-or-string': true },
        name: { type: 'string' },
      },
    };
    expect(validateValue(schema, { open: { any: [1, { x: null }] }, port: 'http' })).toEqual([]);
    expect(validateValue(schema, { port: 1.5, name: null })).toEqual([
      '.port: must be an integer or a string',
      '.name: must not be null',
    ]);
  });
});
