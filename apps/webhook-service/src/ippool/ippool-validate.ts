// SPDX-License-Identifier: Apache-2.0
import type { SpiderIPPool } from '@spiderpool/crds';
import type { AdmissionContext, AdmissionRequestView, Violation } from '../admission/admission-types.ts';
import { addressClaim, CLAIM_TTL_MS, claimThenRecheck, tombstoneClaim } from './address-claims.ts';
import { checkAddressSpec } from './address-spec.ts';
import { checkAutoPoolFields } from './auto-pool.ts';
import { checkPoolDelete } from './delete-guard.ts';
import { checkInUseKept } from './ippool-in-use.ts';
import { checkPoolAgainstPeers } from './ippool-overlap.ts';
import { checkImmutable, checkTerminatingUpdate, isTerminating } from './lifecycle.ts';
import { checkPoolFields } from './pool-fields-check.ts';
import { checkSpecObject, specRecord } from '../admission/field-types.ts';

export async function validateIPPool(req: AdmissionRequestView<SpiderIPPool>, ctx: AdmissionContext): Promise<Violation[]> {
  if (req.operation === 'DELETE') return validateDelete(req, ctx);
  if (req.operation === 'CREATE' || req.operation === 'UPDATE') return validateWrite(req, ctx);
  return [];
}

async function validateWrite(req: AdmissionRequestView<SpiderIPPool>, ctx: AdmissionContext): Promise<Violation[]> {
  const pool = req.object;
  if (!pool) return [];
  const old = req.operation === 'UPDATE' ? req.oldObject : undefined;
  // A pool being deleted only sheds finalizers; its content was valid when written.
  if (old && isTerminating(old)) return checkTerminatingUpdate(old, pool);
  // Any field may hold any JSON value: the checks report wrong types rather than throw.
  const spec = specRecord(pool.spec);
  const address = checkAddressSpec(spec);
  const violations = [
    ...checkSpecObject(pool.spec),
    ...address.violations,
    ...checkPoolFields(spec),
    ...checkAutoPoolFields(pool),
    ...(old ? checkImmutable(old, pool) : []),
  ];
  const compiled = address.compiled;
  if (!compiled) return violations;
  if (old) violations.push(...checkInUseKept(old, compiled));
  const name = nameOf(req);
  const input = { pool, name, addresses: compiled };
  const first = await checkPoolAgainstPeers(input, ctx);
  const all = [...violations, ...first.violations];
  // Only an allowed write that will be stored reserves its addresses for the others.
  if (all.length > 0 || req.dryRun || name === '') return all;
  return claimThenRecheck(ctx, addressClaim('SpiderIPPool', name, compiled), first.seen, async (scope) =>
    (await checkPoolAgainstPeers(input, ctx, scope)).violations);
}

async function validateDelete(req: AdmissionRequestView<SpiderIPPool>, ctx: AdmissionContext): Promise<Violation[]> {
  const violations = checkPoolDelete(req.oldObject, ctx);
  if (violations.length === 0 && !req.dryRun && nameOf(req) !== '') {
    await ctx.claims.add(tombstoneClaim('SpiderIPPool', nameOf(req)), CLAIM_TTL_MS);
  }
  return violations;
}

function nameOf(req: AdmissionRequestView<SpiderIPPool>): string {
  return req.object?.metadata?.name || req.name || req.oldObject?.metadata?.name || '';
}
