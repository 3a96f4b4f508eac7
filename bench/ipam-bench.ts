// SPDX-License-Identifier: Apache-2.0
// `npm run bench`: ipam-service through its gRPC API on the embedded test bed.
//
//   1. ceiling     plain SpiderEndpoint creates at the same concurrency (what the apiserver takes)
//   2. first       1,000 pods on 20 nodes allocate from one hot pool
//   3. re-create   all deleted and re-created at once (DEL of the old + ADD of the new, concurrently)
//   4. memory      5,000 allocations held: peak RSS of ipam-service
//
// Options: --pods N (1000) --concurrency N (64) --replicas N (1) --held N (5000)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { API_VERSION, ALL_CRDS } from '@spiderpool/crds';
import { installCrds, loadKubeConfig, Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import { STATE_ENV, Testbed } from '@spiderpool/e2e';
import {
  addRequest, createNamespace, createNode, createPod, createPool, delRequest, deletePod, kube, startIpamServices, stopIpamServices, type IpamProcess, type PodObject,
} from '@spiderpool/e2e/ipam';
import { metricValue, runBounded, type RunStats } from './stats.ts';

const { values } = parseArgs({
  options: {
    pods: { type: 'string', default: '1000' },
    concurrency: { type: 'string', default: '64' },
    replicas: { type: 'string', default: '1' },
    held: { type: 'string', default: '5000' },
    nodes: { type: 'string', default: '20' },
  },
});
const PODS = Number(values.pods);
const CONCURRENCY = Number(values.concurrency);
const REPLICAS = Number(values.replicas);
const HELD = Number(values.held);
const NODES = Number(values.nodes);
const say = (s = ''): boolean => process.stdout.write(`${s}\n`);

async function scrape(svc: IpamProcess[]): Promise<{ conflicts: number; writes: number; ops: number; waitSum: number; waitCount: number; allocSum: number; allocCount: number }> {
  const texts = await Promise.all(svc.map(async (s) => (await fetch(`http://127.0.0.1:${s.opsPort}/metrics`)).text()));
  const sum = (name: string): number => texts.reduce((acc, t) => acc + metricValue(t, name), 0);
  return {
    conflicts: sum('spiderpool_ipam_allocation_update_ippool_conflict_counts_total'),
    writes: sum('spiderpool_ipam_ippool_status_writes_total'),
    ops: sum('spiderpool_ipam_ippool_batched_operations_total'),
    waitSum: sum('spiderpool_ipam_allocation_limit_duration_seconds_sum'),
    waitCount: sum('spiderpool_ipam_allocation_limit_duration_seconds_count'),
    allocSum: sum('spiderpool_ipam_allocation_duration_seconds_sum'),
    allocCount: sum('spiderpool_ipam_allocation_duration_seconds_count'),
  };
}

type ApiTable = Map<string, { sum: number; count: number }>;

/** Latency sums and counts per verb+resource+status of ipam-service's Kubernetes API requests. */
async function apiTable(svc: IpamProcess[]): Promise<ApiTable> {
  const text = await (await fetch(`http://127.0.0.1:${svc[0]?.opsPort}/metrics`)).text();
  const sums: ApiTable = new Map();
  for (const m of text.matchAll(/^spiderpool_ipam_k8s_request_duration_seconds_(sum|count)\{verb="([^"]+)",resource="([^"]+)",status="(\d+)"\} (\S+)$/gm)) {
    const key = `${m[2]} ${m[3]} ${m[4]}`;
    const e = sums.get(key) ?? { sum: 0, count: 0 };
    if (m[1] === 'sum') e.sum += Number(m[5]);
    else e.count += Number(m[5]);
    sums.set(key, e);
  }
  return sums;
}

/** Requests made between two snapshots: `VERB resource status mean-ms×count`, busiest first. */
function apiDelta(before: ApiTable, after: ApiTable): string {
  return [...after]
    .map(([k, v]) => ({ k, count: v.count - (before.get(k)?.count ?? 0), sum: v.sum - (before.get(k)?.sum ?? 0) }))
    .filter((e) => e.count > 0)
    .sort((a, b) => b.count - a.count)
    .map((e) => `${e.k} ${((e.sum / e.count) * 1000).toFixed(1)}ms×${e.count}`)
    .join(', ');
}

/** CPU seconds (user + system) used so far by each named process. */
function cpuSeconds(pids: Array<{ name: string; pid: number | undefined }>): Map<string, number> {
  const u = process.cpuUsage();
  const out = new Map<string, number>([['load-generator', (u.user + u.system) / 1e6]]);
  for (const { name, pid } of pids) {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
    out.set(name, (Number(fields[11]) + Number(fields[12])) / 100);
  }
  return out;
}

function cpuDelta(before: Map<string, number>, after: Map<string, number>, per: number): string {
  return [...after].map(([name, v]) => `${name} ${(((v - (before.get(name) ?? 0)) * 1000) / per).toFixed(2)}`).join(', ');
}

function rssPeakMiB(pid: number | undefined): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmHWM:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return kb / 1024;
}

async function ceiling(k: KubeClient, ns: string): Promise<RunStats> {
  const stats = await runBounded(PODS, CONCURRENCY, (i) =>
    k.create(Resources.endpoints, {
      apiVersion: API_VERSION,
      kind: 'SpiderEndpoint',
      metadata: { name: `ceiling-${i}`, namespace: ns },
      status: { current: { uid: `u-${i}`, node: 'n', ips: [{ interface: 'eth0', ipv6: `2001:db8:ffff::${i.toString(16)}/64`, ipv6Pool: 'x' }] }, ownerControllerType: 'Pod', ownerControllerName: `p-${i}` },
    } as KubeObject),
  );
  await k.request('DELETE', `${k.path(Resources.endpoints, ns)}`);
  return stats;
}

async function createPods(o: { ns: string; nodes: string[]; pool: string; count: number; prefix: string }): Promise<PodObject[]> {
  const { ns, nodes, pool, count, prefix } = o;
  const pods: PodObject[] = new Array(count);
  const annotations = { 'ipam.spidernet.io/ippool': JSON.stringify({ ipv6: [pool] }) };
  const r = await runBounded(count, CONCURRENCY, async (i) => {
    pods[i] = await createPod({ namespace: ns, name: `${prefix}-${i}`, node: nodes[i % nodes.length] ?? '', annotations });
  });
  if (r.failures) throw new Error(`creating pods failed: ${r.errors.join('; ')}`);
  return pods;
}

function row(label: string, s: RunStats, extra = ''): void {
  say(`${label.padEnd(26)} ${String(s.count).padStart(6)} ${s.seconds.toFixed(2).padStart(8)} s ${s.perSecond.toFixed(0).padStart(7)} /s   p50 ${s.p50ms.toFixed(1).padStart(7)} ms   p99 ${s.p99ms.toFixed(1).padStart(7)} ms   failed ${s.failures}${extra}`);
}

async function main(): Promise<void> {
  const testbed = new Testbed();
  const state = await testbed.start();
  process.env[STATE_ENV] = join(state.stateDir, 'state.json');
  let svc: IpamProcess[] = [];
  try {
    await installCrds(loadKubeConfig(state.kubeconfig), ALL_CRDS);
    svc = await startIpamServices(REPLICAS);
    const k = await kube();
    const ns = await createNamespace();
    const nodes = await Promise.all(Array.from({ length: NODES }, () => createNode()));
    const hot = await createPool({ subnet: '2001:db8:1::/64', ips: ['2001:db8:1::1-2001:db8:1::ffff'] }, 'bench-hot');
    const client = (i: number) => (svc[i % svc.length] as IpamProcess).client;
    say(`ipam-service benchmark: ${PODS} pods on ${NODES} nodes, one hot pool, ${CONCURRENCY} requests in flight, ${REPLICAS} replica(s), node ${process.version}`);
    say('');

    const procs = [
      ...testbed.controlPlane.pids.map((pid) => ({ name: readFileSync(`/proc/${pid}/comm`, 'utf8').trim(), pid })),
      ...svc.map((s, i) => ({ name: `ipam-service-${i}`, pid: s.process.pid })),
    ];
    const c0 = cpuSeconds(procs);
    const ceil = await ceiling(k, ns);
    const c1 = cpuSeconds(procs);
    row('ceiling (endpoint creates)', ceil);
    say(`    CPU ms per create: ${cpuDelta(c0, c1, PODS)}`);

    const pods = await createPods({ ns, nodes, pool: hot, count: PODS, prefix: 'web' });
    const m0 = await scrape(svc);
    const a0 = await apiTable(svc);
    const c2 = cpuSeconds(procs);
    const first = await runBounded(PODS, CONCURRENCY, (i) => client(i).allocate(addRequest(pods[i] as PodObject, pods[i]?.metadata.name ? nodes[i % NODES] ?? '' : '')));
    const m1 = await scrape(svc);
    row('first creation', first, `   conflicts ${m1.conflicts - m0.conflicts}   status writes/alloc ${((m1.writes - m0.writes) / PODS).toFixed(3)}`);
    say(`    CPU ms per allocation: ${cpuDelta(c2, cpuSeconds(procs), PODS)}`);
    const a1 = await apiTable(svc);
    say(`    ipam-service API requests: ${apiDelta(a0, a1)}`);
    say(`    inside ipam-service: mean allocation ${(((m1.allocSum - m0.allocSum) / (m1.allocCount - m0.allocCount)) * 1000).toFixed(1)} ms, of which pool queue + lock wait ${(((m1.waitSum - m0.waitSum) / (m1.waitCount - m0.waitCount)) * 1000).toFixed(1)} ms`);

    await Promise.all(pods.map((p) => deletePod(ns, p.metadata.name)));
    const again = await createPods({ ns, nodes, pool: hot, count: PODS, prefix: 'web' });
    const m2 = await scrape(svc);
    const a2 = await apiTable(svc);
    const c3 = cpuSeconds(procs);
    const recreate = await runBounded(PODS, CONCURRENCY, async (i) => {
      const node = nodes[i % NODES] ?? '';
      await Promise.all([client(i).release(delRequest(pods[i] as PodObject, node)), client(i + 1).allocate(addRequest(again[i] as PodObject, node))]);
    });
    const m3 = await scrape(svc);
    row('mass re-creation', recreate, `   conflicts ${m3.conflicts - m2.conflicts}   status writes/alloc ${((m3.writes - m2.writes) / PODS).toFixed(3)}`);
    say(`    CPU ms per re-created pod: ${cpuDelta(c3, cpuSeconds(procs), PODS)}`);
    say(`    ipam-service API requests: ${apiDelta(a2, await apiTable(svc))}`);

    const big = await createPool({ subnet: '2001:db8:2::/64', ips: ['2001:db8:2::1-2001:db8:2::ffff'] }, 'bench-big');
    const extra = Math.max(0, HELD - PODS);
    const bigPods = await createPods({ ns, nodes, pool: big, count: extra, prefix: 'big' });
    const held = await runBounded(extra, CONCURRENCY, (i) => client(i).allocate(addRequest(bigPods[i] as PodObject, nodes[i % NODES] ?? '')));
    row(`fill to ${HELD} held`, held);
    const rss = svc.map((s) => rssPeakMiB(s.process.pid));
    const mem = await (await fetch(`http://127.0.0.1:${svc[0]?.opsPort}/metrics`)).text();
    const mib = (name: string): string => `${(metricValue(mem, name) / 1024 / 1024).toFixed(0)} MiB`;
    say(`    ipam-service memory now: rss ${mib('process_resident_memory_bytes')}, heap used ${mib('nodejs_heap_size_used_bytes')} of ${mib('nodejs_heap_size_total_bytes')}, external ${mib('nodejs_external_memory_bytes')}`);

    const ratio = first.perSecond / ceil.perSecond;
    const slowdown = recreate.seconds / first.seconds;
    say('');
    say(`allocation rate / ceiling:           ${(ratio * 100).toFixed(0)} %   (target >= 70 %)`);
    say(`re-creation time / first creation:   ${slowdown.toFixed(2)} x  (target <= 1.5 x)`);
    say(`p99 latency at ${CONCURRENCY} in flight:        ${first.p99ms.toFixed(0)} ms first, ${recreate.p99ms.toFixed(0)} ms re-creation (target <= 250 ms)`);
    say(`ipam-service peak RSS (${HELD} held):  ${rss.map((r) => `${r.toFixed(0)} MiB`).join(', ')} (target <= 300 MB)`);
    say(JSON.stringify({ ceiling: ceil, first, recreate, held, ratio, slowdown, rssMiB: rss }));
  } finally {
    await stopIpamServices(svc);
    await testbed.stop();
  }
}

await main();
