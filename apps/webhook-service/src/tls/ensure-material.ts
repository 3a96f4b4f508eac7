// SPDX-License-Identifier: Apache-2.0
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import { issueServingCertificate, newCertificateAuthority, type TlsMaterial } from './certificate-authority.ts';
import { assessMaterial, type TlsRequirements } from './material-check.ts';
import type { StoredMaterial, TlsSecretPort } from './tls-secret.ts';

export interface EnsuredMaterial {
  material: TlsMaterial;
  resourceVersion: string;
  /** Why this process wrote new material; undefined when it used what was stored. */
  renewedBecause: string | undefined;
  /** The CA was replaced: caBundles must learn the new one before it is served. */
  newCa: boolean;
}

export interface EnsureOptions {
  requirements: TlsRequirements;
  caValidityMs: number;
  now: () => number;
}

const MAX_ATTEMPTS = 5;

/**
 * Makes the Secret hold usable material and answers it. Replicas converge on one certificate:
 * each write is a compare-and-swap (create, or update at the resourceVersion read), and the
 * loser of a race re-reads and finds the winner's material usable, so it adopts it instead of
 * writing its own.
 */
export async function ensureMaterial(secret: TlsSecretPort, options: EnsureOptions): Promise<EnsuredMaterial> {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    const stored = await secret.read();
    const now = options.now();
    const verdict = assessMaterial(stored?.material, options.requirements, now);
    if (verdict.usable) return { material: stored?.material as TlsMaterial, resourceVersion: stored?.resourceVersion ?? '', renewedBecause: undefined, newCa: false };
    const fresh = renew(stored, verdict.reusableCa, options, now);
    try {
      const written = await write(secret, stored, fresh);
      return { material: fresh, resourceVersion: written.resourceVersion, renewedBecause: stored ? verdict.reason : 'no Secret yet', newCa: !verdict.reusableCa };
    } catch (err) {
      if (!isSpiderpoolError(err, 'CONFLICT') && !isSpiderpoolError(err, 'ALREADY_EXISTS')) throw err;
    }
  }
  throw new SpiderpoolError('RETRIES_EXHAUSTED', `webhook TLS Secret: lost ${MAX_ATTEMPTS} write races in a row`);
}

function renew(stored: StoredMaterial | undefined, reusableCa: boolean, options: EnsureOptions, now: number): TlsMaterial {
  const { requirements, caValidityMs } = options;
  const ca = reusableCa && stored?.material.caCert && stored.material.caKey
    ? { caCert: stored.material.caCert, caKey: stored.material.caKey }
    : newCertificateAuthority(now, caValidityMs);
  return issueServingCertificate(ca, requirements, now, requirements.validityMs);
}

function write(secret: TlsSecretPort, stored: StoredMaterial | undefined, fresh: TlsMaterial): Promise<StoredMaterial> {
  return stored ? secret.update(fresh, stored.resourceVersion) : secret.create(fresh);
}
