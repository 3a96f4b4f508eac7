// SPDX-License-Identifier: Apache-2.0
export { RedisLockService } from './redis-lock-service.ts';
export { DEFAULT_KEY_PREFIX, type LockServiceOptions } from './lock-options.ts';
export type { AcquireOptions, AcquireResult, LockLease } from './lock-types.ts';
