// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { appOfPoolLabels, autoPoolAffinity, autoPoolLabels, autoPoolName, groupVersionLabel, isPoolOf, splitApiVersion, type AppRef } from './auto-pool-identity.ts';

const app: AppRef = { apiVersion: 'apps/v1', kind: 'Deployment', namespace: 'team-a', name: 'Web', uid: '2c4f6a1e-0b3d-4e5f-8a9b-c0d1e2f3a4b5' };
const isName = (s: string): boolean => s.length <= 63 && /^[a-z0-9]([a-z0-9.-]*[a-z0-9])?$/.test(s);

describe('autoPoolName', () => {
  it('names family, application, NIC and the start of the UID\'s last segment', () => {
    expect(autoPoolName({ app, nic: 'eth0', version: 4 })).toBe('auto4-web-eth0-c0d1e');
    expect(autoPoolName({ app, nic: 'net1', version: 6 })).toBe('auto6-web-net1-c0d1e');
  });

  it('stays a valid 63-character name for a long application name', () => {
    const name = autoPoolName({ app: { ...app, name: `a${'-very-long-name'.repeat(20)}` }, nic: 'eth0', version: 6 });
    expect(isName(name)).toBe(true);
    expect(name.endsWith('-eth0-c0d1e')).toBe(true);
  });
});

describe('autoPoolLabels and autoPoolAffinity', () => {
  it('carry the application identity in valid label values', () => {
    expect(autoPoolLabels({ app, nic: 'eth0', version: 4, subnet: 'subnet-a', reclaim: false })).toEqual({
      'ipam.spidernet.io/owner-spider-subnet': 'subnet-a',
      'ipam.spidernet.io/owner-application-gv': 'apps_v1',
      'ipam.spidernet.io/owner-application-kind': 'Deployment',
      'ipam.spidernet.io/owner-application-namespace': 'team-a',
      'ipam.spidernet.io/owner-application-name': 'Web',
      'ipam.spidernet.io/owner-application-uid': app.uid,
      'ipam.spidernet.io/interface': 'eth0',
      'ipam.spidernet.io/ip-version': 'IPv4',
      'ipam.spidernet.io/ippool-reclaim': 'false',
    });
    expect(autoPoolAffinity({ ...app, apiVersion: 'apps.kruise.io/v1alpha1', kind: 'CloneSet' }).matchLabels).toEqual({
      'ipam.spidernet.io/app-api-group': 'apps.kruise.io',
      'ipam.spidernet.io/app-api-version': 'v1alpha1',
      'ipam.spidernet.io/app-kind': 'CloneSet',
      'ipam.spidernet.io/app-namespace': 'team-a',
      'ipam.spidernet.io/app-name': 'Web',
    });
  });

  it('keeps label values within 63 characters', () => {
    const labels = autoPoolLabels({ app: { ...app, name: 'x'.repeat(200) }, nic: 'eth0', version: 6, subnet: 's', reclaim: true });
    expect(Object.values(labels).every((v) => v.length <= 63)).toBe(true);
  });

  it('writes group/version without a slash', () => {
    expect(groupVersionLabel('batch/v1')).toBe('batch_v1');
    expect(groupVersionLabel('v1')).toBe('v1');
  });
});

describe('reading the labels back', () => {
  const target = { app, nic: 'eth0', version: 4 as const, subnet: 's', reclaim: false };
  const labels = autoPoolLabels(target);

  it('splits group and version, the core group being empty', () => {
    expect(splitApiVersion('apps/v1')).toEqual({ group: 'apps', version: 'v1' });
    expect(splitApiVersion('v1')).toEqual({ group: '', version: 'v1' });
  });

  it('names the application its labels were written for', () => {
    expect(appOfPoolLabels(labels)).toEqual({ ...app, name: 'Web' });
  });

  it('recognises the pool of this incarnation, of any incarnation, and nothing else', () => {
    expect(isPoolOf(labels, target)).toBe(true);
    const next = { ...target, app: { ...app, uid: 'ffffffff-0000-4000-8000-000000000000' } };
    expect(isPoolOf(labels, next)).toBe(false);
    expect(isPoolOf(labels, next, { anyIncarnation: true })).toBe(true);
    expect(isPoolOf(labels, { ...target, app: { ...app, kind: 'StatefulSet' } }, { anyIncarnation: true })).toBe(false);
    expect(isPoolOf(labels, { ...target, nic: 'net1' })).toBe(false);
    expect(isPoolOf(labels, { ...target, version: 6 })).toBe(false);
    expect(isPoolOf(undefined, target)).toBe(false);
  });
});
