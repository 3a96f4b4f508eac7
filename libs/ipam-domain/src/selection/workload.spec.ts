// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { isKubevirtVmValid, isPodAlive, isValidStatefulSetReplica, statefulSetOrdinal } from './workload.ts';

describe('isPodAlive', () => {
  it('is alive while running or pending', () => {
    expect(isPodAlive({ phase: 'Running', restartPolicy: 'Always' })).toBe(true);
    expect(isPodAlive({ phase: 'Pending' })).toBe(true);
    expect(isPodAlive({})).toBe(true);
  });

  it('is not alive while terminating', () => {
    expect(isPodAlive({ phase: 'Running', deletionTimestamp: '2024-01-01T00:00:00Z' })).toBe(false);
    expect(isPodAlive({ phase: 'Running', deletionTimestamp: new Date(0) })).toBe(false);
    expect(isPodAlive({ phase: 'Running', deletionTimestamp: true })).toBe(false);
    expect(isPodAlive({ phase: 'Running', deletionTimestamp: false })).toBe(true);
    expect(isPodAlive({ phase: 'Running', deletionTimestamp: null })).toBe(true);
  });

  it('is not alive after Succeeded unless restartPolicy is Always', () => {
    expect(isPodAlive({ phase: 'Succeeded', restartPolicy: 'Never' })).toBe(false);
    expect(isPodAlive({ phase: 'Succeeded', restartPolicy: 'OnFailure' })).toBe(false);
    expect(isPodAlive({ phase: 'Succeeded', restartPolicy: 'Always' })).toBe(true);
    expect(isPodAlive({ phase: 'Succeeded' })).toBe(true);
  });

  it('is not alive after Failed with restartPolicy Never or when Evicted', () => {
    expect(isPodAlive({ phase: 'Failed', restartPolicy: 'Never' })).toBe(false);
    expect(isPodAlive({ phase: 'Failed', restartPolicy: 'OnFailure' })).toBe(true);
    expect(isPodAlive({ phase: 'Failed', restartPolicy: 'Always', reason: 'Evicted' })).toBe(false);
    expect(isPodAlive({ phase: 'Running', reason: 'Evicted' })).toBe(true);
  });
});

describe('statefulSetOrdinal', () => {
  it('reads the ordinal of replica names', () => {
    expect(statefulSetOrdinal('web-0', 'web')).toBe(0);
    expect(statefulSetOrdinal('web-12', 'web')).toBe(12);
    expect(statefulSetOrdinal('my-web-3', 'my-web')).toBe(3);
  });

  it('rejects names that are not replicas of this StatefulSet', () => {
    expect(statefulSetOrdinal('web-0', 'db')).toBeUndefined();
    expect(statefulSetOrdinal('web-a', 'web')).toBeUndefined();
    expect(statefulSetOrdinal('web-', 'web')).toBeUndefined();
    expect(statefulSetOrdinal('web-01', 'web')).toBeUndefined();
    expect(statefulSetOrdinal('web-1-2', 'web')).toBeUndefined();
    expect(statefulSetOrdinal('web-99999999999999999999', 'web')).toBeUndefined();
    expect(statefulSetOrdinal('-0', '')).toBeUndefined();
  });
});

describe('isValidStatefulSetReplica', () => {
  it('accepts ordinals below replicas', () => {
    expect(isValidStatefulSetReplica({ podName: 'web-2', stsName: 'web', replicas: 3 })).toBe(true);
    expect(isValidStatefulSetReplica({ podName: 'web-3', stsName: 'web', replicas: 3 })).toBe(false);
    expect(isValidStatefulSetReplica({ podName: 'web-0', stsName: 'web', replicas: 0 })).toBe(false);
  });

  it('defaults replicas to 1', () => {
    expect(isValidStatefulSetReplica({ podName: 'web-0', stsName: 'web' })).toBe(true);
    expect(isValidStatefulSetReplica({ podName: 'web-1', stsName: 'web' })).toBe(false);
  });

  it('honours spec.ordinals.start', () => {
    const sts = { stsName: 'web', replicas: 3, ordinalsStart: 5 };
    expect(isValidStatefulSetReplica({ ...sts, podName: 'web-4' })).toBe(false);
    expect(isValidStatefulSetReplica({ ...sts, podName: 'web-5' })).toBe(true);
    expect(isValidStatefulSetReplica({ ...sts, podName: 'web-7' })).toBe(true);
    expect(isValidStatefulSetReplica({ ...sts, podName: 'web-8' })).toBe(false);
  });

  it('rejects pods of another StatefulSet', () => {
    expect(isValidStatefulSetReplica({ podName: 'db-0', stsName: 'web', replicas: 3 })).toBe(false);
  });
});

describe('isKubevirtVmValid', () => {
  const gone = { vmiExists: false, vmiTerminating: false, vmExists: false, vmTerminating: false };

  it('keeps the IPs while the VMI is alive', () => {
    expect(isKubevirtVmValid({ ...gone, vmiExists: true })).toBe(true);
    expect(isKubevirtVmValid({ ...gone, vmiExists: true, vmiTerminating: true })).toBe(false);
  });

  it('keeps the IPs while the VM exists and is not terminating', () => {
    expect(isKubevirtVmValid({ ...gone, vmExists: true })).toBe(true);
    expect(isKubevirtVmValid({ ...gone, vmExists: true, vmTerminating: true })).toBe(false);
    expect(isKubevirtVmValid({ vmiExists: true, vmiTerminating: true, vmExists: true, vmTerminating: false })).toBe(true);
  });

  it('releases when neither exists', () => {
    expect(isKubevirtVmValid(gone)).toBe(false);
  });
});
