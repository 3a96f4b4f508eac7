// SPDX-License-Identifier: Apache-2.0
// The baseline of `npm run bench:webhook`: a fastify HTTPS endpoint that parses the body and
// allows everything, with the same TLS and body handling cost as a real admission endpoint but
// no admission logic. Run as its own process, like webhook-service, so both get a CPU of their own.
//   BENCH_PORT, BENCH_TLS_CERT_FILE, BENCH_TLS_KEY_FILE
import { readFileSync } from 'node:fs';
import Fastify from 'fastify';

const app = Fastify({
  https: { cert: readFileSync(process.env['BENCH_TLS_CERT_FILE'] ?? ''), key: readFileSync(process.env['BENCH_TLS_KEY_FILE'] ?? '') },
  bodyLimit: 7 * 1024 * 1024,
});
app.post('/:webhook', async (req) => {
  const uid = (req.body as { request?: { uid?: string } } | undefined)?.request?.uid ?? '';
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } };
});
app.get('/healthz', async () => ({ ok: true }));
await app.listen({ host: '127.0.0.1', port: Number(process.env['BENCH_PORT'] ?? 0) });
process.on('SIGTERM', () => {
  void app.close().then(() => process.exit(0));
});
