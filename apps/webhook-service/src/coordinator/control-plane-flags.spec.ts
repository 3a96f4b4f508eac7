// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { commandLines, flagValue } from './control-plane-flags.ts';

describe('control-plane flags', () => {
  const kubeadm = ['kube-controller-manager', '--allocate-node-cidrs=true', '--cluster-cidr=10.244.0.0/16,fd00:10:244::/56', '--service-cluster-ip-range=10.96.0.0/12'];

  it('reads --flag=value as kubeadm writes it', () => {
    expect(flagValue(kubeadm, 'cluster-cidr')).toBe('10.244.0.0/16,fd00:10:244::/56');
    expect(flagValue(kubeadm, 'service-cluster-ip-range')).toBe('10.96.0.0/12');
  });

  it('reads "--flag value" pairs and shell command lines', () => {
    expect(flagValue(['kube-controller-manager', '--cluster-cidr', '198.51.100.0/24'], 'cluster-cidr')).toBe('198.51.100.0/24');
    expect(flagValue(['/bin/sh', '-c', 'exec kube-apiserver --v=2 --service-cluster-ip-range=203.0.113.0/24 --secure-port=6443'], 'service-cluster-ip-range')).toBe('203.0.113.0/24');
    expect(flagValue(['kube-apiserver', '--service-cluster-ip-range="203.0.113.0/24"'], 'service-cluster-ip-range')).toBe('203.0.113.0/24');
  });

  it('takes the last of repeated flags, as the components do', () => {
    expect(flagValue(['x', '--cluster-cidr=192.0.2.0/24', '--cluster-cidr=198.51.100.0/24'], 'cluster-cidr')).toBe('198.51.100.0/24');
  });

  it('does not confuse flags sharing a prefix, and answers undefined for absent or empty flags', () => {
    expect(flagValue(['x', '--cluster-cidr-extra=192.0.2.0/24'], 'cluster-cidr')).toBeUndefined();
    expect(flagValue(['x', '--cluster-cidr='], 'cluster-cidr')).toBeUndefined();
    expect(flagValue(['x', '--cluster-cidr', '--v=2'], 'cluster-cidr')).toBeUndefined();
    expect(flagValue([], 'cluster-cidr')).toBeUndefined();
  });

  it('joins command and args of every container', () => {
    const pod = { spec: { containers: [{ command: ['kube-controller-manager'], args: ['--cluster-cidr=192.0.2.0/24'] }, { args: ['--v=1'] }, {}] } };
    expect(commandLines(pod)).toEqual([['kube-controller-manager', '--cluster-cidr=192.0.2.0/24'], ['--v=1'], []]);
    expect(commandLines({})).toEqual([]);
  });
});
