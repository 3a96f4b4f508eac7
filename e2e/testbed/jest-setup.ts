// SPDX-License-Identifier: Apache-2.0
// Runs before each integration test file: real components are slower than in-memory fakes,
// so tests get a generous default timeout (each test still bounds its own waits).
import { jest } from '@jest/globals';

jest.setTimeout(120_000);
