// SPDX-License-Identifier: Apache-2.0
// Schema pieces for the TLS settings of config.ts.
import { isIP } from 'node:net';
import { z } from '@spiderpool/service-runtime';
import { parseDuration } from './duration.ts';

/** A duration (`30d`, `720h`, `10m`) as milliseconds. */
export const envDuration = (defaultMs: number): z.ZodDefault<z.ZodPipe<z.ZodString, z.ZodTransform<number, string>>> =>
  z
    .string()
    .refine((v) => parseDuration(v) !== undefined, 'must be a positive duration such as 30d, 720h, 90m or 30s')
    .transform((v) => parseDuration(v) ?? 0)
    .default(defaultMs);

const list = (v: string): string[] => v.split(',').map((s) => s.trim()).filter(Boolean);

/** A comma-separated list; blanks dropped. */
export const envList = (): z.ZodPipe<z.ZodString, z.ZodTransform<string[], string>> => z.string().transform(list);

/** A comma-separated list of IPv4/IPv6 addresses. */
export const envIpList = (): z.ZodDefault<z.ZodPipe<z.ZodString, z.ZodTransform<string[], string>>> =>
  z
    .string()
    .refine((v) => list(v).every((ip) => isIP(ip) !== 0), 'must be a comma-separated list of IP addresses')
    .transform(list)
    .default([]);

export const DAY_MS = 86_400_000;
