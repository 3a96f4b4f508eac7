// SPDX-License-Identifier: Apache-2.0
// AdmissionReview v1 on the wire: the request checked field by field (a malformed body is the
// caller's fault and answered 400, never a crash or a 5xx), and the response envelope.
import sjson from 'secure-json-parse';
import { invalidInput, type SpiderpoolError } from '@spiderpool/errors';
import type { KubeObject } from '@spiderpool/k8s';
import type { Operation } from './admission-types.ts';

export const ADMISSION_API_VERSION = 'admission.k8s.io/v1';
const OPERATIONS: readonly Operation[] = ['CREATE', 'UPDATE', 'DELETE', 'CONNECT'];
const MAX_UID_LENGTH = 256;
const MAX_KIND_LENGTH = 253;

/** The parts of `request` the server uses, checked. */
export interface AdmissionReviewRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  operation: Operation;
  /** `request.name`, else the object's name ('' for a CREATE with generateName). */
  name: string;
  namespace: string | undefined;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  dryRun: boolean;
  username: string;
}

/** `status` of a denial: a metav1.Status the API server passes on to the client. */
export interface AdmissionStatus {
  code: number;
  reason: string;
  message: string;
}

export interface AdmissionResponse {
  uid: string;
  allowed: boolean;
  status?: AdmissionStatus;
  patchType?: 'JSONPatch';
  /** Base64 of the JSON patch array. */
  patch?: string;
  warnings?: string[];
}

export interface AdmissionReviewResponse {
  apiVersion: typeof ADMISSION_API_VERSION;
  kind: 'AdmissionReview';
  response: AdmissionResponse;
}

type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

/** Parses and checks a request body; throws an INVALID_INPUT SpiderpoolError naming the field. */
export function parseAdmissionReview(body: string | undefined): AdmissionReviewRequest {
  const review = parseJson(body);
  if (!isObject(review)) throw bad('body', review, 'must be a JSON object (an AdmissionReview)');
  if (review['apiVersion'] !== ADMISSION_API_VERSION) throw bad('apiVersion', review['apiVersion'], `must be "${ADMISSION_API_VERSION}"`);
  if (review['kind'] !== 'AdmissionReview') throw bad('kind', review['kind'], 'must be "AdmissionReview"');
  const request = review['request'];
  if (!isObject(request)) throw bad('request', request, 'must be an object');
  const operation = operationOf(request['operation']);
  const objects = objectsOf(request, operation);
  return {
    uid: uidOf(request['uid']),
    kind: kindOf(request['kind']),
    operation,
    ...objects,
    name: optionalString(request, 'name') ?? objectName(objects.object ?? objects.oldObject),
    namespace: optionalString(request, 'namespace') || undefined,
    dryRun: optionalBoolean(request, 'dryRun'),
    username: usernameOf(request['userInfo']),
  };
}

function parseJson(body: string | undefined): unknown {
  if (body === undefined || body.trim() === '') throw bad('body', undefined, 'must be a JSON AdmissionReview');
  try {
    // Members named __proto__ (or constructor.prototype) are refused: our code and the kinds'
    // logic copy objects around, and such a member must never become a prototype.
    return sjson.parse(body, undefined, { protoAction: 'error', constructorAction: 'error' });
  } catch (err) {
    throw bad('body', undefined, `must be valid JSON (${err instanceof Error ? err.message : String(err)})`);
  }
}

function uidOf(uid: unknown): string {
  if (typeof uid !== 'string' || uid.length === 0 || uid.length > MAX_UID_LENGTH) {
    throw bad('request.uid', uid, `must be a non-empty string of at most ${MAX_UID_LENGTH} characters`);
  }
  return uid;
}

function kindOf(kind: unknown): AdmissionReviewRequest['kind'] {
  if (!isObject(kind)) throw bad('request.kind', kind, 'must be an object {group, version, kind}');
  const name = kind['kind'];
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_KIND_LENGTH) {
    throw bad('request.kind.kind', name, `must be a non-empty string of at most ${MAX_KIND_LENGTH} characters`);
  }
  const group = kind['group'] ?? '';
  const version = kind['version'] ?? '';
  if (typeof group !== 'string') throw bad('request.kind.group', group, 'must be a string');
  if (typeof version !== 'string') throw bad('request.kind.version', version, 'must be a string');
  return { group, version, kind: name };
}

function operationOf(operation: unknown): Operation {
  if (!OPERATIONS.includes(operation as Operation)) throw bad('request.operation', operation, `must be one of ${OPERATIONS.join(', ')}`);
  return operation as Operation;
}

/** CREATE and UPDATE carry the new object, UPDATE and DELETE the stored one. */
function objectsOf(request: Json, operation: Operation): { object: KubeObject | undefined; oldObject: KubeObject | undefined } {
  const object = optionalObject(request, 'object');
  const oldObject = optionalObject(request, 'oldObject');
  if ((operation === 'CREATE' || operation === 'UPDATE') && !object) throw bad('request.object', undefined, `is required for ${operation}`);
  if ((operation === 'UPDATE' || operation === 'DELETE') && !oldObject) throw bad('request.oldObject', undefined, `is required for ${operation}`);
  for (const [field, value] of [['request.object', object], ['request.oldObject', oldObject]] as const) {
    const metadata = value?.['metadata'];
    if (metadata !== undefined && !isObject(metadata)) throw bad(`${field}.metadata`, metadata, 'must be an object');
  }
  return { object: object as KubeObject | undefined, oldObject: oldObject as KubeObject | undefined };
}

function optionalObject(request: Json, key: string): Json | undefined {
  const value = request[key];
  if (value === undefined || value === null) return undefined;
  if (!isObject(value)) throw bad(`request.${key}`, value, 'must be an object or null');
  return value;
}

function optionalString(request: Json, key: string): string | undefined {
  const value = request[key];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'string') throw bad(`request.${key}`, value, 'must be a string');
  return value;
}

function optionalBoolean(request: Json, key: string): boolean {
  const value = request[key];
  if (value === undefined || value === null) return false;
  if (typeof value !== 'boolean') throw bad(`request.${key}`, value, 'must be a boolean');
  return value;
}

function usernameOf(userInfo: unknown): string {
  if (userInfo === undefined || userInfo === null) return '';
  if (!isObject(userInfo)) throw bad('request.userInfo', userInfo, 'must be an object');
  const username = userInfo['username'] ?? '';
  if (typeof username !== 'string') throw bad('request.userInfo.username', username, 'must be a string');
  return username;
}

function objectName(object: KubeObject | undefined): string {
  const name = object?.metadata?.name;
  return typeof name === 'string' ? name : '';
}

/**
 * An INVALID_INPUT error that shows the offending value only when it is short and flat: bodies
 * are untrusted, and a huge or deeply nested value must not end up in logs (or overflow
 * JSON.stringify's stack).
 */
function bad(field: string, value: unknown, rule: string): SpiderpoolError {
  return invalidInput(field, preview(value), rule);
}

function preview(value: unknown): unknown {
  if (value === null || typeof value === 'number' || typeof value === 'boolean' || value === undefined) return value;
  if (typeof value === 'string') return value.length > 64 ? `${value.slice(0, 61)}...` : value;
  return Array.isArray(value) ? '<array>' : `<${typeof value}>`;
}

/** The 200 answer. */
export function reviewResponse(response: AdmissionResponse): AdmissionReviewResponse {
  return { apiVersion: ADMISSION_API_VERSION, kind: 'AdmissionReview', response };
}

/**
 * The body of a 4xx answer: a metav1.Status, which the API server's client decodes, so its
 * message reaches the event and the log of the failed webhook call.
 */
export function errorStatusBody(code: number, reason: string, error: SpiderpoolError | Error): Record<string, unknown> {
  const field = 'field' in error && typeof error.field === 'string' ? error.field : undefined;
  return {
    apiVersion: 'v1',
    kind: 'Status',
    status: 'Failure',
    code,
    reason,
    message: error.message,
    ...(field ? { details: { causes: [{ field, message: error.message }] } } : {}),
  };
}
