// SPDX-License-Identifier: Apache-2.0
import { invalidInput } from '@spiderpool/errors';
import { isValidInterfaceName } from '@spiderpool/ipam-domain';
import { ReleaseReason, type AllocateRequest, type Attachment, type CheckRequest, type GarbageCollectRequest, type PodRef, type ReleaseRequest } from '@spiderpool/proto';
import type { AllocateInput } from '../allocation/allocation-types.ts';
import type { ReleaseInput } from '../allocation/releaser.ts';
import type { NodeGcInput } from '../allocation/node-gc.ts';

// Kubernetes object names: DNS subdomain (253) for pods, DNS label (63) for namespaces/nodes.
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function name(field: string, value: string | undefined, label: boolean): string {
  const v = value ?? '';
  if (!v) throw invalidInput(field, value, 'is required');
  const ok = label ? v.length <= 63 && DNS_LABEL.test(v) : v.length <= 253 && DNS_SUBDOMAIN.test(v);
  if (!ok) throw invalidInput(field, v, `must be a valid Kubernetes ${label ? 'DNS label' : 'object name'}`);
  return v;
}

function pod(ref: PodRef | undefined): { namespace: string; podName: string; podUid: string } {
  return { namespace: name('pod.namespace', ref?.namespace, true), podName: name('pod.name', ref?.name, false), podUid: ref?.uid ?? '' };
}

function nic(field: string, value: string | undefined): string {
  if (!value) throw invalidInput(field, value, 'is required');
  if (!isValidInterfaceName(value)) throw invalidInput(field, value, 'must be a Linux interface name (1-15 characters, no "/", ":" or whitespace)');
  return value;
}

function containerId(a: Attachment | undefined, field = 'attachment.container_id'): string {
  if (!a?.containerId) throw invalidInput(field, a?.containerId, 'is required');
  return a.containerId;
}

function poolNames(field: string, names: string[]): string[] {
  names.forEach((n, i) => {
    if (!n.trim()) throw invalidInput(`${field}[${i}]`, n, 'must not be empty');
  });
  return names;
}

/** Checks an Allocate request completely before anything is read or written. */
export function toAllocateInput(req: AllocateRequest): AllocateInput {
  return {
    ...pod(req.pod),
    containerId: containerId(req.attachment),
    nic: nic('attachment.interface', req.attachment?.interface),
    node: name('node', req.node, false),
    defaultIpv4Pools: poolNames('default_ipv4_pools', req.defaultIpv4Pools),
    defaultIpv6Pools: poolNames('default_ipv6_pools', req.defaultIpv6Pools),
    cleanGateway: req.cleanGateway,
    multusNetwork: req.multusNetwork,
  };
}

const REASONS: Record<number, ReleaseInput['reason']> = {
  [ReleaseReason.UNSPECIFIED]: 'cni-del',
  [ReleaseReason.CNI_DEL]: 'cni-del',
  [ReleaseReason.ADD_ROLLBACK]: 'add-rollback',
  [ReleaseReason.GC]: 'gc',
};

export function toReleaseInput(req: ReleaseRequest): ReleaseInput {
  const reason = REASONS[req.reason];
  if (!reason) throw invalidInput('reason', req.reason, 'must be one of CNI_DEL, ADD_ROLLBACK, GC');
  const expected = req.expected.map((r, i) => {
    if (!r.pool || !r.ip) throw invalidInput(`expected[${i}]`, r, 'must name pool and ip');
    return { pool: r.pool, ip: r.ip };
  });
  if (reason === 'gc' && !req.pod?.uid) throw invalidInput('pod.uid', req.pod?.uid, 'is required for a GC release (ownership guard)');
  if (req.removeEndpoint && reason !== 'gc') throw invalidInput('remove_endpoint', true, 'is only for GC releases (CNI DEL removes the endpoint by its own rules)');
  const wholePod = req.allInterfaces || reason !== 'cni-del';
  return {
    ...pod(req.pod),
    nic: wholePod && !req.attachment?.interface ? '' : nic('attachment.interface', req.attachment?.interface),
    allInterfaces: wholePod,
    reason,
    expected,
    ...(req.removeEndpoint ? { removeEndpoint: true } : {}),
  };
}

export function toCheckInput(req: CheckRequest): { namespace: string; podName: string; podUid: string; nic: string } {
  return { ...pod(req.pod), nic: nic('attachment.interface', req.attachment?.interface) };
}

export function toNodeGcInput(req: GarbageCollectRequest): NodeGcInput {
  return {
    node: name('node', req.node, false),
    valid: req.validAttachments.map((a, i) => ({
      containerId: containerId(a, `valid_attachments[${i}].container_id`),
      nic: nic(`valid_attachments[${i}].interface`, a.interface),
    })),
  };
}
