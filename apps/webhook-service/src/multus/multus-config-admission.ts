// SPDX-License-Identifier: Apache-2.0
// Admission of SpiderMultusConfig: upstream's defaults (mutation), then every per-type rule,
// the annotation rules and the NAD-name rule (validation). DELETE is always allowed.
import type { SpiderMultusConfig } from '@spiderpool/crds';
import type { AdmissionContext, AdmissionRequestView, KindAdmission, Violation } from '../admission/admission-types.ts';
import { defaultMultusConfig } from './multus-config-defaults.ts';
import { multusConfigViolations } from './multus-config-rules.ts';
import { SMC_KIND } from './multus-keys.ts';
import { nadNameViolations } from './nad-name-rules.ts';

function mutate(req: AdmissionRequestView<SpiderMultusConfig>): SpiderMultusConfig {
  if (!req.object) return req.oldObject ?? {};
  return defaultMultusConfig(req.object, req.operation === 'UPDATE' ? req.oldObject : undefined);
}

async function validate(req: AdmissionRequestView<SpiderMultusConfig>, ctx: AdmissionContext): Promise<Violation[]> {
  const smc = req.object;
  if (req.operation === 'DELETE' || !smc) return [];
  // A config being deleted only changes to lose finalizers; refusing that would keep it for ever.
  if (req.operation === 'UPDATE' && smc.metadata?.deletionTimestamp) return [];
  const own = multusConfigViolations(smc, req.operation === 'UPDATE' ? req.oldObject : undefined);
  // A CREATE may carry the namespace only in the request (the object's metadata leaves it out).
  const namespace = req.namespace ?? smc.metadata?.namespace ?? 'default';
  const named = smc.metadata?.name ? smc : { ...smc, metadata: { ...smc.metadata, name: req.name } };
  return [...own, ...(await nadNameViolations(named, namespace, ctx))];
}

export const multusConfigAdmission: KindAdmission<SpiderMultusConfig> = { kind: SMC_KIND, mutate, validate };
