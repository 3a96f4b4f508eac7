// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { tryParseCidr } from '@spiderpool/ipam-domain';
import { cidrLabelValue } from './cidr-label.ts';
import { isDns1123Label, isDns1123Subdomain, isLabelValue, isQualifiedName } from './k8s-names.ts';

describe('Kubernetes name syntax', () => {
  it.each([
    ['default', true],
    ['kube-system', true],
    ['a'.repeat(63), true],
    ['a'.repeat(64), false],
    ['Default', false],
    ['-a', false],
    ['a.b', false],
  ])('DNS-1123 label %s: %s', (text, ok) => expect(isDns1123Label(text)).toBe(ok));

  it.each([
    ['node-1.example', true],
    ['node_1', false],
    ['a..b', false],
    ['', false],
  ])('DNS-1123 subdomain %s: %s', (text, ok) => expect(isDns1123Subdomain(text)).toBe(ok));

  it.each([
    ['app', true],
    ['app.kubernetes.io/name', true],
    ['ipam.spidernet.io/app-name', true],
    ['Under_score.Dot-dash', true],
    ['/name', false],
    ['a/b/c', false],
    ['bad key', false],
    ['-lead', false],
    [`${'a'.repeat(64)}`, false],
  ])('label key %s: %s', (key, ok) => expect(isQualifiedName(key)).toBe(ok));

  it.each([
    ['', true],
    ['web', true],
    ['v1.2_3-x', true],
    ['web!', false],
    ['-web', false],
    ['z'.repeat(64), false],
  ])('label value %j: %s', (value, ok) => expect(isLabelValue(value)).toBe(ok));
});

describe('cidrLabelValue', () => {
  it.each([
    ['192.0.2.0/24', '192-0-2-0-24'],
    ['2001:db8::/64', '2001-db8---64'],
    ['2001:db8:1:2:3:4:5:0/112', '2001-db8-1-2-3-4-5-0-112'],
    ['::/0', undefined],
  ])('%s → %s', (text, label) => {
    const cidr = tryParseCidr(text);
    expect(cidr && cidrLabelValue(cidr)).toBe(label);
  });
});
