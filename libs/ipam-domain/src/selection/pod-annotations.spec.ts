// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isSpiderpoolError } from '@spiderpool/errors';
import {
  isValidInterfaceName,
  parseDefaultRouteNic,
  parseIppoolAnnotation,
  parseIppoolsAnnotation,
  parseNamespaceDefaultPools,
  parseRoutesAnnotation,
  parseSubnetAnnotations,
} from './pod-annotations.ts';

/** Asserts an INVALID_INPUT error whose message names `key` and contains `rule`. */
function expectInvalid(run: () => unknown, key: string, rule: string): void {
  let caught: unknown;
  try {
    run();
  } catch (err) {
    caught = err;
  }
  expect(isSpiderpoolError(caught, 'INVALID_INPUT')).toBe(true);
  const err = caught as Error & { field?: string };
  expect(err.field).toBe(key);
  expect(err.message).toContain(`wrong input: ${key}: value `);
  expect(err.message).toContain(rule);
}

describe('parseIppoolsAnnotation', () => {
  const KEY = 'ipam.spidernet.io/ippools';

  it('parses named entries with cleangateway', () => {
    const text = '[{"interface":"eth0","ipv4":["v4-a"],"ipv6":["v6-a"]},{"interface":"net1","ipv4":["v4-b*"],"cleangateway":true}]';
    expect(parseIppoolsAnnotation(text)).toEqual([
      { interface: 'eth0', ipv4: ['v4-a'], ipv6: ['v6-a'] },
      { interface: 'net1', ipv4: ['v4-b*'], ipv6: [], cleanGateway: true },
    ]);
  });

  it('parses unnamed entries and Go-style case-insensitive keys', () => {
    expect(parseIppoolsAnnotation('[{"IPv4":["a"]},{"ipv6":["b"],"cleanGateway":false}]')).toEqual([
      { ipv4: ['a'], ipv6: [] },
      { ipv4: [], ipv6: ['b'], cleanGateway: false },
    ]);
  });

  it('rejects bad JSON and wrong shapes', () => {
    const shape = 'must be a JSON array of {"interface","ipv4","ipv6","cleangateway"}';
    expectInvalid(() => parseIppoolsAnnotation('[{"ipv4":'), KEY, shape);
    expectInvalid(() => parseIppoolsAnnotation('{"ipv4":["a"]}'), KEY, shape);
    expectInvalid(() => parseIppoolsAnnotation('[]'), KEY, 'with at least one entry');
    expectInvalid(() => parseIppoolsAnnotation('["a"]'), KEY, 'entry 0 must be an object');
  });

  it('rejects non-string pool names and entries without pools', () => {
    expectInvalid(() => parseIppoolsAnnotation('[{"ipv4":[1]}]'), KEY, 'entry 0: ipv4 must hold non-empty strings, found 1');
    expectInvalid(() => parseIppoolsAnnotation('[{"ipv4":"a"}]'), KEY, 'entry 0: ipv4 must be an array of names');
    expectInvalid(() => parseIppoolsAnnotation('[{"ipv4":["a"]},{"interface":"net1"}]'), KEY, 'entry 1 must name at least one IPv4 or IPv6 pool');
    expectInvalid(() => parseIppoolsAnnotation('[{"ipv4":["a","a"]}]'), KEY, 'lists "a" twice');
  });

  it('rejects mixed naming, duplicate interfaces and bad field types', () => {
    expectInvalid(() => parseIppoolsAnnotation('[{"interface":"eth0","ipv4":["a"]},{"ipv4":["b"]}]'), KEY, 'on every entry or on none');
    expectInvalid(() => parseIppoolsAnnotation('[{"interface":"eth0","ipv4":["a"]},{"interface":"eth0","ipv4":["b"]}]'), KEY, 'lists interface "eth0" twice');
    expectInvalid(() => parseIppoolsAnnotation('[{"interface":"eth0","ipv4":["a"],"cleangateway":"yes"}]'), KEY, 'cleangateway must be true or false');
    expectInvalid(() => parseIppoolsAnnotation('[{"interface":7,"ipv4":["a"]}]'), KEY, 'interface must be a string');
    expectInvalid(() => parseIppoolsAnnotation('[{"interface":"a/b","ipv4":["a"]}]'), KEY, 'must be a valid interface name');
  });
});

describe('parseIppoolAnnotation', () => {
  const KEY = 'ipam.spidernet.io/ippool';

  it('parses one or both families', () => {
    expect(parseIppoolAnnotation('{"ipv4":["a","b*"]}')).toEqual({ ipv4: ['a', 'b*'], ipv6: [] });
    expect(parseIppoolAnnotation('{"ipv4":["a"],"ipv6":["c"]}')).toEqual({ ipv4: ['a'], ipv6: ['c'] });
    expect(parseIppoolAnnotation('{"ipv4":null,"ipv6":["c"]}')).toEqual({ ipv4: [], ipv6: ['c'] });
  });

  it('rejects bad JSON, arrays and empty selections', () => {
    expectInvalid(() => parseIppoolAnnotation('ipv4: a'), KEY, 'must be a JSON object {"ipv4":[..],"ipv6":[..]} (not valid JSON)');
    expectInvalid(() => parseIppoolAnnotation('[{"ipv4":["a"]}]'), KEY, 'must be a JSON object');
    expectInvalid(() => parseIppoolAnnotation('{"ipv4":[],"ipv6":[]}'), KEY, 'must name at least one IPv4 or IPv6 pool');
    expectInvalid(() => parseIppoolAnnotation('{}'), KEY, 'must name at least one');
  });

  it('rejects wrong element types', () => {
    expectInvalid(() => parseIppoolAnnotation('{"ipv4":[""]}'), KEY, 'ipv4 must hold non-empty strings');
    expectInvalid(() => parseIppoolAnnotation('{"ipv6":{"a":1}}'), KEY, 'ipv6 must be an array of names');
  });
});

describe('parseRoutesAnnotation', () => {
  const KEY = 'ipam.spidernet.io/routes';

  it('parses routes of both families in canonical form', () => {
    expect(parseRoutesAnnotation('[{"dst":"198.51.100.0/24","gw":"192.0.2.1"},{"dst":"2001:DB8:1::/48","gw":"2001:db8::0001"}]')).toEqual([
      { dst: '198.51.100.0/24', gw: '192.0.2.1' },
      { dst: '2001:db8:1::/48', gw: '2001:db8::1' },
    ]);
    expect(parseRoutesAnnotation('[]')).toEqual([]);
  });

  it('clears host bits of dst, as upstream does', () => {
    expect(parseRoutesAnnotation('[{"dst":"198.51.100.7/24","gw":"192.0.2.1"}]')).toEqual([{ dst: '198.51.100.0/24', gw: '192.0.2.1' }]);
  });

  it('rejects bad JSON and wrong shapes', () => {
    expectInvalid(() => parseRoutesAnnotation('[{"dst":'), KEY, 'must be a JSON array of {"dst","gw"}');
    expectInvalid(() => parseRoutesAnnotation('{"dst":"198.51.100.0/24","gw":"192.0.2.1"}'), KEY, 'must be a JSON array');
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"198.51.100.0/24"}]'), KEY, 'route 0 must have string fields "dst" and "gw"');
    expectInvalid(() => parseRoutesAnnotation('["198.51.100.0/24"]'), KEY, 'route 0 must be an object');
  });

  it('rejects bad addresses, default routes, mixed families and duplicate dst', () => {
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"198.51.100.0","gw":"192.0.2.1"}]'), KEY, 'must be a CIDR');
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"198.51.100.0/33","gw":"192.0.2.1"}]'), KEY, 'must be a CIDR');
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"198.51.100.0/24","gw":"192.0.2.300"}]'), KEY, 'gw "192.0.2.300" must be an IP address');
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"0.0.0.0/0","gw":"192.0.2.1"}]'), KEY, 'must not be a default route (use the pool gateway instead)');
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"::/0","gw":"2001:db8::1"}]'), KEY, 'must not be a default route');
    expectInvalid(() => parseRoutesAnnotation('[{"dst":"198.51.100.0/24","gw":"2001:db8::1"}]'), KEY, 'must be of the same IP family');
    expectInvalid(
      () => parseRoutesAnnotation('[{"dst":"198.51.100.0/24","gw":"192.0.2.1"},{"dst":"198.51.100.0/24","gw":"192.0.2.2"}]'),
      KEY,
      'lists dst 198.51.100.0/24 twice',
    );
  });
});

describe('parseDefaultRouteNic', () => {
  const KEY = 'ipam.spidernet.io/default-route-nic';

  it('accepts interface names', () => {
    expect(parseDefaultRouteNic('net1')).toBe('net1');
    expect(parseDefaultRouteNic('a'.repeat(15))).toBe('a'.repeat(15));
  });

  it('rejects empty, long, slashes and whitespace', () => {
    expectInvalid(() => parseDefaultRouteNic(''), KEY, 'must be an interface name');
    expectInvalid(() => parseDefaultRouteNic('a'.repeat(16)), KEY, 'must be an interface name');
    expectInvalid(() => parseDefaultRouteNic('net/1'), KEY, 'must be an interface name');
    expectInvalid(() => parseDefaultRouteNic(' net1'), KEY, 'must be an interface name');
    expectInvalid(() => parseDefaultRouteNic('..'), KEY, 'must be an interface name');
  });

  it('checks interface names like Linux does', () => {
    expect(isValidInterfaceName('eth0')).toBe(true);
    expect(isValidInterfaceName('eth0:1')).toBe(false);
    expect(isValidInterfaceName('.')).toBe(false);
  });
});

describe('parseNamespaceDefaultPools', () => {
  const KEY = 'ipam.spidernet.io/default-ipv4-ippool';

  it('parses a JSON string array, empty allowed', () => {
    expect(parseNamespaceDefaultPools('["ns-a","ns-*"]', KEY)).toEqual(['ns-a', 'ns-*']);
    expect(parseNamespaceDefaultPools('[]', KEY)).toEqual([]);
  });

  it('rejects bad JSON, non-arrays, non-strings and duplicates, naming the key it was given', () => {
    expectInvalid(() => parseNamespaceDefaultPools('ns-a', KEY), KEY, 'must be a JSON array of pool names');
    expectInvalid(() => parseNamespaceDefaultPools('"ns-a"', KEY), KEY, 'must be a JSON array of pool names');
    expectInvalid(() => parseNamespaceDefaultPools('[1]', 'ipam.spidernet.io/default-ipv6-ippool'), 'ipam.spidernet.io/default-ipv6-ippool', 'must hold non-empty strings');
    expectInvalid(() => parseNamespaceDefaultPools('["a","a"]', KEY), KEY, 'lists "a" twice');
  });
});

describe('parseSubnetAnnotations', () => {
  it('returns undefined without subnet annotations', () => {
    expect(parseSubnetAnnotations({ 'ipam.spidernet.io/ippool': '{"ipv4":["a"]}' })).toBeUndefined();
  });

  it('returns a marker for subnet, defaulting the interface to eth0', () => {
    expect(parseSubnetAnnotations({ 'ipam.spidernet.io/subnet': '{"ipv4":["s4"]}' })).toEqual({
      key: 'ipam.spidernet.io/subnet',
      nics: [{ interface: 'eth0', ipv4: ['s4'], ipv6: [] }],
    });
  });

  it('prefers subnets over subnet', () => {
    const marker = parseSubnetAnnotations({
      'ipam.spidernet.io/subnet': '{"ipv4":["s4"]}',
      'ipam.spidernet.io/subnets': '[{"interface":"eth0","ipv4":["s4"]},{"interface":"net1","ipv6":["s6"]}]',
    });
    expect(marker?.key).toBe('ipam.spidernet.io/subnets');
    expect(marker?.nics).toHaveLength(2);
  });

  it('rejects malformed subnet values', () => {
    const KEY = 'ipam.spidernet.io/subnet';
    expectInvalid(() => parseSubnetAnnotations({ [KEY]: '{"ipv4":' }), KEY, 'not valid JSON');
    expectInvalid(() => parseSubnetAnnotations({ [KEY]: '["s4"]' }), KEY, 'must be an object');
    expectInvalid(() => parseSubnetAnnotations({ [KEY]: '{"interface":"eth0"}' }), KEY, 'must name at least one IPv4 or IPv6 SpiderSubnet');
  });

  it('rejects malformed subnets values, duplicate interfaces and reused subnets', () => {
    const KEY = 'ipam.spidernet.io/subnets';
    expectInvalid(() => parseSubnetAnnotations({ [KEY]: '{"ipv4":["s"]}' }), KEY, 'must be a JSON array');
    expectInvalid(() => parseSubnetAnnotations({ [KEY]: '[{"ipv4":["a"]},{"ipv4":["b"]}]' }), KEY, 'lists interface "eth0" twice');
    expectInvalid(
      () => parseSubnetAnnotations({ [KEY]: '[{"interface":"eth0","ipv4":["a"]},{"interface":"net1","ipv4":["a"]}]' }),
      KEY,
      'uses SpiderSubnet "a" for more than one interface',
    );
  });
});
