// SPDX-License-Identifier: Apache-2.0
// `npm start`: the local stack on the embedded test bed — a real kube-apiserver, etcd,
// kube-controller-manager and kwok, a private Redis, the CRDs, and the four services as
// separate processes. Stays up until Ctrl-C; `--once` exits after everything is healthy.
import { CoreV1Api } from '@kubernetes/client-node';
import { Testbed, startServices, waitHealthy, type ServiceProcess } from '@spiderpool/e2e';
import { ALL_CRDS } from '@spiderpool/crds';
import { installCrds, loadKubeConfig } from '@spiderpool/k8s';

const once = process.argv.includes('--once');
const NODE = 'demo-node-1';
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);

const started = Date.now();
const testbed = new Testbed();
let services: ServiceProcess[] = [];
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('\nstopping the local stack ...');
    await Promise.all(services.map((s) => s.process.stop()));
    await testbed.stop();
    say('stopped.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

try {
  say('starting control plane (etcd, kube-apiserver, kube-controller-manager, kwok) and redis-server ...');
  const state = await testbed.start();
  const kc = loadKubeConfig(state.kubeconfig);
  await installCrds(kc, ALL_CRDS, { fieldManager: 'spiderpool-local-stack' });
  await kc.makeApiClient(CoreV1Api).createNode({
    body: { metadata: { name: NODE, annotations: { 'kwok.x-k8s.io/node': 'fake' } } },
  });
  ({ services } = await startServices({ stateDir: state.stateDir, kubeconfig: state.kubeconfig, redisUrl: state.redisUrl, node: NODE }));
  await waitHealthy(services, 60_000);

  say(`\nlocal stack is up (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  say(`  kube-apiserver  ${state.apiserverUrl}`);
  say(`  redis           ${state.redisUrl}`);
  say(`  simulated node  ${NODE}`);
  say(`  CRDs            ${ALL_CRDS.map((c) => c.spec.names.kind).join(', ')}`);
  say('');
  say('  SERVICE          READY  OPS (health/metrics)           ENDPOINT');
  for (const s of services) {
    say(`  ${s.name.padEnd(16)} yes    http://127.0.0.1:${String(s.opsPort).padEnd(6)}/readyz  ${s.endpoint}`);
  }
  say('');
  say(`  kubectl: ${state.kubectl} --kubeconfig ${state.kubeconfig} get spiderippools`);
  say(`  logs:    ${state.stateDir}/logs/`);
  if (once) await shutdown(0);
  say('\nPress Ctrl-C to stop.');
} catch (err) {
  process.stderr.write(`local stack failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await shutdown(1);
}
