// SPDX-License-Identifier: Apache-2.0
// Names the SpiderMultusConfig admission, renderer and controller share.

/**
 * `cniVersion`s a generated conflist may carry: upstream's plugin accepts 0.3.0–1.0.0 and ours
 * also speaks 1.1.0, so the annotation `multus.spidernet.io/cni-version` may name any of these.
 */
export const CNI_VERSIONS = ['0.3.0', '0.3.1', '0.4.0', '1.0.0', '1.1.0'] as const;

/** What the conflist says when the SpiderMultusConfig has no cni-version annotation (upstream's default). */
export const DEFAULT_CNI_VERSION = '0.3.1';

/**
 * Put on every NetworkAttachmentDefinition the controller writes; the value is the name of the
 * SpiderMultusConfig. The controller watches only NADs carrying it, and it tells a NAD whose
 * owner reference was removed by hand from one that someone else made.
 */
export const MULTUS_CONFIG_LABEL = 'spiderpool.spidernet.io/multus-config';

/** Multus reads the device-plugin resource of OVS hardware-offload ports from `<prefix>/<bridge>`. */
export const OVS_RESOURCE_PREFIX = 'ovs-cni.network.kubevirt.io';

/** kubectl's copy of the applied SpiderMultusConfig: about the SMC, so never copied to the NAD. */
export const LAST_APPLIED_ANNOTATION = 'kubectl.kubernetes.io/last-applied-configuration';

export const SMC_API_VERSION = 'spiderpool.spidernet.io/v2beta1';
export const SMC_KIND = 'SpiderMultusConfig';
