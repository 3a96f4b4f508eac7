// SPDX-License-Identifier: Apache-2.0
// Helpers for generated test data, shared by unit specs, integration and end-to-end suites.
export { prng } from './prng.ts';
export { FUZZ_KINDS, type FuzzKind } from './admission-kinds.ts';
