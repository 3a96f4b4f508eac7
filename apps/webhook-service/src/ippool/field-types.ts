// SPDX-License-Identifier: Apache-2.0
/**
 * Lenient reads of IP pool spec fields: like the generic guards of ../admission/field-types.ts,
 * these never throw on a value of the wrong type.
 */
import { tryParseCidr, type Cidr } from '@spiderpool/ipam-domain';

/** The CIDR of a field that should hold one; undefined for anything else (never throws). */
export function cidrOf(value: unknown): Cidr | undefined {
  return typeof value === 'string' ? tryParseCidr(value) : undefined;
}
