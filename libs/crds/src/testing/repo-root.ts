// SPDX-License-Identifier: Apache-2.0
import { fileURLToPath } from 'node:url';

/** Absolute path of the repository root, for tests that compare with committed files. */
export const REPO_ROOT = fileURLToPath(new URL('../../../../', import.meta.url));
