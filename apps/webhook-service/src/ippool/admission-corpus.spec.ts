// SPDX-License-Identifier: Apache-2.0
// Table-driven: every invalid object is denied with its rule id, every valid one is allowed.
import { describe, expect, it } from '@jest/globals';
import type { KubeObject } from '@spiderpool/k8s';
import type { KindAdmission } from '../admission/admission-types.ts';
import { violationMessage } from '../admission/admission-types.ts';
import { ipPoolAdmission, reservedIpAdmission, subnetAdmission } from './index.ts';
import { runCase, type AdmissionCase } from './testing/admission-case.ts';
import { invalidPoolCases, validPoolCases } from './testing/ippool-cases.ts';
import { invalidReservedCases, validReservedCases } from './testing/reservedip-cases.ts';
import { invalidSubnetCases, validSubnetCases } from './testing/subnet-cases.ts';

const corpora = [
  { kind: 'SpiderIPPool', admission: ipPoolAdmission, invalid: invalidPoolCases, valid: validPoolCases },
  { kind: 'SpiderSubnet', admission: subnetAdmission, invalid: invalidSubnetCases, valid: validSubnetCases },
  { kind: 'SpiderReservedIP', admission: reservedIpAdmission, invalid: invalidReservedCases, valid: validReservedCases },
] as unknown as Array<{ kind: string; admission: KindAdmission<KubeObject>; invalid: AdmissionCase[]; valid: AdmissionCase[] }>;

describe('admission corpus', () => {
  it('is large enough: at least 60 invalid and 20 valid objects', () => {
    expect(corpora.reduce((n, c) => n + c.invalid.length, 0)).toBeGreaterThanOrEqual(60);
    expect(corpora.reduce((n, c) => n + c.valid.length, 0)).toBeGreaterThanOrEqual(20);
  });

  describe.each(corpora)('$kind', ({ admission, invalid, valid }) => {
    it.each(invalid.map((c) => [c.title, c] as const))('denies: %s', async (_title, c) => {
      const { violations } = await runCase(admission, c);
      // Each object breaks exactly the rule it is there for, so a test cannot pass on another one.
      expect([...new Set(violations.map((v) => v.id))].sort()).toEqual([c.expect, ...(c.alsoExpect ?? [])].sort());
      const denied = violations.find((v) => v.id === c.expect);
      // The message names the field and the rule id (the value where there is one).
      expect(violationMessage(denied!)).toMatch(new RegExp(`^${escape(denied!.field)}:.* \\[${c.expect}\\]$`));
    });

    it.each(valid.map((c) => [c.title, c] as const))('allows: %s', async (_title, c) => {
      const { violations } = await runCase(admission, c);
      expect(violations.map(violationMessage)).toEqual([]);
    });
  });

  it('uses every rule id of the invalid corpus in a kebab-case form', () => {
    const ids = corpora.flatMap((c) => c.invalid.map((i) => i.expect));
    for (const id of ids) expect(id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
  });
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
