// SPDX-License-Identifier: Apache-2.0
import type { Testbed } from './testbed.ts';

export default async function globalTeardown(): Promise<void> {
  const testbed = globalThis.spiderpoolTestbed as Testbed | undefined;
  await testbed?.stop({ keepLogs: process.env['SPIDERPOOL_TESTBED_KEEP'] === '1' });
}
