// SPDX-License-Identifier: Apache-2.0
// What the demo prints: each pod with its NIC, addresses and pools (from its SpiderEndpoint, the
// record ipam-service wrote), whether the pod's namespace carries the addresses, then the usage
// of every pool and subnet as their status reports it.
import type { SpiderEndpoint, SpiderIPPool, SpiderSubnet } from '@spiderpool/crds';
import { Resources, type KubeClient, type KubeObject } from '@spiderpool/k8s';
import { DEMO_NAMESPACE, type WiredPod } from './demo-workload.ts';

type Obj<T> = T & KubeObject & { metadata: { name: string } };

export async function demoReport(kube: KubeClient, wired: WiredPod[]): Promise<string[]> {
  const [endpoints, pools, subnets] = await Promise.all([
    kube.list<Obj<SpiderEndpoint>>(Resources.endpoints, { namespace: DEMO_NAMESPACE }),
    kube.list<Obj<SpiderIPPool>>(Resources.ipPools),
    kube.list<Obj<SpiderSubnet>>(Resources.subnets),
  ]);
  const lines = [table(['POD', 'NIC', 'IPV4', 'IPV6', 'POOLS', 'IN POD NETNS'], wired.map((w) => podRow(w, endpoints.items)))];
  lines.push('', table(['POOL', 'SUBNET', 'ALLOCATED', 'TOTAL', 'OWNER'], pools.items.map(poolRow)));
  lines.push('', table(['SPIDERSUBNET', 'CIDR', 'LENT TO POOLS', 'TOTAL', 'POOLS'], subnets.items.map(subnetRow)));
  return lines;
}

function podRow(w: WiredPod, endpoints: Array<Obj<SpiderEndpoint>>): string[] {
  const nic = endpoints.find((e) => e.metadata.name === w.pod)?.status?.current.ips.find((i) => i.interface === 'eth0');
  const v4 = w.addresses.find((a) => !a.includes(':')) ?? '-';
  const v6 = w.addresses.find((a) => a.includes(':')) ?? '-';
  const pools = [nic?.ipv4Pool, nic?.ipv6Pool].filter(Boolean).join(',') || '-';
  const shown = w.addresses.every((a) => w.inNamespace.includes(a)) ? `yes (${w.netns})` : `NO: ${w.inNamespace.join(' ')}`;
  return [w.pod, 'eth0', v4, v6, pools, shown];
}

function poolRow(p: Obj<SpiderIPPool>): string[] {
  const labels = p.metadata.labels ?? {};
  const app = labels['ipam.spidernet.io/owner-application-kind'];
  const owner = app ? `${app} ${labels['ipam.spidernet.io/owner-application-namespace']}/${labels['ipam.spidernet.io/owner-application-name']} (auto)` : 'manual';
  return [p.metadata.name, p.spec.subnet, String(p.status?.allocatedIPCount ?? 0), String(p.status?.totalIPCount ?? '-'), owner];
}

function subnetRow(s: Obj<SpiderSubnet>): string[] {
  let pools = '-';
  try {
    pools = Object.keys(JSON.parse(s.status?.controlledIPPools ?? '{}') as object).join(',') || '-';
  } catch {
    pools = '(unreadable)';
  }
  return [s.metadata.name, s.spec.subnet, String(s.status?.allocatedIPCount ?? 0), String(s.status?.totalIPCount ?? '-'), pools];
}

function table(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => `  ${cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ')}`.trimEnd();
  return [line(header), ...rows.map(line)].join('\n');
}
