// SPDX-License-Identifier: Apache-2.0
import { pino, type Logger, type LevelWithSilent } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  /** Service name, bound to every line as `service`. */
  service: string;
  level?: LevelWithSilent;
  /** Destination file descriptor or path; defaults to stdout. */
  destination?: number | string;
}

/**
 * Structured JSON logs, one line per event. No transports (they spawn worker threads);
 * callers bind context with `logger.child({ pod, pool, containerId })`.
 */
export function createLogger(options: LoggerOptions): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      base: { service: options.service },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.token', '*.password', '*.authorization', 'headers.authorization'], censor: '[redacted]' },
    },
    pino.destination({ dest: options.destination ?? 1, sync: false }),
  );
}
