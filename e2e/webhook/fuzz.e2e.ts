// SPDX-License-Identifier: Apache-2.0
// 5,000 random and malformed AdmissionReview bodies over HTTPS to a running webhook-service:
// every one is answered (200 with an AdmissionReview echoing the uid, or 400 with a Status),
// never a 5xx or a dropped connection, and the process stays healthy. Seeded: set
// SPIDERPOOL_FUZZ_SEED to replay a run; the seed is in every failure message.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { request } from 'node:https';
import { sumSamples } from './review-client.ts';
import { ReviewFuzzer, type FuzzCase, type FuzzCategory } from './review-fuzz.ts';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.ts';

const CASES = 5_000;
const IN_FLIGHT = 16;
const SEED = Number(process.env['SPIDERPOOL_FUZZ_SEED'] ?? 0x5eed_2025);

let wh: WebhookHarness;

beforeAll(async () => {
  // Posted to directly: the API server never calls this instance.
  wh = await startWebhookHarness({ register: false });
});

afterAll(async () => {
  await wh?.stop();
});

interface Outcome {
  fuzz: FuzzCase;
  status: number;
  body: string;
}

/** What is wrong with one answer, or undefined. */
function problemOf({ fuzz, status, body }: Outcome): string | undefined {
  if (status !== 200 && status !== 400) return `HTTP ${status}`;
  if (fuzz.expect !== 'any' && status !== fuzz.expect) return `HTTP ${status}, expected ${fuzz.expect}`;
  let parsed: Record<string, unknown>;
  try {
    parsed = JSON.parse(body) as Record<string, unknown>;
  } catch {
    return `answer is not JSON: ${body.slice(0, 100)}`;
  }
  if (status === 400) return parsed['kind'] === 'Status' && parsed['code'] === 400 ? undefined : `400 without a Status: ${body.slice(0, 200)}`;
  return reviewProblem(fuzz, parsed);
}

function reviewProblem(fuzz: FuzzCase, parsed: Record<string, unknown>): string | undefined {
  const response = parsed['response'] as Record<string, unknown> | undefined;
  if (parsed['apiVersion'] !== 'admission.k8s.io/v1' || parsed['kind'] !== 'AdmissionReview' || !response) return `not an AdmissionReview: ${JSON.stringify(parsed).slice(0, 200)}`;
  if (fuzz.uid !== undefined && response['uid'] !== fuzz.uid) return `uid ${String(response['uid'])} instead of ${fuzz.uid}`;
  if (typeof response['allowed'] !== 'boolean') return 'response.allowed is not a boolean';
  if (response['patch'] !== undefined) {
    const ops: unknown = JSON.parse(Buffer.from(String(response['patch']), 'base64').toString('utf8'));
    if (!Array.isArray(ops) || response['patchType'] !== 'JSONPatch') return 'patch is not a JSON patch array';
  }
  const status = response['status'] as { code?: number; message?: string } | undefined;
  if (response['allowed'] === false && (typeof status?.code !== 'number' || !status.message)) return 'denial without status code and message';
  // A 5xx inside the review means a kind's logic threw (or timed out) on the input: malformed
  // objects must be denied with a 4xx naming the field, or allowed, never fail as our error.
  if (typeof status?.code === 'number' && status.code >= 500) return `status ${status.code}: ${String(status.message).slice(0, 200)}`;
  return undefined;
}

/**
 * Declares an 8 MiB body but sends only its start: the server answers 413 from the header alone
 * (sending it all would race the server closing the connection, EPIPE on our side).
 */
function postDeclaringSize(bytes: number): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(new URL('/validate', wh.url), { method: 'POST', ca: wh.caPem, headers: { 'content-type': 'application/json', 'content-length': bytes } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        req.destroy();
      });
    });
    req.on('error', reject);
    req.write(`{"pad":"${'x'.repeat(1024)}`);
  });
}

/** Answers per kind and decision (allowed, or the denial's status code), for the log. */
function summary(outcomes: Outcome[]): string {
  const counts = new Map<string, number>();
  for (const o of outcomes) {
    if (o.status !== 200) continue;
    const review = JSON.parse(o.body) as { response: { allowed: boolean; status?: { code: number } } };
    const kind = /"kind":\{"group":"[^"]*","version":"[^"]*","kind":"([^"]+)"/.exec(o.fuzz.body)?.[1] ?? '?';
    const key = `${kind} ${review.response.allowed ? 'allowed' : review.response.status?.code}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return [...counts].sort().map(([k, v]) => `${k}: ${v}`).join(', ');
}

async function run(cases: FuzzCase[]): Promise<Outcome[]> {
  const outcomes: Outcome[] = [];
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < cases.length) {
      const fuzz = cases[next++] as FuzzCase;
      try {
        const answer = await wh.client.post(fuzz.path, fuzz.body, fuzz.headers);
        outcomes.push({ fuzz, ...answer });
      } catch (err) {
        outcomes.push({ fuzz, status: -1, body: `no answer: ${err instanceof Error ? err.message : String(err)}` });
      }
    }
  };
  await Promise.all(Array.from({ length: IN_FLIGHT }, worker));
  return outcomes;
}

describe(`fuzzing the admission endpoint (seed ${SEED})`, () => {
  it(`answers all ${CASES} bodies with 200 or 400 and stays healthy`, async () => {
    const fuzzer = new ReviewFuzzer(SEED);
    const cases = Array.from({ length: CASES }, (_, i) => fuzzer.next(i));
    const outcomes = await run(cases);

    const problems = outcomes.flatMap((o) => {
      const problem = problemOf(o);
      return problem ? [`#${o.fuzz.index} ${o.fuzz.category} ${o.fuzz.path}: ${problem} (body ${o.fuzz.body.slice(0, 120)})`] : [];
    });
    expect({ seed: SEED, problems: problems.slice(0, 10), count: problems.length }).toEqual({ seed: SEED, problems: [], count: 0 });
    expect(outcomes).toHaveLength(CASES);

    // Every category was exercised, and the metric agrees with what was answered 400.
    const byCategory = new Map<FuzzCategory, number>();
    for (const o of outcomes) byCategory.set(o.fuzz.category, (byCategory.get(o.fuzz.category) ?? 0) + 1);
    expect([...byCategory.keys()].sort()).toEqual(['deep', 'envelope', 'huge', 'json-scalar', 'not-json', 'request-field', 'well-formed']);
    const rejected = outcomes.filter((o) => o.status === 400).length;
    expect(sumSamples(await wh.metrics(), 'spiderpool_webhook_admission_bad_requests_total')).toBe(rejected);
    expect(rejected).toBeGreaterThan(CASES * 0.2);
    expect(outcomes.filter((o) => o.status === 200).length).toBeGreaterThan(CASES * 0.5);

    console.log(`fuzz seed ${SEED}: ${summary(outcomes)}`);
    expect(wh.process.running).toBe(true);
    expect((await fetch(`http://127.0.0.1:${wh.opsPort}/healthz`)).status).toBe(200);
    expect((await fetch(`http://127.0.0.1:${wh.opsPort}/readyz`)).status).toBe(200);
  });

  it('answers 413 to a body over the limit and 415 to a content type that is no media type, and still serves', async () => {
    const big = await postDeclaringSize(8 * 1024 * 1024);
    expect(big.status).toBe(413);
    expect(JSON.parse(big.body)).toMatchObject({ kind: 'Status', code: 413 });
    const weird = await wh.client.post('/validate', '{}', { 'content-type': 'a/b/c' });
    expect(weird.status).toBe(415);
    const fuzzer = new ReviewFuzzer(SEED + 1);
    let fuzz = fuzzer.next(0);
    while (fuzz.category !== 'well-formed') fuzz = fuzzer.next(0);
    const after = await wh.client.post(fuzz.path, fuzz.body, fuzz.headers);
    expect(after.status).toBe(200);
    expect(wh.process.running).toBe(true);
  });
});
