// SPDX-License-Identifier: Apache-2.0
// The HTTPS endpoint the API server calls: `POST /mutate` and `POST /validate`, AdmissionReview v1
// in and out. A well-formed review always gets HTTP 200 (the decision is inside it); a body that
// is not one gets a 4xx metav1.Status. Nothing a client sends can make it answer 5xx or crash.
import type { Server as HttpsServer } from 'node:https';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type RawReplyDefaultExpression,
  type RawRequestDefaultExpression,
  type RawServerDefault,
} from 'fastify';
import { SpiderpoolError, isSpiderpoolError } from '@spiderpool/errors';
import type { KubeObject } from '@spiderpool/k8s';
import type { Logger } from '@spiderpool/observability';
import { AdmissionDispatcher, type Webhook } from './admission-dispatcher.ts';
import type { AdmissionMetrics } from './admission-metrics.ts';
import { errorStatusBody, parseAdmissionReview, reviewResponse } from './admission-review.ts';
import type { AdmissionContext, KindAdmission } from './admission-types.ts';

/** PEM certificate chain and key of the serving certificate. */
export interface ServingCertificate {
  cert: string | Buffer;
  key: string | Buffer;
}

export interface AdmissionServerOptions {
  /** One entry per kind; a kind may appear once. */
  kinds: Iterable<KindAdmission<KubeObject>>;
  context: AdmissionContext;
  metrics: AdmissionMetrics;
  logger: Logger;
  /** Serve HTTPS with this certificate; null serves plain HTTP (tests and development only). */
  tls?: ServingCertificate | null;
  /** Largest accepted body; an AdmissionReview carries the object and the old object. */
  bodyLimitBytes?: number;
  /** Deadline of one kind's logic; the request is denied when it passes. */
  admissionTimeoutMs?: number;
}

/** The fastify instance (typed as HTTP; it is HTTPS when a certificate was given). */
export type AdmissionApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, Logger>;

export interface AdmissionServer {
  readonly app: AdmissionApp;
  readonly dispatcher: AdmissionDispatcher;
  /** Starts listening; resolves with the bound port. */
  listen(host: string, port: number): Promise<number>;
  close(): Promise<void>;
  /**
   * Swaps the serving certificate without a restart: new TLS handshakes use it, open
   * connections keep theirs. Only on an HTTPS server.
   */
  setCertificate(certificate: ServingCertificate): void;
}

export const DEFAULT_BODY_LIMIT_BYTES = 7 * 1024 * 1024;
export const DEFAULT_ADMISSION_TIMEOUT_MS = 8_000;
/** Time to receive a whole request: a client trickling bytes cannot hold a socket for ever. */
const REQUEST_TIMEOUT_MS = 30_000;

export function createAdmissionServer(options: AdmissionServerOptions): AdmissionServer {
  const tls = options.tls ?? null;
  const bodyLimit = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;
  const dispatcher = new AdmissionDispatcher({
    kinds: options.kinds,
    context: options.context,
    metrics: options.metrics,
    logger: options.logger,
    timeoutMs: options.admissionTimeoutMs ?? DEFAULT_ADMISSION_TIMEOUT_MS,
  });
  const app = Fastify({
    loggerInstance: options.logger,
    // One line per admission would drown the log under load; decisions are logged by the dispatcher.
    disableRequestLogging: true,
    bodyLimit,
    requestTimeout: REQUEST_TIMEOUT_MS,
    ...(tls ? { https: { cert: tls.cert, key: tls.key } } : {}),
  });
  void app.register(async (scope) => {
    // The body is parsed by parseAdmissionReview whatever the content type says, so that every
    // malformed body gets the same kind of answer.
    scope.removeAllContentTypeParsers();
    scope.addContentTypeParser('*', { parseAs: 'string' }, (_req, body, done) => done(null, body));
    scope.setErrorHandler((err: FastifyError, _req, reply) => answerError(reply, err, options.metrics));
    for (const webhook of ['mutate', 'validate'] as const) {
      scope.post(`/${webhook}`, (req, reply) => serve({ webhook, body: req.body, reply, dispatcher, metrics: options.metrics }));
    }
  });
  return {
    app,
    dispatcher,
    async listen(host, port) {
      await app.listen({ host, port });
      const address = app.server.address();
      return typeof address === 'object' && address ? address.port : port;
    },
    close: () => app.close(),
    setCertificate(certificate) {
      if (!tls) throw new SpiderpoolError('NOT_SUPPORTED', 'the admission server was started without TLS; its certificate cannot be replaced');
      (app.server as HttpsServer).setSecureContext({ cert: certificate.cert, key: certificate.key });
    },
  };
}

interface ServeArgs {
  webhook: Webhook;
  body: unknown;
  reply: FastifyReply;
  dispatcher: AdmissionDispatcher;
  metrics: AdmissionMetrics;
}

async function serve({ webhook, body, reply, dispatcher, metrics }: ServeArgs): Promise<FastifyReply> {
  let request;
  try {
    request = parseAdmissionReview(typeof body === 'string' ? body : undefined);
  } catch (err) {
    metrics.badRequests.inc({ webhook });
    const error = isSpiderpoolError(err) ? err : new SpiderpoolError('INVALID_INPUT', 'body is not an AdmissionReview');
    return reply.code(400).send(errorStatusBody(400, 'BadRequest', error));
  }
  const response = await dispatcher.review(webhook, request);
  return reply.code(200).send(reviewResponse(response));
}

/**
 * Errors raised before our handler runs: body too large (413), a content-type header that is not
 * a media type (415), a client that went away. Answered with their 4xx; anything else would be
 * our bug, logged and answered 500.
 */
function answerError(reply: FastifyReply, err: FastifyError, metrics: AdmissionMetrics): FastifyReply {
  const status = typeof err.statusCode === 'number' && err.statusCode >= 400 && err.statusCode < 500 ? err.statusCode : 500;
  const webhook = reply.request.url.includes('mutate') ? 'mutate' : 'validate';
  if (status < 500) metrics.badRequests.inc({ webhook });
  else reply.log.error({ err }, 'admission endpoint failed');
  const reason = status === 413 ? 'RequestEntityTooLarge' : status === 415 ? 'UnsupportedMediaType' : status < 500 ? 'BadRequest' : 'InternalError';
  return reply.code(status).send(errorStatusBody(status, reason, err));
}
