// SPDX-License-Identifier: Apache-2.0
// Two webhook-service replicas sharing the test bed's Redis, as behind one Service: SpiderIPPool
// CREATE reviews spread over both at once. Of 100 overlapping pools exactly one is admitted, by
// whichever replica; 100 pools that do not overlap are all admitted (no lock, no false refusals).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { API_VERSION } from '@spiderpool/crds';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

let replicas: WebhookHarness[] = [];
/** A /48 of this run inside 2001:db8::/32, apart from other test files' pools. */
const block = `2001:db8:${(0xa000 + Math.floor(Math.random() * 0xfff)).toString(16)}`;

beforeAll(async () => {
  replicas = await Promise.all([startWebhookHarness({ register: false }), startWebhookHarness({ register: false })]);
});

afterAll(async () => {
  await Promise.all(replicas.map((r) => r.stop()));
});

/** A validating review of a pool CREATE, with the defaults the mutating webhook would have set. */
function poolReview(name: string, subnet: string, ips: string[]): string {
  const object = { apiVersion: API_VERSION, kind: 'SpiderIPPool', metadata: { name }, spec: { ipVersion: 6, subnet, ips } };
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: {
      uid: `uid-${name}`,
      kind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind: 'SpiderIPPool' },
      resource: { group: 'spiderpool.spidernet.io', version: 'v2beta1', resource: 'spiderippools' },
      name,
      operation: 'CREATE',
      userInfo: { username: 'e2e' },
      object,
      oldObject: null,
      dryRun: false,
    },
  });
}

/** Posts every review at once, alternating between the replicas; answers the names admitted. */
async function admitAcrossReplicas(reviews: Array<{ name: string; body: string }>): Promise<string[]> {
  const answers = await Promise.all(reviews.map(async ({ name, body }, i) => {
    const replica = replicas[i % replicas.length] as WebhookHarness;
    const answer = await replica.client.post('/validate', body);
    expect(answer.status).toBe(200);
    const response = (JSON.parse(answer.body) as { response: { allowed: boolean; status?: { message?: string } } }).response;
    if (!response.allowed) expect(response.status?.message).toMatch(/\[(ips-overlap-pool|subnet-overlaps-pool)\]/);
    return response.allowed ? name : undefined;
  }));
  return answers.filter((name): name is string => name !== undefined);
}

describe('two replicas admitting at once', () => {
  it('admit exactly one of 100 overlapping pools', async () => {
    const reviews = Array.from({ length: 100 }, (_, i) => {
      const name = `overlap-${i}`;
      return { name, body: poolReview(name, `${block}:1::/64`, [`${block}:1::${(i + 1).toString(16)}-${block}:1::200`]) };
    });
    expect(await admitAcrossReplicas(reviews)).toHaveLength(1);
  });

  it('admit all of 100 pools that do not overlap', async () => {
    const reviews = Array.from({ length: 100 }, (_, i) => {
      const name = `apart-${i}`;
      const subnet = `${block}:${(0x100 + i).toString(16)}::/64`;
      return { name, body: poolReview(name, subnet, [`${block}:${(0x100 + i).toString(16)}::10-${block}:${(0x100 + i).toString(16)}::20`]) };
    });
    expect((await admitAcrossReplicas(reviews)).sort()).toEqual(reviews.map((r) => r.name).sort());
  });

  it('refuse on either replica a pool overlapping one the other admitted a moment ago', async () => {
    const [a, b] = replicas as [WebhookHarness, WebhookHarness];
    const first = await a.client.post('/validate', poolReview('first', `${block}:2::/64`, [`${block}:2::10-${block}:2::20`]));
    expect(JSON.parse(first.body)).toMatchObject({ response: { allowed: true } });
    const second = await b.client.post('/validate', poolReview('second', `${block}:2::/64`, [`${block}:2::15`]));
    expect(JSON.parse(second.body)).toMatchObject({ response: { allowed: false, status: { message: expect.stringContaining('SpiderIPPool first (admitted moments ago)') } } });
  });
});
