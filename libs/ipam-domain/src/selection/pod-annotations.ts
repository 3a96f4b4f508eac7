// SPDX-License-Identifier: Apache-2.0
/**
 * Parsers for the pool-selection annotations of pods and namespaces. Each returns typed data or
 * throws INVALID_INPUT naming the annotation key, its value and the broken rule; none of them
 * looks anything up.
 */
import { Annotations } from '@spiderpool/crds/keys';
import { invalidInput } from '@spiderpool/errors';
import { formatIp, tryParseIp } from '../ip/ip-address.ts';
import type { RouteSpec } from '../types.ts';
import { formatNetwork, tryParseCidr } from './cidr-text.ts';
import { fieldOf, isRecord, nameList, optionalString, parseJsonText, type JsonSource } from './json-fields.ts';

/** One NIC of the `ipam.spidernet.io/ippools` annotation. */
export interface IppoolsEntry {
  /** Absent when the annotation names no interfaces (NICs are then taken by array order). */
  interface?: string;
  ipv4: string[];
  ipv6: string[];
  /** Absent when the entry does not say; the netconf `clean_gateway` then applies. */
  cleanGateway?: boolean;
}

export interface IppoolAnnotation {
  ipv4: string[];
  ipv6: string[];
}

/** One NIC of a SpiderSubnet annotation (`subnet` or `subnets`). */
export interface SubnetAnnotationEntry {
  interface: string;
  ipv4: string[];
  ipv6: string[];
}

/** Marker returned when a pod asks for SpiderSubnet auto-pools. */
export interface SubnetAnnotationRequest {
  /** The annotation that was used (`subnets` wins over `subnet`). */
  key: string;
  nics: SubnetAnnotationEntry[];
}

const IPPOOLS_SHAPE = 'a JSON array of {"interface","ipv4","ipv6","cleangateway"}';
const IPPOOL_SHAPE = 'a JSON object {"ipv4":[..],"ipv6":[..]}';
const ROUTES_SHAPE = 'a JSON array of {"dst","gw"}';
const SUBNET_SHAPE = 'a JSON object {"interface","ipv4":[..],"ipv6":[..]}';
const SUBNETS_SHAPE = 'a JSON array of {"interface","ipv4":[..],"ipv6":[..]}';
/** Linux IFNAMSIZ is 16 including the terminating NUL. */
const MAX_IFNAME = 15;

/**
 * Whether `name` is acceptable to Linux as an interface name (`dev_valid_name`): 1–15 bytes,
 * not `.` or `..`, and no `/`, `:` or whitespace.
 */
export function isValidInterfaceName(name: string): boolean {
  if (name === '' || name === '.' || name === '..') return false;
  if (new TextEncoder().encode(name).length > MAX_IFNAME) return false;
  return !/[/:\s]/.test(name);
}

/** Parses `ipam.spidernet.io/ippools`: pools per NIC for every NIC of the pod. */
export function parseIppoolsAnnotation(text: string): IppoolsEntry[] {
  const source: JsonSource = { key: Annotations.IPPOOLS, text };
  const value = parseJsonText(source, IPPOOLS_SHAPE);
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidInput(source.key, text, `must be ${IPPOOLS_SHAPE} with at least one entry`);
  }
  const entries = (value as unknown[]).map((item, i) => ippoolsEntry(item, source, `entry ${i}`));
  checkInterfaceNames(entries, source);
  return entries;
}

function ippoolsEntry(item: unknown, source: JsonSource, where: string): IppoolsEntry {
  if (!isRecord(item)) throw invalidInput(source.key, source.text, `${where} must be an object, as in ${IPPOOLS_SHAPE}`);
  const nic = optionalString(fieldOf(item, 'interface'), source, `${where}: interface`);
  if (nic !== undefined && !isValidInterfaceName(nic)) {
    throw invalidInput(source.key, source.text, `${where}: interface "${nic}" must be a valid interface name`);
  }
  const ipv4 = nameList(fieldOf(item, 'ipv4'), source, `${where}: ipv4`);
  const ipv6 = nameList(fieldOf(item, 'ipv6'), source, `${where}: ipv6`);
  if (ipv4.length === 0 && ipv6.length === 0) {
    throw invalidInput(source.key, source.text, `${where} must name at least one IPv4 or IPv6 pool`);
  }
  const clean = fieldOf(item, 'cleangateway');
  if (clean !== undefined && clean !== null && typeof clean !== 'boolean') {
    throw invalidInput(source.key, source.text, `${where}: cleangateway must be true or false`);
  }
  const entry: IppoolsEntry = { ipv4, ipv6 };
  if (nic !== undefined) entry.interface = nic;
  if (typeof clean === 'boolean') entry.cleanGateway = clean;
  return entry;
}

/** Interface names must be given for all entries or for none, and never twice. */
function checkInterfaceNames(entries: ReadonlyArray<{ interface?: string }>, source: JsonSource): void {
  const named = entries.filter((e) => e.interface !== undefined).length;
  if (named !== 0 && named !== entries.length) {
    throw invalidInput(source.key, source.text, 'must set "interface" on every entry or on none');
  }
  const seen = new Set<string>();
  for (const e of entries) {
    if (e.interface === undefined) continue;
    if (seen.has(e.interface)) throw invalidInput(source.key, source.text, `lists interface "${e.interface}" twice`);
    seen.add(e.interface);
  }
}

/** Parses `ipam.spidernet.io/ippool`: pools for the current NIC. */
export function parseIppoolAnnotation(text: string): IppoolAnnotation {
  const source: JsonSource = { key: Annotations.IPPOOL, text };
  const value = parseJsonText(source, IPPOOL_SHAPE);
  if (!isRecord(value)) throw invalidInput(source.key, text, `must be ${IPPOOL_SHAPE}`);
  const ipv4 = nameList(fieldOf(value, 'ipv4'), source, 'ipv4');
  const ipv6 = nameList(fieldOf(value, 'ipv6'), source, 'ipv6');
  if (ipv4.length === 0 && ipv6.length === 0) {
    throw invalidInput(source.key, text, 'must name at least one IPv4 or IPv6 pool');
  }
  return { ipv4, ipv6 };
}

/**
 * Parses `ipam.spidernet.io/routes`. `dst` must be a CIDR (returned in canonical network form,
 * host bits cleared, as Go's ParseCIDR does upstream) and not a default route; `gw` an address of
 * the same family; each `dst` at most once.
 */
export function parseRoutesAnnotation(text: string): RouteSpec[] {
  const source: JsonSource = { key: Annotations.ROUTES, text };
  const value = parseJsonText(source, ROUTES_SHAPE);
  if (!Array.isArray(value)) throw invalidInput(source.key, text, `must be ${ROUTES_SHAPE}`);
  const routes = (value as unknown[]).map((item, i) => routeEntry(item, source, `route ${i}`));
  const seen = new Set<string>();
  for (const r of routes) {
    if (seen.has(r.dst)) throw invalidInput(source.key, text, `lists dst ${r.dst} twice`);
    seen.add(r.dst);
  }
  return routes;
}

function routeEntry(item: unknown, source: JsonSource, where: string): RouteSpec {
  if (!isRecord(item)) throw invalidInput(source.key, source.text, `${where} must be an object {"dst","gw"}`);
  const dstText = fieldOf(item, 'dst');
  const gwText = fieldOf(item, 'gw');
  if (typeof dstText !== 'string' || typeof gwText !== 'string') {
    throw invalidInput(source.key, source.text, `${where} must have string fields "dst" and "gw"`);
  }
  const dst = tryParseCidr(dstText);
  if (!dst) throw invalidInput(source.key, source.text, `${where}: dst "${dstText}" must be a CIDR (address/prefix)`);
  if (dst.prefix === 0) {
    throw invalidInput(source.key, source.text, `${where}: dst "${dstText}" must not be a default route (use the pool gateway instead)`);
  }
  const gw = tryParseIp(gwText);
  if (!gw) throw invalidInput(source.key, source.text, `${where}: gw "${gwText}" must be an IP address`);
  if (gw.version !== dst.ip.version) {
    throw invalidInput(source.key, source.text, `${where}: gw "${gwText}" must be of the same IP family as dst "${dstText}"`);
  }
  return { dst: formatNetwork(dst), gw: formatIp(gw) };
}

/** Parses `ipam.spidernet.io/default-route-nic`: a plain interface name such as `net1`. */
export function parseDefaultRouteNic(text: string): string {
  if (!isValidInterfaceName(text)) {
    throw invalidInput(Annotations.DEFAULT_ROUTE_NIC, text, `must be an interface name (1-${MAX_IFNAME} bytes, no "/", ":" or whitespace)`);
  }
  return text;
}

/**
 * Parses a namespace default-pool annotation (`ipam.spidernet.io/default-ipv4-ippool` or
 * `…-ipv6-ippool`, passed as `key`): a JSON array of pool names or wildcards; `[]` is allowed.
 */
export function parseNamespaceDefaultPools(text: string, key: string): string[] {
  const source: JsonSource = { key, text };
  const value = parseJsonText(source, 'a JSON array of pool names');
  if (!Array.isArray(value)) throw invalidInput(key, text, 'must be a JSON array of pool names');
  return nameList(value, source, 'the list');
}

/**
 * Detects a SpiderSubnet auto-pool request (`ipam.spidernet.io/subnets` wins over
 * `ipam.spidernet.io/subnet`), validating its shape. Undefined when the pod has neither.
 */
export function parseSubnetAnnotations(annotations: Readonly<Record<string, string>>): SubnetAnnotationRequest | undefined {
  const multi = annotations[Annotations.SUBNETS];
  if (multi !== undefined) return { key: Annotations.SUBNETS, nics: parseSubnetsValue(multi) };
  const single = annotations[Annotations.SUBNET];
  if (single !== undefined) return { key: Annotations.SUBNET, nics: parseSubnetValue(single) };
  return undefined;
}

function parseSubnetsValue(text: string): SubnetAnnotationEntry[] {
  const source: JsonSource = { key: Annotations.SUBNETS, text };
  const value = parseJsonText(source, SUBNETS_SHAPE);
  if (!Array.isArray(value) || value.length === 0) {
    throw invalidInput(source.key, text, `must be ${SUBNETS_SHAPE} with at least one entry`);
  }
  const entries = (value as unknown[]).map((item, i) => subnetEntry(item, source, `entry ${i}`));
  checkSubnetEntries(entries, source);
  return entries;
}

function parseSubnetValue(text: string): SubnetAnnotationEntry[] {
  const source: JsonSource = { key: Annotations.SUBNET, text };
  const value = parseJsonText(source, SUBNET_SHAPE);
  return [subnetEntry(value, source, 'the value')];
}

function subnetEntry(item: unknown, source: JsonSource, where: string): SubnetAnnotationEntry {
  if (!isRecord(item)) throw invalidInput(source.key, source.text, `${where} must be an object {"interface","ipv4","ipv6"}`);
  const nic = optionalString(fieldOf(item, 'interface'), source, `${where}: interface`) ?? 'eth0';
  if (!isValidInterfaceName(nic)) {
    throw invalidInput(source.key, source.text, `${where}: interface "${nic}" must be a valid interface name`);
  }
  const ipv4 = nameList(fieldOf(item, 'ipv4'), source, `${where}: ipv4`);
  const ipv6 = nameList(fieldOf(item, 'ipv6'), source, `${where}: ipv6`);
  if (ipv4.length === 0 && ipv6.length === 0) {
    throw invalidInput(source.key, source.text, `${where} must name at least one IPv4 or IPv6 SpiderSubnet`);
  }
  return { interface: nic, ipv4, ipv6 };
}

/** Upstream rejects a NIC listed twice and a subnet used by two NICs. */
function checkSubnetEntries(entries: SubnetAnnotationEntry[], source: JsonSource): void {
  const nics = new Set<string>();
  const subnets = new Set<string>();
  for (const e of entries) {
    if (nics.has(e.interface)) throw invalidInput(source.key, source.text, `lists interface "${e.interface}" twice`);
    nics.add(e.interface);
    for (const s of [...e.ipv4, ...e.ipv6]) {
      if (subnets.has(s)) throw invalidInput(source.key, source.text, `uses SpiderSubnet "${s}" for more than one interface`);
      subnets.add(s);
    }
  }
}
