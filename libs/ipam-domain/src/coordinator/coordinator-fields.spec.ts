// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import {
  cidrOrIpAsCidr,
  coordinatorModeOf,
  isValidPodRPFilter,
  macPrefixProblem,
  policyRouteProblem,
  routeTableProblem,
} from './coordinator-fields.ts';

describe('coordinator field checks', () => {
  it('reads both spellings of the disabled mode as one mode and refuses others', () => {
    expect(coordinatorModeOf('disabled')).toBe('disable');
    expect(coordinatorModeOf('disable')).toBe('disable');
    expect(coordinatorModeOf('overlay')).toBe('overlay');
    expect(coordinatorModeOf('Overlay')).toBeUndefined();
    expect(coordinatorModeOf('toString')).toBeUndefined();
    expect(coordinatorModeOf(3)).toBeUndefined();
  });

  it('makes bare IPs host routes and keeps CIDRs as written', () => {
    expect(cidrOrIpAsCidr('192.0.2.7')).toBe('192.0.2.7/32');
    expect(cidrOrIpAsCidr('2001:db8::7')).toBe('2001:db8::7/128');
    expect(cidrOrIpAsCidr('198.51.100.1/24')).toBe('198.51.100.1/24');
    expect(cidrOrIpAsCidr('198.51.100.0/33')).toBeUndefined();
    expect(cidrOrIpAsCidr('not-an-ip')).toBeUndefined();
    expect(cidrOrIpAsCidr(undefined)).toBeUndefined();
  });

  it('names the broken part of a policy route', () => {
    expect(policyRouteProblem('203.0.113.0/24', '192.0.2.1')).toBeUndefined();
    expect(policyRouteProblem('2001:db8:1::', '2001:db8::1')).toBeUndefined();
    expect(policyRouteProblem('203.0.113.0/40', '192.0.2.1')).toBe('dst');
    expect(policyRouteProblem('203.0.113.0/24', 'gw')).toBe('gw');
    expect(policyRouteProblem('203.0.113.0/24', undefined)).toBe('gw');
    expect(policyRouteProblem('203.0.113.0/24', '2001:db8::1')).toBe('family');
  });

  it('accepts a unicast two-byte MAC prefix only', () => {
    expect(macPrefixProblem('0a:1B')).toBeUndefined();
    expect(macPrefixProblem('0a:1b:2c')).toBe('format');
    expect(macPrefixProblem('0a1b')).toBe('format');
    expect(macPrefixProblem('01:00')).toBe('multicast');
    expect(macPrefixProblem('ff:00')).toBe('multicast');
  });

  it('keeps route tables inside 1..2^32-1 and off the kernel tables', () => {
    expect(routeTableProblem(500)).toBeUndefined();
    expect(routeTableProblem(1)).toBeUndefined();
    expect(routeTableProblem(0xffff_ffff)).toBeUndefined();
    expect(routeTableProblem(0)).toBe('range');
    expect(routeTableProblem(2 ** 32)).toBe('range');
    expect(routeTableProblem(1.5)).toBe('range');
    expect(routeTableProblem(253)).toBe('reserved');
    expect(routeTableProblem(255)).toBe('reserved');
  });

  it('accepts rp_filter 0, 1, 2 and any negative value (leave as is)', () => {
    for (const v of [-7, -1, 0, 1, 2]) expect(isValidPodRPFilter(v)).toBe(true);
    for (const v of [3, 0.5, '1', undefined]) expect(isValidPodRPFilter(v)).toBe(false);
  });
});
