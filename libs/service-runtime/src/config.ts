// SPDX-License-Identifier: Apache-2.0
import { z } from 'zod';
import { invalidInput } from '@spiderpool/errors';

export { z };

/**
 * Parses a service's configuration from environment variables once, at start-up. Keys of the
 * schema are environment variable names; an invalid value fails fast with an error that names
 * the variable and the rule.
 */
export function loadConfig<S extends z.ZodObject>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const input: Record<string, string | undefined> = {};
  for (const key of Object.keys(schema.shape)) {
    const value = env[key];
    input[key] = value === '' ? undefined : value;
  }
  const result = schema.safeParse(input);
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const key = String(issue?.path[0] ?? 'config');
  const rule = input[key] === undefined ? 'is required' : (issue?.message ?? 'is invalid');
  throw invalidInput(key, input[key], rule);
}

/** A boolean environment variable: `true`/`false`/`1`/`0`/`yes`/`no`; never "any string is true". */
export const envBool = (defaultValue: boolean): z.ZodDefault<z.ZodCodec<z.ZodString, z.ZodBoolean>> =>
  z.stringbool().default(defaultValue);

export const envPort = (defaultValue: number): z.ZodDefault<z.ZodCoercedNumber> =>
  z.coerce.number().int().min(0).max(65_535).default(defaultValue);

export const envLogLevel = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info');
