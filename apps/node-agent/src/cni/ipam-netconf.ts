// SPDX-License-Identifier: Apache-2.0
import { CniCode, CniError } from './cni-types.ts';
import { checkedVersion, decodeNetconf } from './netconf-common.ts';

/** The `spiderpool` IPAM netconf (upstream field names) and the CNI runtime's identity. */
export interface IpamCall {
  cniVersion: string;
  command: string;
  containerId: string;
  ifName: string;
  netns: string;
  pod: { namespace: string; name: string; uid: string };
  defaultIpv4Pools: string[];
  defaultIpv6Pools: string[];
  cleanGateway: boolean;
  /** CNI 1.1 GC: `cni.dev/valid-attachments`. */
  validAttachments: Array<{ containerId: string; ifName: string }>;
}

const invalid = (field: string, rule: string): CniError => new CniError(CniCode.INVALID_NETCONF, `invalid network config: ${field} ${rule}`);


function stringList(obj: Record<string, unknown>, key: string, where: string): string[] {
  const v = obj[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || !v.every((x) => typeof x === 'string' && x.trim() !== '')) throw invalid(`${where}.${key}`, 'must be a list of non-empty pool names');
  return v as string[];
}

/** `K8S_POD_NAMESPACE=a;K8S_POD_NAME=b;K8S_POD_UID=c` → map. */
function parseCniArgs(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const pair of text.split(';').filter(Boolean)) {
    const i = pair.indexOf('=');
    if (i <= 0) throw new CniError(CniCode.INVALID_ENV, `CNI_ARGS entry "${pair}" is not KEY=VALUE`);
    out.set(pair.slice(0, i), pair.slice(i + 1));
  }
  return out;
}

function requireEnv(env: Record<string, string>, key: string, command: string): string {
  const v = env[key] ?? '';
  if (!v) throw new CniError(CniCode.INVALID_ENV, `${key} is required for ${command}`);
  return v;
}

/** Parses and checks everything the IPAM plugin needs; nothing is sent anywhere on error. */
export function parseIpamCall(command: string, env: Record<string, string>, stdin: string): IpamCall {
  const conf = decodeNetconf(stdin);
  const cniVersion = checkedVersion(conf);
  const ipam = ipamSection(conf);
  const needsPod = command === 'ADD' || command === 'DEL' || command === 'CHECK';
  const pod = podOf(env, needsPod);
  const fromEnv = (key: string): string => (needsPod ? requireEnv(env, key, command) : (env[key] ?? ''));
  return {
    cniVersion,
    command,
    containerId: fromEnv('CNI_CONTAINERID'),
    ifName: fromEnv('CNI_IFNAME'),
    netns: env['CNI_NETNS'] ?? '',
    pod,
    defaultIpv4Pools: stringList(ipam, 'default_ipv4_ippool', 'ipam'),
    defaultIpv6Pools: stringList(ipam, 'default_ipv6_ippool', 'ipam'),
    cleanGateway: ipam['clean_gateway'] === true,
    validAttachments: validAttachments(conf),
  };
}


function ipamSection(conf: Record<string, unknown>): Record<string, unknown> {
  const ipam = conf['ipam'] ?? {};
  if (typeof ipam !== 'object' || ipam === null || Array.isArray(ipam)) throw invalid('ipam', 'must be an object');
  const section = ipam as Record<string, unknown>;
  if (section['clean_gateway'] !== undefined && typeof section['clean_gateway'] !== 'boolean') throw invalid('ipam.clean_gateway', 'must be true or false');
  return section;
}

function podOf(env: Record<string, string>, required: boolean): IpamCall['pod'] {
  const args = parseCniArgs(env['CNI_ARGS'] ?? '');
  const pod = { namespace: args.get('K8S_POD_NAMESPACE') ?? '', name: args.get('K8S_POD_NAME') ?? '', uid: args.get('K8S_POD_UID') ?? '' };
  if (required && (!pod.namespace || !pod.name)) throw new CniError(CniCode.INVALID_ENV, 'CNI_ARGS must carry K8S_POD_NAMESPACE and K8S_POD_NAME');
  return pod;
}

function validAttachments(conf: Record<string, unknown>): IpamCall['validAttachments'] {
  const raw = conf['cni.dev/valid-attachments'];
  if (raw === undefined) return [];
  if (!Array.isArray(raw)) throw invalid('cni.dev/valid-attachments', 'must be a list');
  return raw.map((a: unknown, i) => {
    const o = (a ?? {}) as Record<string, unknown>;
    if (typeof o['containerID'] !== 'string' || typeof o['ifname'] !== 'string') throw invalid(`cni.dev/valid-attachments[${i}]`, 'must have containerID and ifname');
    return { containerId: o['containerID'], ifName: o['ifname'] };
  });
}
