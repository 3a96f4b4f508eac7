// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { SpiderpoolError } from '@spiderpool/errors';
import { errorStatusBody, parseAdmissionReview, reviewResponse } from './admission-review.ts';

const pool = { apiVersion: 'spiderpool.spidernet.io/v2beta1', kind: 'SpiderIPPool', metadata: { name: 'pool-a' }, spec: { subnet: '192.0.2.0/24' } };

function review(request: Record<string, unknown>): string {
  return JSON.stringify({
    apiVersion: 'admission.k8s.io/v1',
    kind: 'AdmissionReview',
    request: { uid: 'u-1', kind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind: 'SpiderIPPool' }, operation: 'CREATE', object: pool, ...request },
  });
}

function failure(body: string | undefined): SpiderpoolError {
  try {
    parseAdmissionReview(body);
  } catch (err) {
    if (err instanceof SpiderpoolError) return err;
    throw err;
  }
  throw new Error('parsed');
}

describe('parseAdmissionReview', () => {
  it('reads the fields the server uses', () => {
    const parsed = parseAdmissionReview(review({ dryRun: true, userInfo: { username: 'alice', groups: ['g'] }, namespace: '' }));
    expect(parsed).toEqual({
      uid: 'u-1',
      kind: { group: 'spiderpool.spidernet.io', version: 'v2beta1', kind: 'SpiderIPPool' },
      operation: 'CREATE',
      name: 'pool-a',
      namespace: undefined,
      object: pool,
      oldObject: undefined,
      dryRun: true,
      username: 'alice',
    });
  });

  it('prefers request.name and keeps the namespace', () => {
    const parsed = parseAdmissionReview(review({ operation: 'DELETE', name: 'x', namespace: 'ns1', object: null, oldObject: pool }));
    expect(parsed).toMatchObject({ name: 'x', namespace: 'ns1', object: undefined, oldObject: pool, operation: 'DELETE' });
  });

  it.each([
    [undefined, 'body', 'must be a JSON AdmissionReview'],
    ['   ', 'body', 'must be a JSON AdmissionReview'],
    ['{"a":', 'body', 'must be valid JSON'],
    ['[1,2]', 'body', 'must be a JSON object'],
    ['null', 'body', 'must be a JSON object'],
    [JSON.stringify({ apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', request: {} }), 'apiVersion', 'must be "admission.k8s.io/v1"'],
    [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'Pod' }), 'kind', 'must be "AdmissionReview"'],
    [JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview' }), 'request', 'must be an object'],
    [review({ uid: undefined }), 'request.uid', 'must be a non-empty string'],
    [review({ uid: '' }), 'request.uid', 'must be a non-empty string'],
    [review({ uid: 7 }), 'request.uid', 'must be a non-empty string'],
    [review({ uid: 'x'.repeat(257) }), 'request.uid', 'at most 256'],
    [review({ kind: 'SpiderIPPool' }), 'request.kind', 'must be an object'],
    [review({ kind: { kind: '' } }), 'request.kind.kind', 'must be a non-empty string'],
    [review({ kind: { kind: 'A', group: 1 } }), 'request.kind.group', 'must be a string'],
    [review({ operation: 'PATCH' }), 'request.operation', 'must be one of CREATE, UPDATE, DELETE, CONNECT'],
    [review({ object: undefined }), 'request.object', 'is required for CREATE'],
    [review({ object: [pool] }), 'request.object', 'must be an object or null'],
    [review({ operation: 'UPDATE' }), 'request.oldObject', 'is required for UPDATE'],
    [review({ operation: 'DELETE', object: null }), 'request.oldObject', 'is required for DELETE'],
    [review({ object: { metadata: 'x' } }), 'request.object.metadata', 'must be an object'],
    [review({ name: 5 }), 'request.name', 'must be a string'],
    [review({ dryRun: 'yes' }), 'request.dryRun', 'must be a boolean'],
    [review({ userInfo: 'alice' }), 'request.userInfo', 'must be an object'],
    [review({ userInfo: { username: ['alice'] } }), 'request.userInfo.username', 'must be a string'],
  ])('refuses %s: names %s', (body, field, rule) => {
    const err = failure(body);
    expect(err.code).toBe('INVALID_INPUT');
    expect(err.field).toBe(field);
    expect(err.message).toContain(rule);
  });

  it('refuses members that would become prototypes', () => {
    const body = review({}).replace('"metadata":{', '"metadata":{"__proto__":{"polluted":true},');
    expect(failure(body).message).toContain('must be valid JSON');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
    expect(failure(review({ object: JSON.parse('{"constructor":{"prototype":{"x":1}}}') })).field).toBe('body');
  });

  it('never echoes huge or nested values', () => {
    const err = failure(review({ uid: 'u'.repeat(100_000) }));
    expect(err.message.length).toBeLessThan(300);
    expect(failure(review({ kind: { kind: { deep: { er: 1 } } } })).message).toContain('<object>');
  });

  it('parses deeply nested objects without overflowing the stack', () => {
    const deep = `${'{"a":'.repeat(200_000)}1${'}'.repeat(200_000)}`;
    const body = review({}).replace('"spec":{', `"deep":${deep},"spec":{`);
    expect(parseAdmissionReview(body).uid).toBe('u-1');
  });
});

describe('response bodies', () => {
  it('wraps a response in an AdmissionReview v1', () => {
    expect(reviewResponse({ uid: 'u', allowed: true })).toEqual({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'u', allowed: true } });
  });

  it('answers 4xx with a metav1.Status naming the field', () => {
    const body = errorStatusBody(400, 'BadRequest', failure(review({ uid: '' })));
    expect(body).toMatchObject({ apiVersion: 'v1', kind: 'Status', status: 'Failure', code: 400, reason: 'BadRequest', details: { causes: [{ field: 'request.uid' }] } });
    expect(errorStatusBody(413, 'RequestEntityTooLarge', new Error('too large'))).not.toHaveProperty('details');
  });
});
