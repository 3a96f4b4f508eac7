// SPDX-License-Identifier: Apache-2.0
import { it } from '@jest/globals';
it('sees unhandled rejections', async () => {
  void Promise.reject(new Error('deliberate'));
  await new Promise((r) => setTimeout(r, 50));
});
