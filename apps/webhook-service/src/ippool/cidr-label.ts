// SPDX-License-Identifier: Apache-2.0
import { formatCidr, type Cidr } from '@spiderpool/ipam-domain';
import { isLabelValue } from './k8s-names.ts';

/**
 * The value of the `ippool-cidr` / `subnet-cidr` labels: the canonical CIDR with `.`, `:` and
 * `/` replaced by `-` (`192.0.2.0/24` → `192-0-2-0-24`, `2001:db8::/64` → `2001-db8---64`), as
 * upstream writes it. Undefined when the result is no valid label value (`::/0` would start with
 * `-`): setting it would make the API server reject the whole object for a cosmetic label.
 */
export function cidrLabelValue(cidr: Cidr): string | undefined {
  const value = formatCidr(cidr).replace(/[.:/]/g, '-');
  return isLabelValue(value) ? value : undefined;
}
