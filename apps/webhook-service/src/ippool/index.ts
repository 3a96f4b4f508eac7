// SPDX-License-Identifier: Apache-2.0
// Admission of SpiderIPPool, SpiderSubnet and SpiderReservedIP (rules: docs/webhook-service.md).
import type { SpiderIPPool, SpiderReservedIP, SpiderSubnet } from '@spiderpool/crds';
import type { KindAdmission } from '../admission/admission-types.ts';
import { mutateIPPool } from './ippool-mutate.ts';
import { validateIPPool } from './ippool-validate.ts';
import { mutateReservedIP } from './reservedip-mutate.ts';
import { validateReservedIP } from './reservedip-validate.ts';
import { mutateSubnet } from './subnet-mutate.ts';
import { validateSubnet } from './subnet-validate.ts';

export const ipPoolAdmission: KindAdmission<SpiderIPPool> = {
  kind: 'SpiderIPPool',
  mutate: mutateIPPool,
  validate: validateIPPool,
};

export const subnetAdmission: KindAdmission<SpiderSubnet> = {
  kind: 'SpiderSubnet',
  mutate: mutateSubnet,
  validate: validateSubnet,
};

export const reservedIpAdmission: KindAdmission<SpiderReservedIP> = {
  kind: 'SpiderReservedIP',
  mutate: mutateReservedIP,
  validate: validateReservedIP,
};
