// SPDX-License-Identifier: Apache-2.0
import { GROUP, Kinds, Plurals, VERSION } from '../constants.ts';
import { arr, obj, str } from './builder.ts';
import { SPIDERPOOL_CATEGORIES } from './common.ts';
import { coordinatorSpec } from './coordinator-spec.ts';
import { defineCrd } from './crd-definition.ts';

const status = obj(
  {
    phase: str({ description: 'Synced once the pod and service CIDRs are known, NotReady otherwise.' }),
    reason: str({ description: 'Why the phase is NotReady.' }),
    overlayPodCIDR: arr(str(), { description: 'Pod CIDRs of the cluster network that were discovered.' }),
    serviceCIDR: arr(str(), { description: 'Service CIDRs of the cluster that were discovered.' }),
  },
  {
    description: 'What the controller discovered about the cluster network.',
    required: ['phase'],
    typeName: 'SpiderCoordinatorStatus',
  },
);

export const spiderCoordinator = defineCrd({
  group: GROUP,
  version: VERSION,
  kind: Kinds.SpiderCoordinator,
  plural: Plurals.SpiderCoordinator,
  scope: 'Cluster',
  shortNames: ['scc'],
  categories: SPIDERPOOL_CATEGORIES,
  description:
    'Cluster-wide settings of the coordinator CNI plugin. There is normally one, named `default`; agents use the first one listed.',
  spec: coordinatorSpec,
  status,
  statusSubresource: true,
});
