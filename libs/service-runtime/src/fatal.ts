// SPDX-License-Identifier: Apache-2.0
import { toSpiderpoolError } from '@spiderpool/errors';

/**
 * Reports an error that prevents start-up (bad configuration, missing kubeconfig) as one
 * structured line on stderr and exits with status 2, instead of a bare stack trace.
 */
export function exitOnStartupError(service: string): (err: unknown) => never {
  return (err: unknown): never => {
    const e = toSpiderpoolError(err);
    const line = { level: 'fatal', time: new Date().toISOString(), service, code: e.code, field: e.field, msg: `cannot start: ${e.message}` };
    process.stderr.write(`${JSON.stringify(line)}\n`);
    process.exit(2);
  };
}
