// SPDX-License-Identifier: Apache-2.0
// `npm run bench:subnet`: applications getting addresses through SpiderSubnet auto-pools,
// against the same applications through pool annotations, in one run on the embedded test bed.
//
// Each series creates D Deployments of R replicas at once; the real kube-controller-manager
// creates their ReplicaSets and pods; a driver plays the kubelet's CNI ADD: every pod the
// pod watch shows is allocated through ipam-service's Allocate (at most C in flight). Timed:
// from the first Deployment create to the last pod allocated.
//   baseline  pools exist beforehand (one per Deployment), pods name theirs by `ippool`
//   subnet    one SpiderSubnet; the subnet controller creates each Deployment's pool, and
//             Allocate waits (by watching) for it
//
// Options: --deployments N (100) --replicas N (10) --concurrency N (64)
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_VERSION, ALL_CRDS } from '@spiderpool/crds';
import { installCrds, loadKubeConfig, Reflector, Resources, type KubeObject } from '@spiderpool/k8s';
import { ensureNamespace, SERVICES_NAMESPACE, STATE_ENV, Testbed } from '@spiderpool/e2e';
import { addRequest, createNamespace, createNode, createPool, kube, startIpamServices, stopIpamServices, type IpamProcess, type PodObject } from '@spiderpool/e2e/ipam';
import { metricValue, percentile, runBounded } from './stats.ts';

const { values } = parseArgs({
  options: {
    deployments: { type: 'string', default: '100' },
    replicas: { type: 'string', default: '10' },
    concurrency: { type: 'string', default: '64' },
  },
});
const DEPLOYMENTS = Number(values.deployments);
const REPLICAS = Number(values.replicas);
const CONCURRENCY = Number(values.concurrency);
const PODS = DEPLOYMENTS * REPLICAS;
const TIMEOUT_MS = 600_000;
const say = (s = ''): boolean => process.stdout.write(`${s}\n`);

interface SeriesResult {
  label: string;
  seconds: number;
  allocated: number;
  failures: number;
  p50ms: number;
  p99ms: number;
  errors: string[];
}

/** Allocates every pod of `ns` as soon as the watch shows it bound to a node; resolves when `total` succeeded. */
async function allocateAsPodsAppear(svc: IpamProcess, ns: string, total: number): Promise<{ latencies: number[]; failures: number; errors: string[] }> {
  const k = await kube();
  const latencies: number[] = [];
  const errors: string[] = [];
  const seen = new Set<string>();
  const queue: PodObject[] = [];
  let inFlight = 0;
  let failures = 0;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => finish(new Error(`only ${latencies.length} of ${total} pods allocated after ${TIMEOUT_MS} ms; errors: ${errors.join('; ')}`)), TIMEOUT_MS);
    const pods = new Reflector<PodObject>(k, Resources.pods, { namespace: ns, onEvent: (type, pod) => type !== 'DELETED' && enqueue(pod) });
    const finish = (err?: Error): void => {
      clearTimeout(timer);
      pods.stop();
      if (err) reject(err);
      else resolve({ latencies, failures, errors: errors.slice(0, 5) });
    };
    const enqueue = (pod: PodObject): void => {
      if (seen.has(pod.metadata.uid)) return;
      seen.add(pod.metadata.uid);
      queue.push(pod);
      pump();
    };
    const pump = (): void => {
      while (inFlight < CONCURRENCY && queue.length > 0) {
        const pod = queue.shift() as PodObject;
        inFlight++;
        const t0 = performance.now();
        const node = (pod as unknown as { spec: { nodeName: string } }).spec.nodeName;
        svc.client.allocate(addRequest(pod, node)).then(
          () => latencies.push(performance.now() - t0),
          (err: unknown) => {
            failures++;
            errors.push(err instanceof Error ? err.message : String(err));
            seen.delete(pod.metadata.uid);
            setTimeout(() => enqueue(pod), 200);
          },
        ).finally(() => {
          inFlight--;
          if (latencies.length >= total) finish();
          else pump();
        });
      }
    };
    void pods.start();
  });
}

function deployment(ns: string, name: string, node: string, annotations: Record<string, string>): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: ns },
    spec: {
      replicas: REPLICAS,
      selector: { matchLabels: { app: name } },
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: { nodeName: node, terminationGracePeriodSeconds: 0, containers: [{ name: 'c', image: 'example.invalid/none' }] },
      },
    },
  } as KubeObject;
}

async function series(label: string, svc: IpamProcess, node: string, annotationsOf: (i: number) => Record<string, string>): Promise<SeriesResult> {
  const k = await kube();
  const ns = await createNamespace();
  const started = performance.now();
  const allocating = allocateAsPodsAppear(svc, ns, PODS);
  const created = await runBounded(DEPLOYMENTS, CONCURRENCY, (i) => k.create(Resources.deployments, deployment(ns, `app-${i}`, node, annotationsOf(i))));
  if (created.failures) throw new Error(`creating Deployments failed: ${created.errors.join('; ')}`);
  const { latencies, failures, errors } = await allocating;
  const seconds = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  return { label, seconds, allocated: latencies.length, failures, p50ms: percentile(latencies, 50), p99ms: percentile(latencies, 99), errors };
}

function row(r: SeriesResult): void {
  say(`${r.label.padEnd(34)} ${String(r.allocated).padStart(6)} pods ${r.seconds.toFixed(2).padStart(8)} s ${(r.allocated / r.seconds).toFixed(0).padStart(6)} pods/s   Allocate p50 ${r.p50ms.toFixed(0).padStart(6)} ms   p99 ${r.p99ms.toFixed(0).padStart(6)} ms   retried ${r.failures}`);
  if (r.errors.length) say(`    first errors: ${r.errors.join(' | ')}`);
}

async function main(): Promise<void> {
  const testbed = new Testbed();
  const state = await testbed.start();
  process.env[STATE_ENV] = join(state.stateDir, 'state.json');
  let svc: IpamProcess[] = [];
  try {
    await installCrds(loadKubeConfig(state.kubeconfig), ALL_CRDS);
    await ensureNamespace(await kube(), SERVICES_NAMESPACE);
    svc = await startIpamServices(1, { env: { SPIDERPOOL_ENABLE_SPIDER_SUBNET: 'true', SPIDERPOOL_NAMESPACE: SERVICES_NAMESPACE, SPIDERPOOL_AUTO_POOL_WAIT_MS: '120000' } });
    const ipam = svc[0] as IpamProcess;
    const k = await kube();
    const node = await createNode();
    say(`SpiderSubnet benchmark: ${DEPLOYMENTS} Deployments x ${REPLICAS} replicas (${PODS} pods), ${CONCURRENCY} Allocate calls in flight, node ${process.version}`);
    say('');

    // Baseline: one pool per Deployment, created before the clock starts (as a user would).
    const pools = await runBounded(DEPLOYMENTS, CONCURRENCY, (i) =>
      createPool({ subnet: `2001:db8:a${i.toString(16)}::/64`, ips: [`2001:db8:a${i.toString(16)}::1-2001:db8:a${i.toString(16)}::${(REPLICAS + 1).toString(16)}`] }, `bench-pool-${i}`),
    );
    if (pools.failures) throw new Error(`creating pools failed: ${pools.errors.join('; ')}`);
    const baseline = await series('pool annotation (pools exist)', ipam, node, (i) => ({ 'ipam.spidernet.io/ippool': JSON.stringify({ ipv6: [`bench-pool-${i}`] }) }));
    row(baseline);

    await k.create(Resources.subnets, { apiVersion: API_VERSION, kind: 'SpiderSubnet', metadata: { name: 'bench-subnet' }, spec: { subnet: '2001:db8:b::/64', ips: ['2001:db8:b::1-2001:db8:b::ffff'] } } as KubeObject);
    const m0 = await (await fetch(`http://127.0.0.1:${ipam.opsPort}/metrics`)).text();
    const subnet = await series('subnet annotation (auto-pools)', ipam, node, () => ({ 'ipam.spidernet.io/subnet': JSON.stringify({ interface: 'eth0', ipv6: ['bench-subnet'] }) }));
    row(subnet);
    const m1 = await (await fetch(`http://127.0.0.1:${ipam.opsPort}/metrics`)).text();
    const count = (t: string, outcome: string): number => metricValue(t.split('\n').filter((l) => l.includes(`outcome="${outcome}"`)).join('\n'), 'spiderpool_subnet_auto_pool_reconciles_total');
    say(`    subnet controller: ${count(m1, 'created') - count(m0, 'created')} pools created, ${metricValue(m1, 'spiderpool_subnet_controller_failures_total') - metricValue(m0, 'spiderpool_subnet_controller_failures_total')} work items retried`);

    say('');
    say(`time to all allocated, subnet / pool annotation: ${(subnet.seconds / baseline.seconds).toFixed(2)} x`);
    say(JSON.stringify({ deployments: DEPLOYMENTS, replicas: REPLICAS, baseline, subnet, ratio: subnet.seconds / baseline.seconds }));
  } finally {
    await stopIpamServices(svc);
    await testbed.stop();
  }
}

main().catch((err: unknown) => {
  process.stderr.write(`${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
