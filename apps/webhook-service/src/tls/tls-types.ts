// SPDX-License-Identifier: Apache-2.0

/** The service's logger as TLS bootstrap uses it (pino's Logger fits). */
export interface TlsLogger {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
}

/**
 * Receives each new serving certificate and key (PEM) after the first one, for the server to
 * swap its secure context (`server.setSecureContext({ cert, key })`). Never called before the
 * bootstrap's start resolved, and never with a pair whose CA is not yet in the caBundles.
 */
export type OnCertificate = (cert: string, key: string) => void;

/** What the server starts with; `ca` is undefined when no CA is known (provided mode without a CA file). */
export interface ServingCertificate {
  cert: string;
  key: string;
  ca: string | undefined;
}
