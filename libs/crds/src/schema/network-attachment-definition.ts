// SPDX-License-Identifier: Apache-2.0
import { ThirdParty } from '../constants.ts';
import { obj, str } from './builder.ts';
import { defineCrd } from './crd-definition.ts';

const { group, version, kind, plural } = ThirdParty.NetworkAttachmentDefinition;

/** Just enough of Multus' CRD for tests; clusters install the real one with Multus. */
export const networkAttachmentDefinition = defineCrd({
  group,
  version,
  kind,
  plural,
  singular: 'network-attachment-definition',
  scope: 'Namespaced',
  shortNames: ['net-attach-def'],
  description: 'A Multus network a pod can attach extra NICs to.',
  spec: obj(
    { config: str({ description: 'The CNI configuration (or conflist) as a JSON string.' }) },
    { description: 'The network configuration.', typeName: 'NetworkAttachmentDefinitionSpec' },
  ),
  statusSubresource: false,
});
