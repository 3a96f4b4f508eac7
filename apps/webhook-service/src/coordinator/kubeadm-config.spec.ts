// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { parseKubeadmNetworking } from './kubeadm-config.ts';

describe('kubeadm ClusterConfiguration networking', () => {
  it('reads podSubnet and serviceSubnet as kubeadm writes them', () => {
    const text = [
      'apiServer:',
      '  extraArgs:',
      '    authorization-mode: Node,RBAC',
      'apiVersion: kubeadm.k8s.io/v1beta3',
      'clusterName: kubernetes',
      'kind: ClusterConfiguration',
      'networking:',
      '  dnsDomain: cluster.local',
      '  podSubnet: 10.244.0.0/16,fd00:10:244::/56',
      '  serviceSubnet: 10.96.0.0/12',
      '',
    ].join('\n');
    expect(parseKubeadmNetworking(text)).toEqual({ podSubnet: '10.244.0.0/16,fd00:10:244::/56', serviceSubnet: '10.96.0.0/12' });
  });

  it('leaves out what is not set or empty', () => {
    expect(parseKubeadmNetworking('kind: ClusterConfiguration\nnetworking:\n  serviceSubnet: 10.96.0.0/12\n  podSubnet: ""\n')).toEqual({ serviceSubnet: '10.96.0.0/12' });
    expect(parseKubeadmNetworking('kind: ClusterConfiguration\n')).toEqual({});
    expect(parseKubeadmNetworking('networking: none\n')).toEqual({});
  });

  it('names text that is not a YAML mapping', () => {
    expect(parseKubeadmNetworking('networking: [unclosed').problem).toMatch(/^ClusterConfiguration is not valid YAML: /);
    expect(parseKubeadmNetworking('- a\n- b\n')).toEqual({ problem: 'ClusterConfiguration is not a YAML mapping' });
    expect(parseKubeadmNetworking('')).toEqual({ problem: 'ClusterConfiguration is not a YAML mapping' });
  });
});
