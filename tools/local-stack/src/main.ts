// SPDX-License-Identifier: Apache-2.0
// `npm start` (README's first command): the local stack on the embedded test bed — a real
// kube-apiserver, etcd, kube-controller-manager and kwok, a private Redis, the CRDs and webhook
// configurations from the kustomize manifests, and the four services as separate processes —
// then a demo workload: sample pools and a SpiderSubnet, a Deployment on a simulated node, and
// every demo pod wired through the real CNI path into a network namespace. Prints pods, NICs,
// addresses and pool usage, then stays up until Ctrl-C; `--once` tears down after the report.
import { freePort, Testbed, createSimulatedNode, startServices, waitHealthy, type ServiceProcess, type SimulatedNode } from '@spiderpool/e2e';
import { KubeClient, loadKubeConfig, Resources } from '@spiderpool/k8s';
import { demoReport } from './demo-report.ts';
import { DemoWorkload, netnsAvailable, type WiredPod } from './demo-workload.ts';
import { applyCrds, registerWebhooks } from './kustomize-install.ts';

const once = process.argv.includes('--once');
const NODE = 'demo-node-1';
const say = (line = ''): boolean => process.stdout.write(`${line}\n`);

const started = Date.now();
const testbed = new Testbed();
let services: ServiceProcess[] = [];
let simNode: SimulatedNode | undefined;
let demo: DemoWorkload | undefined;
let stopping = false;

async function shutdown(code: number): Promise<never> {
  if (!stopping) {
    stopping = true;
    say('\nstopping the local stack ...');
    // CNI DEL while node-agent and ipam-service still run: the addresses go back to their pools.
    demo?.teardown();
    simNode?.remove();
    await Promise.all(services.map((s) => s.process.stop()));
    await testbed.stop();
    say('stopped.');
  }
  process.exit(code);
}
process.on('SIGINT', () => void shutdown(0));
process.on('SIGTERM', () => void shutdown(0));

async function main(): Promise<void> {
  const unavailable = netnsAvailable();
  if (unavailable) throw new Error(unavailable);
  say('starting control plane (etcd, kube-apiserver, kube-controller-manager, kwok) and redis-server ...');
  const state = await testbed.start();
  const kube = await KubeClient.create(loadKubeConfig(state.kubeconfig));
  const kinds = applyCrds(state.kubectl, state.kubeconfig);
  const webhookPort = await freePort();
  const webhookConfigs = await registerWebhooks({ kubectl: state.kubectl, kube, port: webhookPort });
  await kube.create(Resources.nodes, { apiVersion: 'v1', kind: 'Node', metadata: { name: NODE, annotations: { 'kwok.x-k8s.io/node': 'fake' }, labels: { type: 'kwok' } } });
  // Named per run: a stack left behind by a killed run never blocks the next one.
  simNode = createSimulatedNode(`spdemo-${process.pid}-node`);

  say('starting ipam-service, webhook-service, gc-service and node-agent ...');
  const stack = await startServices({
    stateDir: state.stateDir,
    kubeconfig: state.kubeconfig,
    redisUrl: state.redisUrl,
    node: NODE,
    webhookPort,
    env: {
      'ipam-service': { SPIDERPOOL_ENABLE_SPIDER_SUBNET: 'true', SPIDERPOOL_NAMESPACE: 'spiderpool' },
      'webhook-service': { SPIDERPOOL_WEBHOOK_CONFIG_NAMES: webhookConfigs.join(',') },
      // node-agent's host-side work happens in the simulated node's namespace, not the machine's.
      'node-agent': { SPIDERPOOL_HOST_NETNS: simNode.path },
    },
  });
  services = stack.services;
  await waitHealthy(services, 60_000);

  say(`\nlocal stack is up (${((Date.now() - started) / 1000).toFixed(1)}s)\n`);
  say(`  kube-apiserver  ${state.apiserverUrl}`);
  say(`  redis           ${state.redisUrl}`);
  say(`  simulated node  ${NODE} (network namespace ${simNode.name})`);
  say(`  CRDs            ${kinds.join(', ')} (kubectl apply -k deploy/base/crds)`);
  say(`  webhooks        ${webhookConfigs.join(', ')} (from deploy/kustomize/base, served on 127.0.0.1:${webhookPort})`);
  say('');
  say('  SERVICE          READY  OPS (health/metrics)           ENDPOINT');
  for (const s of services) {
    say(`  ${s.name.padEnd(16)} yes    http://127.0.0.1:${String(s.opsPort).padEnd(6)}/readyz  ${s.endpoint}`);
  }

  say('\ndemo workload: pools demo-v4/demo-v6, SpiderSubnet demo-subnet, Deployment web (3 replicas, auto-pool), pods db-0/db-1 (dual stack) ...');
  demo = new DemoWorkload({ kube, stateDir: state.stateDir, cniPluginsDir: state.cniPluginsDir, socketPath: stack.socketPath, simNode, node: NODE });
  demo.installPlugins();
  await demo.createSamples();
  const pods = await demo.pods();
  const wired: WiredPod[] = [];
  for (const [i, pod] of pods.entries()) wired.push(demo.wire(pod, i));
  say('each pod: CNI ADD (macvlan → spiderpool IPAM → node-agent → ipam-service) into its own network namespace\n');
  for (const line of await demoReport(kube, wired)) say(line);
  say('');
  say(`  kubectl: ${state.kubectl} --kubeconfig ${state.kubeconfig} get spiderippools,spidersubnets`);
  say(`  logs:    ${state.stateDir}/logs/`);
  if (once) await shutdown(0);
  say('\nPress Ctrl-C to stop (pods are released through CNI DEL, everything is removed).');
}

main().catch(async (err: unknown) => {
  process.stderr.write(`local stack failed: ${err instanceof Error ? err.message : String(err)}\n`);
  await shutdown(1);
});
