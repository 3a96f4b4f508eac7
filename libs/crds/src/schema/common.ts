// SPDX-License-Identifier: Apache-2.0
import { arr, int, obj, str, type ArrayNode, type IntegerNode, type ObjectNode } from './builder.ts';

/** Every Spiderpool kind is listed by `kubectl get spiderpool`. */
export const SPIDERPOOL_CATEGORIES = ['spiderpool'] as const;

export function ipVersion(): IntegerNode {
  return int({
    description: 'IP family, 4 or 6. Left empty, the mutating webhook derives it from the addresses.',
    format: 'int64',
    enum: [4, 6],
  });
}

export function ipRanges(description: string): ArrayNode {
  return arr(str(), { description });
}

export function route(description = 'A route to add for the pod NIC.'): ObjectNode {
  return obj(
    {
      dst: str({ description: 'Destination CIDR.' }),
      gw: str({ description: 'Next-hop address; must lie inside the subnet of the NIC.' }),
    },
    { description, required: ['dst', 'gw'], typeName: 'Route' },
  );
}

export function ipCount(description: string): IntegerNode {
  return int({ description, format: 'int64', min: 0 });
}

export function vlanId(description = 'VLAN ID; 0 means untagged.'): IntegerNode {
  return int({ description, format: 'int32', min: 0, max: 4094 });
}
