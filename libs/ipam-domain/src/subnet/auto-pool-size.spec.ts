// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { desiredIpCount, parseIpNumber, parseReclaim, workloadReplicas } from './auto-pool-size.ts';

describe('parseIpNumber', () => {
  it.each([
    ['3', { kind: 'fixed', count: 3 }],
    ['+0', { kind: 'relative', extra: 0 }],
    ['+2', { kind: 'relative', extra: 2 }],
    [' 7 ', { kind: 'fixed', count: 7 }],
  ])('reads %j', (text, want) => {
    expect(parseIpNumber(text)).toEqual(want);
  });

  it('is undefined without the annotation', () => {
    expect(parseIpNumber(undefined)).toBeUndefined();
  });

  it.each([
    ['-1', 'must be a whole number N'],
    ['++1', 'must be a whole number N'],
    ['1.5', 'must be a whole number N'],
    ['', 'must be a whole number N'],
    ['0', 'a fixed size must be at least 1'],
    ['100000', 'must not exceed 65536'],
  ])('refuses %j, naming the annotation and the rule', (text, rule) => {
    expect(() => parseIpNumber(text)).toThrow(expect.objectContaining({ code: 'INVALID_INPUT', field: 'annotation ipam.spidernet.io/ippool-ip-number' }));
    expect(() => parseIpNumber(text)).toThrow(rule);
  });
});

describe('parseReclaim', () => {
  it('defaults to true and reads true/false only', () => {
    expect(parseReclaim(undefined)).toBe(true);
    expect(parseReclaim('false')).toBe(false);
    expect(parseReclaim('true')).toBe(true);
    expect(() => parseReclaim('yes')).toThrow(expect.objectContaining({ field: 'annotation ipam.spidernet.io/ippool-reclaim' }));
  });
});

describe('desiredIpCount', () => {
  const base = { replicas: 3, defaultExtra: 1, thirdParty: false };

  it('is the fixed size, replicas + N, or replicas + the cluster default when the annotation is absent', () => {
    expect(desiredIpCount({ ...base, ipNumber: { kind: 'fixed', count: 5 } })).toBe(5);
    expect(desiredIpCount({ ...base, ipNumber: { kind: 'relative', extra: 2 } })).toBe(5);
    expect(desiredIpCount({ ...base, ipNumber: undefined })).toBe(4);
  });

  it('keeps at least one address for an application scaled to zero', () => {
    expect(desiredIpCount({ replicas: 0, defaultExtra: 0, thirdParty: false, ipNumber: undefined })).toBe(1);
  });

  it('needs the annotation for a third-party controller, where +N means N', () => {
    expect(desiredIpCount({ ...base, thirdParty: true, ipNumber: { kind: 'relative', extra: 4 } })).toBe(4);
    expect(desiredIpCount({ ...base, thirdParty: true, ipNumber: { kind: 'fixed', count: 2 } })).toBe(2);
    expect(() => desiredIpCount({ ...base, thirdParty: true, ipNumber: undefined })).toThrow('is required for an application of a third-party controller');
  });
});

describe('workloadReplicas', () => {
  it.each([
    [{ kind: 'Deployment', spec: { replicas: 4 } }, 4],
    [{ kind: 'Deployment', spec: {} }, 1],
    [{ kind: 'ReplicaSet', spec: { replicas: 0 } }, 0],
    [{ kind: 'StatefulSet', spec: { replicas: 2 } }, 2],
    [{ kind: 'DaemonSet', status: { desiredNumberScheduled: 6 } }, 6],
    [{ kind: 'DaemonSet' }, 0],
    [{ kind: 'Job', spec: { parallelism: 3, completions: 5 } }, 5],
    [{ kind: 'Job', spec: { parallelism: 0 } }, 1],
    [{ kind: 'CronJob', spec: { jobTemplate: { spec: { parallelism: 2 } } } }, 2],
    [{ kind: 'CloneSet', spec: { replicas: 9 } }, undefined],
    [{ kind: 'Deployment', spec: { replicas: -2 } }, 1],
  ])('%j → %j', (workload, want) => {
    expect(workloadReplicas(workload)).toBe(want);
  });
});
