// SPDX-License-Identifier: Apache-2.0
/**
 * Which Multus NetworkAttachmentDefinition created a pod NIC, so that pools restricted by
 * `spec.multusName` can be matched. Follows Multus' own annotation syntax:
 * - the first NIC (`eth0`, or index 0) comes from `v1.multus-cni.io/default-network`, falling
 *   back to the cluster network of the Spiderpool configuration;
 * - NIC number i ≥ 1 comes from the i-th entry of `k8s.v1.cni.cncf.io/networks`, which Multus
 *   names `net<i>` unless the entry requests an interface name.
 */
import { Annotations } from '@spiderpool/crds/keys';
import { invalidInput } from '@spiderpool/errors';
import { fieldOf, isRecord, optionalString, type JsonSource } from './json-fields.ts';
import { isValidInterfaceName } from './pod-annotations.ts';

/** One entry of a Multus network annotation. */
export interface MultusNetworkRef {
  namespace?: string;
  name: string;
  /** The interface name the entry requests (`@ifname` or `"interface"`). */
  interface?: string;
}

export interface MultusNetworkOfNicOptions {
  annotations: Readonly<Record<string, string>>;
  /** CNI_IFNAME of the NIC. */
  nic: string;
  /** Position of the NIC among the pod's NICs when known (0 = the first/cluster NIC). */
  nicIndex?: number;
  /** Spiderpool install namespace: where default-network and cluster-network names resolve. */
  installNamespace: string;
  /** Where names in `k8s.v1.cni.cncf.io/networks` resolve (Multus semantics). */
  podNamespace: string;
  /** Multus cluster network (`name` or `namespace/name`). */
  clusterNetwork?: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DEFAULT_NET_NAME = /^net([1-9]\d*)$/;

/**
 * Gives `namespace/name` for a pool `multusName` entry: names without a namespace refer to the
 * Spiderpool install namespace (upstream semantics for pool specs).
 */
export function normaliseMultusName(name: string, installNamespace: string): string {
  const trimmed = name.trim();
  return trimmed.includes('/') ? trimmed : `${installNamespace}/${trimmed}`;
}

/**
 * `namespace/name` of the NetworkAttachmentDefinition that created `nic`, or undefined when the
 * pod's annotations do not tell (the NIC then matches no pool with a non-empty `multusName`).
 * Throws INVALID_INPUT naming the annotation when it is malformed.
 */
export function multusNetworkOfNic(o: MultusNetworkOfNicOptions): string | undefined {
  if (o.nic === 'eth0' || o.nicIndex === 0) return clusterNetworkOf(o);
  const text = o.annotations[Annotations.MULTUS_NETWORKS];
  if (text === undefined) return undefined;
  const entry = additionalNetworkOf(parseMultusNetworks(text, Annotations.MULTUS_NETWORKS), o);
  if (!entry) return undefined;
  return `${entry.namespace ?? o.podNamespace}/${entry.name}`;
}

function clusterNetworkOf(o: MultusNetworkOfNicOptions): string | undefined {
  const text = o.annotations[Annotations.MULTUS_DEFAULT_NETWORK];
  if (text !== undefined) {
    const ref = parseDefaultNetwork(text);
    return `${ref.namespace ?? o.installNamespace}/${ref.name}`;
  }
  if (o.clusterNetwork === undefined || o.clusterNetwork.trim() === '') return undefined;
  return normaliseMultusName(o.clusterNetwork, o.installNamespace);
}

function additionalNetworkOf(refs: MultusNetworkRef[], o: MultusNetworkOfNicOptions): MultusNetworkRef | undefined {
  const named = refs.find((r) => r.interface === o.nic);
  if (named) return named;
  const position = o.nicIndex ?? Number(DEFAULT_NET_NAME.exec(o.nic)?.[1] ?? Number.NaN);
  if (!Number.isSafeInteger(position) || position < 1) return undefined;
  const byOrder = refs[position - 1];
  // An entry that asked for another interface name did not create this NIC.
  return byOrder && byOrder.interface === undefined ? byOrder : undefined;
}

/**
 * Parses a Multus network annotation: a JSON array of `{name, namespace?, interface?}` (pretty
 * printing allowed) or a comma list of `[namespace/]name[@ifname]`.
 */
export function parseMultusNetworks(text: string, key: string): MultusNetworkRef[] {
  const source: JsonSource = { key, text };
  const trimmed = text.trim();
  if (trimmed === '') throw invalidInput(key, text, 'must name at least one network');
  if (trimmed.startsWith('[')) return parseJsonNetworks(source);
  return trimmed.split(',').map((item, i) => parseNetworkItem(item.trim(), source, `item ${i}`));
}

/** `v1.multus-cni.io/default-network`: one network, as text, a JSON object or a one-entry array. */
function parseDefaultNetwork(text: string): MultusNetworkRef {
  const key = Annotations.MULTUS_DEFAULT_NETWORK;
  const source: JsonSource = { key, text };
  const trimmed = text.trim();
  const refs = trimmed.startsWith('{') ? [jsonNetwork(parseJson(source), source, 'the value')] : parseMultusNetworks(text, key);
  const [first] = refs;
  if (!first || refs.length !== 1) throw invalidInput(key, text, 'must name exactly one network');
  return first;
}

function parseJson(source: JsonSource): unknown {
  try {
    return JSON.parse(source.text) as unknown;
  } catch {
    throw invalidInput(source.key, source.text, 'must be a network name, "namespace/name" or valid JSON');
  }
}

function parseJsonNetworks(source: JsonSource): MultusNetworkRef[] {
  const value = parseJson(source);
  if (!Array.isArray(value)) throw invalidInput(source.key, source.text, 'must be a JSON array of {"name","namespace","interface"}');
  return (value as unknown[]).map((item, i) => jsonNetwork(item, source, `entry ${i}`));
}

function jsonNetwork(item: unknown, source: JsonSource, where: string): MultusNetworkRef {
  if (!isRecord(item)) throw invalidInput(source.key, source.text, `${where} must be an object {"name","namespace","interface"}`);
  const name = optionalString(fieldOf(item, 'name'), source, `${where}: name`);
  if (name === undefined) throw invalidInput(source.key, source.text, `${where}: name is required`);
  return checkedRef(
    {
      name,
      namespace: optionalString(fieldOf(item, 'namespace'), source, `${where}: namespace`),
      interface: optionalString(fieldOf(item, 'interface'), source, `${where}: interface`),
    },
    source,
    where,
  );
}

function parseNetworkItem(item: string, source: JsonSource, where: string): MultusNetworkRef {
  const slashParts = item.split('/');
  if (slashParts.length > 2) throw invalidInput(source.key, source.text, `${where} "${item}" must be [namespace/]name[@interface]`);
  const [namespace, rest] = slashParts.length === 2 ? [slashParts[0], slashParts[1] as string] : [undefined, item];
  const atParts = rest.split('@');
  if (atParts.length > 2) throw invalidInput(source.key, source.text, `${where} "${item}" must be [namespace/]name[@interface]`);
  return checkedRef({ namespace, name: atParts[0] as string, interface: atParts[1] }, source, where);
}

function checkedRef(
  raw: { namespace: string | undefined; name: string; interface: string | undefined },
  source: JsonSource,
  where: string,
): MultusNetworkRef {
  if (raw.namespace !== undefined && !DNS_LABEL.test(raw.namespace)) {
    throw invalidInput(source.key, source.text, `${where}: namespace "${raw.namespace}" must be a DNS-1123 label`);
  }
  if (!DNS_SUBDOMAIN.test(raw.name) || raw.name.length > 253) {
    throw invalidInput(source.key, source.text, `${where}: name "${raw.name}" must be a DNS-1123 subdomain`);
  }
  if (raw.interface !== undefined && !isValidInterfaceName(raw.interface)) {
    throw invalidInput(source.key, source.text, `${where}: interface "${raw.interface}" must be a valid interface name`);
  }
  const ref: MultusNetworkRef = { name: raw.name };
  if (raw.namespace !== undefined) ref.namespace = raw.namespace;
  if (raw.interface !== undefined) ref.interface = raw.interface;
  return ref;
}
