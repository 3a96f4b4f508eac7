// SPDX-License-Identifier: Apache-2.0
// The test command (`npm test`): every jest project — unit tests, workspace checks (typecheck,
// lint, module boundaries, contract drift) and the integration / end-to-end suites on the real
// test bed — then one closing line `N passed, N failed` computed from jest's JSON results.
//
//   npm test                 everything
//   npm test -- --unit       only the unit project (no external processes)
//   npm test -- <jest args>  extra arguments go to jest (e.g. a path filter)
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

interface JestResults {
  success: boolean;
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numRuntimeErrorTestSuites: number;
  numFailedTestSuites: number;
}

const args = process.argv.slice(2);
const unitOnly = args.includes('--unit');
const jestArgs = args.filter((a) => a !== '--unit');
const outDir = mkdtempSync(join(tmpdir(), 'spiderpool-jest-'));
const outFile = join(outDir, 'results.json');

const result = spawnSync(
  join('node_modules', '.bin', 'jest'),
  [...(unitOnly ? ['--selectProjects', 'unit'] : []), '--json', `--outputFile=${outFile}`, ...jestArgs],
  {
    stdio: 'inherit',
    env: {
      ...process.env,
      NODE_OPTIONS: [process.env['NODE_OPTIONS'], '--experimental-vm-modules', '--no-warnings=ExperimentalWarning'].filter(Boolean).join(' '),
      NX_DAEMON: 'false',
      NX_NO_CLOUD: 'true',
    },
  },
);

const results: JestResults | undefined = existsSync(outFile) ? (JSON.parse(readFileSync(outFile, 'utf8')) as JestResults) : undefined;
rmSync(outDir, { recursive: true, force: true });

const passed = results?.numPassedTests ?? 0;
// A suite that crashed (or a global setup that failed) has no failed *tests*; count it anyway.
const failed = (results?.numFailedTests ?? 0) + (results?.numRuntimeErrorTestSuites ?? 0) + (results ? 0 : 1);
const skipped = (results?.numPendingTests ?? 0) + (results?.numTodoTests ?? 0);
const ok = result.status === 0 && results?.success === true && failed === 0;

process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}\n`);
process.exit(ok ? 0 : 1);
