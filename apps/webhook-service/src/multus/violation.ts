// SPDX-License-Identifier: Apache-2.0
import type { Violation } from '../admission/admission-types.ts';

/** One broken rule; `id` is stable kebab-case (it labels metrics and tests match on it). */
export const violation = (field: string, value: unknown, id: string, rule: string): Violation => ({ field, value, id, rule });

/** Kubernetes object names (DNS-1123 subdomain): what a NetworkAttachmentDefinition may be called. */
export const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

export const isDns1123Subdomain = (s: string): boolean => s.length <= 253 && DNS1123_SUBDOMAIN.test(s);

/** A label value: at most 63 characters, alphanumeric at both ends, `-_.` inside. */
export const isLabelValue = (s: string): boolean => s.length <= 63 && /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/.test(s);

export const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
