// SPDX-License-Identifier: Apache-2.0
// A seeded generator of AdmissionReview request bodies for fuzzing the admission endpoint:
// garbage, wrong envelopes, single corrupted fields, huge and deeply nested bodies, and well-formed
// reviews of every kind with random specs and operations. Deterministic for a seed, so a failing
// case can be replayed.
import { FUZZ_KINDS, prng } from '@spiderpool/testkit';

export type FuzzCategory = 'not-json' | 'json-scalar' | 'envelope' | 'request-field' | 'huge' | 'deep' | 'well-formed';

export interface FuzzCase {
  index: number;
  category: FuzzCategory;
  path: '/mutate' | '/validate';
  body: string;
  headers: Record<string, string>;
  /** The uid of a well-formed review (its answer must echo it). */
  uid?: string;
  /** What the endpoint must answer: exactly 200, exactly 400, or either (a corruption may still be valid). */
  expect: 200 | 400 | 'any';
}


const PLAUSIBLE: unknown[] = [
  '192.0.2.0/24', '198.51.100.0/24', '203.0.113.0/25', '2001:db8::/64', '2001:db8:1::/120', '192.0.2.1', '192.0.2.10-192.0.2.20',
  '2001:db8::1-2001:db8::ff', '198.51.100.300', '192.0.2.1/24', '::/0', '0.0.0.0/0', 4, 6, 5, 0, -1, 4096, true, false, null, '',
  'macvlan', 'ipvlan', 'sriov', 'custom', 'auto', 'underlay', 'overlay', 'disabled', 'cluster', 'calico', 'cilium', 'none', 'eth0', 'net1',
  '0a:1b', 'zz:zz', ['192.0.2.1', '192.0.2.2'], ['2001:db8::5'], [{ dst: '203.0.113.0/24', gw: '192.0.2.1' }], [{ dst: '0.0.0.0/0', gw: '192.0.2.1' }],
  { matchLabels: { app: 'web' } }, { matchExpressions: [{ key: 'a', operator: 'Bogus' }] }, { master: ['eth0'], vlanID: 100 }, { master: 'eth0' },
  ['kube-system/macvlan'], { hijackCIDR: ['198.51.100.0/24'] },
];

const OPERATIONS = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'] as const;

export class ReviewFuzzer {
  readonly #random: () => number;

  constructor(seed: number) {
    this.#random = prng(seed);
  }

  next(index: number): FuzzCase {
    const r = this.#random();
    const path = this.#random() < 0.5 ? '/mutate' : '/validate';
    const headers = this.#headers();
    const base = { index, path, headers } as const;
    if (r < 0.08) return { ...base, category: 'not-json', body: this.#garbage(), expect: 400 };
    if (r < 0.12) return { ...base, category: 'json-scalar', body: this.#pick(['null', '1', '"AdmissionReview"', 'true', '[]', '[{"request":{}}]', '-0.5e300']), expect: 400 };
    if (r < 0.2) return { ...base, category: 'envelope', body: JSON.stringify(this.#badEnvelope()), expect: 400 };
    if (r < 0.4) return { ...base, category: 'request-field', ...this.#corrupted() };
    if (r < 0.41) return { ...base, category: 'huge', ...this.#huge() };
    if (r < 0.43) return { ...base, category: 'deep', ...this.#deep() };
    const review = this.#wellFormed();
    return { ...base, category: 'well-formed', body: JSON.stringify(review.body), uid: review.uid, expect: 200 };
  }

  #int(max: number): number {
    return Math.floor(this.#random() * max);
  }

  #pick<T>(items: readonly T[]): T {
    return items[this.#int(items.length)] as T;
  }

  #string(maxLength: number): string {
    const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789-./:~_ "\\{}[]\u00e9\u4e2d\u{1f600}';
    const chars = Array.from(alphabet);
    return Array.from({ length: this.#int(maxLength + 1) }, () => this.#pick(chars)).join('');
  }

  #headers(): Record<string, string> {
    const r = this.#random();
    if (r < 0.9) return { 'content-type': 'application/json' };
    if (r < 0.95) return { 'content-type': 'text/plain; charset=utf-8' };
    return {};
  }

  /** A JSON value of bounded size. */
  #json(depth: number): unknown {
    const r = this.#random();
    if (depth <= 0 || r < 0.5) return this.#random() < 0.5 ? this.#pick(PLAUSIBLE) : this.#pick([this.#string(12), this.#int(1e6) - 5e5, this.#random() * 1e9, null, true]);
    if (r < 0.75) return Array.from({ length: this.#int(4) }, () => this.#json(depth - 1));
    return Object.fromEntries(Array.from({ length: this.#int(4) }, () => [this.#string(8), this.#json(depth - 1)]));
  }

  #garbage(): string {
    const r = this.#random();
    if (r < 0.3) return this.#string(200);
    if (r < 0.6) {
      const valid = JSON.stringify(this.#wellFormed().body);
      return valid.slice(0, this.#int(valid.length));
    }
    if (r < 0.8) return Buffer.from(Array.from({ length: this.#int(300) + 1 }, () => this.#int(256))).toString('latin1');
    return this.#pick(['', ' ', '{', '}', '{"apiVersion":', 'NaN', 'undefined', '{"a":1,}', "{'a':1}", '\u0000']);
  }

  #badEnvelope(): unknown {
    const good = this.#wellFormed().body as Record<string, unknown>;
    const r = this.#random();
    if (r < 0.25) return { ...good, apiVersion: this.#pick([undefined, 'admission.k8s.io/v1beta1', 'v1', 1, null, '']) };
    if (r < 0.5) return { ...good, kind: this.#pick([undefined, 'AdmissionRequest', 'admissionreview', 7, null]) };
    if (r < 0.75) return { ...good, request: this.#pick([undefined, null, 'request', 1, [good['request']], true]) };
    return { ...good, request: { ...(good['request'] as object), uid: this.#pick([undefined, null, '', 42, {}, [], 'x'.repeat(300)]) } };
  }

  /** A well-formed review with one request field set to something random. */
  #corrupted(): { body: string; expect: 200 | 400 | 'any' } {
    const good = this.#wellFormed().body as { request: Record<string, unknown> };
    const field = this.#pick(['kind', 'operation', 'object', 'oldObject', 'name', 'namespace', 'dryRun', 'userInfo', 'uid', 'metadata']);
    const value = this.#json(2);
    const request = field === 'metadata'
      ? { ...good.request, object: { ...(good.request['object'] as object), metadata: value } }
      : { ...good.request, [field]: value };
    return { body: JSON.stringify({ ...good, request }), expect: 'any' };
  }

  /** Big but under the body limit: long strings, many labels, or a huge uid. */
  #huge(): { body: string; uid?: string; expect: 200 | 400 | 'any' } {
    const review = this.#wellFormed('CREATE');
    const request = (review.body as { request: { object: Record<string, unknown>; uid: string } }).request;
    const r = this.#random();
    if (r < 0.3) {
      request.uid = 'u'.repeat(100_000 + this.#int(100_000));
      return { body: JSON.stringify(review.body), expect: 400 };
    }
    if (r < 0.65) request.object['spec'] = { subnet: 'x'.repeat(256 * 1024 + this.#int(768 * 1024)), ips: Array.from({ length: 2_000 }, (_, i) => `192.0.2.${i % 256}`) };
    else request.object['metadata'] = { name: 'many-labels', labels: Object.fromEntries(Array.from({ length: 10_000 }, (_, i) => [`l${i}`, `v${i}`])) };
    return { body: JSON.stringify(review.body), uid: review.uid, expect: 200 };
  }

  /** Nesting far deeper than any Kubernetes object (JSON.stringify itself would overflow). */
  #deep(): { body: string; uid: string; expect: 200 } {
    const review = this.#wellFormed('CREATE');
    const levels = 1_000 + this.#int(99_000);
    const nested = this.#random() < 0.5 ? `${'['.repeat(levels)}1${']'.repeat(levels)}` : `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;
    const text = JSON.stringify(review.body);
    const at = text.indexOf('"spec":{') + '"spec":{'.length;
    const body = `${text.slice(0, at)}"nested":${nested}${text[at] === '}' ? '' : ','}${text.slice(at)}`;
    return { body, uid: review.uid, expect: 200 };
  }

  #wellFormed(forced?: (typeof OPERATIONS)[number]): { body: unknown; uid: string } {
    const kind = this.#pick(FUZZ_KINDS);
    const operation = forced ?? this.#pick(OPERATIONS);
    const uid = `fuzz-${this.#int(1e9).toString(16)}-${this.#int(1e9).toString(16)}`;
    const name = this.#random() < 0.9 ? `obj-${this.#int(1e6)}` : '';
    const namespace = kind.namespaced ? this.#pick(['default', 'kube-system', 'team-a']) : undefined;
    const object = (): Record<string, unknown> => ({
      apiVersion: kind.group ? `${kind.group}/v2beta1` : 'v1',
      kind: kind.kind,
      metadata: { name, ...(name ? {} : { generateName: 'gen-' }), ...(namespace ? { namespace } : {}), labels: this.#random() < 0.3 ? { app: 'web' } : undefined },
      spec: this.#spec(kind.fields),
      ...(this.#random() < 0.2 ? { status: this.#json(2) } : {}),
    });
    const request: Record<string, unknown> = {
      uid,
      kind: { group: kind.group, version: kind.group ? 'v2beta1' : 'v1', kind: kind.kind },
      resource: { group: kind.group, version: 'v2beta1', resource: `${kind.kind.toLowerCase()}s` },
      name,
      ...(namespace ? { namespace } : {}),
      operation,
      userInfo: { username: this.#pick(['system:admin', 'alice', '']), groups: ['system:masters'] },
      object: operation === 'CREATE' || operation === 'UPDATE' || operation === 'CONNECT' ? object() : null,
      oldObject: operation === 'UPDATE' || operation === 'DELETE' ? object() : null,
      dryRun: this.#random() < 0.2,
    };
    return { body: { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request }, uid };
  }

  #spec(fields: readonly string[]): Record<string, unknown> {
    const spec: Record<string, unknown> = {};
    for (const field of fields) if (this.#random() < 0.5) spec[field] = this.#json(3);
    if (this.#random() < 0.2) spec[this.#string(10)] = this.#json(2);
    return spec;
  }
}
