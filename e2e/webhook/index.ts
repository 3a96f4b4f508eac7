// SPDX-License-Identifier: Apache-2.0
export { ADMITTED_RESOURCES, WEBHOOK_TEST_LABEL, issueLoopbackCert, startWebhookHarness, type WebhookHarness, type WebhookHarnessOptions, type WebhookRule } from './webhook-harness.ts';
export { createReviewClient, sumSamples, type ReviewAnswer, type ReviewClient } from './review-client.ts';
