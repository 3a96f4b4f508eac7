// SPDX-License-Identifier: Apache-2.0
import type { SpiderSubnet } from '@spiderpool/crds';
import type { AdmissionContext, AdmissionRequestView, Violation } from '../admission/admission-types.ts';
import { addressClaim, CLAIM_TTL_MS, claimThenRecheck, tombstoneClaim } from './address-claims.ts';
import { checkAddressSpec } from './address-spec.ts';
import { checkSubnetDelete } from './delete-guard.ts';
import { checkImmutable, checkTerminatingUpdate, isTerminating } from './lifecycle.ts';
import { checkSubnetAgainstPeers } from './subnet-overlap.ts';
import { checkSpecObject, specRecord } from '../admission/field-types.ts';

export async function validateSubnet(req: AdmissionRequestView<SpiderSubnet>, ctx: AdmissionContext): Promise<Violation[]> {
  if (req.operation === 'DELETE') return validateDelete(req, ctx);
  if (req.operation === 'CREATE' || req.operation === 'UPDATE') return validateWrite(req, ctx);
  return [];
}

async function validateWrite(req: AdmissionRequestView<SpiderSubnet>, ctx: AdmissionContext): Promise<Violation[]> {
  const subnet = req.object;
  if (!subnet) return [];
  const old = req.operation === 'UPDATE' ? req.oldObject : undefined;
  if (old && isTerminating(old)) return checkTerminatingUpdate(old, subnet);
  // Any field may hold any JSON value: the checks report wrong types rather than throw.
  const address = checkAddressSpec(specRecord(subnet.spec));
  const violations = [...checkSpecObject(subnet.spec), ...address.violations, ...(old ? checkImmutable(old, subnet) : [])];
  const compiled = address.compiled;
  if (!compiled) return violations;
  const name = nameOf(req);
  const input = { name, addresses: compiled, stored: old };
  const first = await checkSubnetAgainstPeers(input, ctx);
  const all = [...violations, ...first.violations];
  if (all.length > 0 || req.dryRun || name === '') return all;
  return claimThenRecheck(ctx, addressClaim('SpiderSubnet', name, compiled), first.seen, async (scope) =>
    (await checkSubnetAgainstPeers(input, ctx, scope)).violations);
}

async function validateDelete(req: AdmissionRequestView<SpiderSubnet>, ctx: AdmissionContext): Promise<Violation[]> {
  const violations = await checkSubnetDelete(req.oldObject, ctx);
  if (violations.length === 0 && !req.dryRun && nameOf(req) !== '') await ctx.claims.add(tombstoneClaim('SpiderSubnet', nameOf(req)), CLAIM_TTL_MS);
  return violations;
}

function nameOf(req: AdmissionRequestView<SpiderSubnet>): string {
  return req.object?.metadata?.name || req.name || req.oldObject?.metadata?.name || '';
}
