// SPDX-License-Identifier: Apache-2.0
import { GROUP, Kinds, Plurals, VERSION } from '../constants.ts';
import { arr, bool, documented, enumOf, int, obj, str, type SchemaNode } from './builder.ts';
import { SPIDERPOOL_CATEGORIES, vlanId } from './common.ts';
import { coordinatorSpec } from './coordinator-spec.ts';
import { defineCrd } from './crd-definition.ts';

export const CNI_TYPES = ['macvlan', 'ipvlan', 'vlan', 'sriov', 'ovs', 'ib-sriov', 'ipoib', 'custom'] as const;

const ippools = obj(
  {
    ipv4: arr(str(), { description: 'Default IPv4 pools (`default_ipv4_ippool` of the IPAM configuration).' }),
    ipv6: arr(str(), { description: 'Default IPv6 pools (`default_ipv6_ippool` of the IPAM configuration).' }),
    matchMasterSubnet: bool({
      description: 'Only use pools whose subnet matches the master interface; accepted for sriov only.',
    }),
  },
  { description: 'Pools the generated IPAM configuration points at.', typeName: 'SpiderpoolPools' },
);

const bond = obj(
  {
    name: str({ description: 'Name of the bond device created on the host.' }),
    mode: int({ description: 'Linux bonding mode number (0 balance-rr ... 6 balance-alb).', format: 'int32', min: 0, max: 6 }),
    options: str({ description: 'Extra bonding options, e.g. `primary=eth1;miimon=100`.' }),
  },
  {
    description: 'A bond created over the masters; needed when more than one master is listed.',
    required: ['name', 'mode'],
    typeName: 'BondConfig',
  },
);

const mtu = (via = ''): SchemaNode =>
  int({
    description: `MTU of the pod NIC${via}; 0 keeps the kernel's choice.`,
    format: 'int32',
    min: 0,
    default: 0,
  });

/** The fields macvlan, ipvlan and vlan share: they all hang off one or more host interfaces. */
function parentedConfig(typeName: string, description: string, extra: Record<string, SchemaNode> = {}): SchemaNode {
  return obj(
    {
      master: arr(str(), {
        description: 'Host interface(s) to attach to; with several, a bond is created over them by the ifacer plugin.',
      }),
      mtu: mtu(),
      vlanID: vlanId('VLAN ID; when not 0, a VLAN sub-interface of the master is created and used.'),
      bond,
      rdmaResourceName: str({
        description: 'RDMA resource (e.g. from the RDMA shared device plugin) injected into pods when resource injection is on.',
      }),
      ippools,
      ...extra,
    },
    { description, required: ['master'], typeName },
  );
}

const sriov = obj(
  {
    resourceName: str({ description: 'SR-IOV device-plugin resource the VF comes from.' }),
    vlanID: vlanId(),
    mtu: mtu(' (set through the tuning plugin)'),
    minTxRateMbps: int({ description: 'Minimum transmit rate of the VF in Mbps; 0 means no limit.', min: 0 }),
    maxTxRateMbps: int({ description: 'Maximum transmit rate of the VF in Mbps; 0 means no limit.', min: 0 }),
    rdmaIsolation: bool({
      description: 'Chain the RDMA plugin to move the RDMA device of the VF into the pod network namespace.',
      default: false,
    }),
    ippools,
  },
  { description: 'SR-IOV VF settings.', required: ['resourceName'], typeName: 'SriovConfig' },
);

const ibsriov = obj(
  {
    resourceName: str({ description: 'InfiniBand SR-IOV device-plugin resource the VF comes from.' }),
    pkey: str({ description: 'InfiniBand partition key of the VF, applied by ib-kubernetes.' }),
    linkState: enumOf(['auto', 'enable', 'disable'], { description: 'Link state enforced on the VF.', default: 'enable' }),
    rdmaIsolation: bool({ description: 'Isolate the RDMA device of the VF in the pod network namespace.', default: true }),
    enableIbKubernetes: bool({ description: 'Make the plugin cooperate with ib-kubernetes.', default: false }),
    ippools,
  },
  { description: 'InfiniBand SR-IOV VF settings.', required: ['resourceName'], typeName: 'IBSriovConfig' },
);

const ipoib = obj(
  {
    master: str({ description: 'Host IPoIB interface to create the pod link from.' }),
    ippools,
  },
  { description: 'IP-over-InfiniBand settings.', required: ['master'], typeName: 'IPoIBConfig' },
);

const trunkId = (what: string): SchemaNode => int({ description: what, min: 0, max: 4094 });

const ovs = obj(
  {
    bridge: str({ description: 'OVS bridge to attach the pod port to.' }),
    vlan: int({ description: 'Access VLAN tag of the port.', format: 'int32' }),
    trunk: arr(
      obj(
        {
          minID: trunkId('First VLAN ID of a trunk range.'),
          maxID: trunkId('Last VLAN ID of a trunk range.'),
          id: trunkId('A single trunk VLAN ID.'),
        },
        { description: 'Trunk VLANs: either `id` or a `minID`..`maxID` range.', typeName: 'OvsTrunk' },
      ),
      { description: 'VLANs the port trunks.' },
    ),
    deviceID: str({ description: 'PCI address of a VF (hardware offload), in sysfs form.' }),
    ippools,
  },
  { description: 'Open vSwitch settings.', required: ['bridge'], typeName: 'OvsConfig' },
);

const spec = obj(
  {
    cniType: enumOf(CNI_TYPES, { description: 'The main CNI plugin of the generated configuration.', default: 'custom' }),
    macvlan: parentedConfig('MacvlanConfig', 'macvlan settings (cniType macvlan).'),
    ipvlan: parentedConfig('IPvlanConfig', 'ipvlan settings (cniType ipvlan).'),
    vlan: parentedConfig('VlanConfig', 'vlan settings (cniType vlan).', {
      vlanMode: enumOf(['manual', 'auto'], {
        description: 'manual requires `vlanID`; auto forbids it.',
        default: 'manual',
      }),
    }),
    sriov,
    ibsriov,
    ipoib,
    ovs,
    enableCoordinator: bool({
      description: 'Chain the coordinator plugin; forced to false for cniType custom.',
      default: true,
    }),
    disableIPAM: bool({ description: 'Leave the IPAM section out of the generated configuration.', default: false }),
    coordinator: documented(
      coordinatorSpec,
      'Coordinator settings for this network; fields left out are taken from the SpiderCoordinator.',
    ),
    chainCNIJsonData: arr(str(), { description: 'Extra plugins appended to the chain, one JSON object each.' }),
    customCNI: str({ description: 'The whole plugin configuration as a JSON string, for cniType custom.' }),
  },
  { description: 'Desired state of a SpiderMultusConfig.', typeName: 'SpiderMultusConfigSpec' },
);

export const spiderMultusConfig = defineCrd({
  group: GROUP,
  version: VERSION,
  kind: Kinds.SpiderMultusConfig,
  plural: Plurals.SpiderMultusConfig,
  scope: 'Namespaced',
  shortNames: ['smc'],
  categories: SPIDERPOOL_CATEGORIES,
  description:
    'A Multus network described by its settings; the controller turns it into a NetworkAttachmentDefinition of the same namespace.',
  spec,
  statusSubresource: false,
});
