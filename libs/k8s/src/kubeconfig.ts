// SPDX-License-Identifier: Apache-2.0
import { existsSync } from 'node:fs';
import { KubeConfig } from '@kubernetes/client-node';
import { SpiderpoolError } from '@spiderpool/errors';

const IN_CLUSTER_TOKEN = '/var/run/secrets/kubernetes.io/serviceaccount/token';

/**
 * Loads credentials the way a Kubernetes component is expected to: an explicit kubeconfig
 * path wins, then `KUBECONFIG`, then the in-cluster service account. Fails with a clear
 * message instead of silently talking to localhost:8080.
 */
export function loadKubeConfig(path?: string, env: NodeJS.ProcessEnv = process.env): KubeConfig {
  const kc = new KubeConfig();
  const file = path || env['KUBECONFIG'];
  if (file) {
    if (!existsSync(file)) throw new SpiderpoolError('INVALID_INPUT', `kubeconfig ${file} does not exist`, { field: 'KUBECONFIG' });
    kc.loadFromFile(file);
  } else if (env['KUBERNETES_SERVICE_HOST'] && existsSync(IN_CLUSTER_TOKEN)) {
    kc.loadFromCluster();
  } else {
    throw new SpiderpoolError('INVALID_INPUT', 'no kubeconfig: set KUBECONFIG or run inside a cluster', { field: 'KUBECONFIG' });
  }
  if (!kc.getCurrentCluster()) throw new SpiderpoolError('INVALID_INPUT', 'kubeconfig has no current cluster', { field: 'KUBECONFIG' });
  return kc;
}
