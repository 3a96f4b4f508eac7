// SPDX-License-Identifier: Apache-2.0
// Builds the CNI plugin executable: the bundled shim as a Node single executable application
// (hosts have no Node.js). One file, dispatched on its own name: `coordinator` and `ifacer` are
// links to `spiderpool`. Output in libs/cni-shim/dist/ or `--out DIR` (never committed; ~120 MB,
// most of it the Node runtime).
import { execFileSync } from 'node:child_process';
import { copyFileSync, chmodSync, rmSync, symlinkSync, writeFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
const outArg = process.argv.indexOf('--out');
const dist = outArg > 0 ? (process.argv[outArg + 1] ?? '') : join(root, 'libs', 'cni-shim', 'dist');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);
const run = (command: string, args: string[]): void => {
  execFileSync(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
};

run(process.execPath, [join(root, 'scripts', 'build-cni-shim.ts'), '--out', dist]);
const config = join(dist, 'sea-config.json');
const blob = join(dist, 'sea-prep.blob');
// useCodeCache: the bundle's compiled code ships in the blob instead of being parsed per start.
// execArgvExtension "none": NODE_OPTIONS in the container runtime's environment is ignored, so a
// flag meant for something else can neither break the plugin (an unknown flag exits 9 before any
// CNI answer) nor slow it down (e.g. --require, or --jitless rejecting the code cache). Start-up
// is Node's own bootstrap; useSnapshot (a user-land snapshot replaces Node's built-in one) and
// execArgv --v8-pool-size=1 both measured slower (docs/node-agent.md, "Performance").
writeFileSync(config, JSON.stringify({ main: join(dist, 'cni-shim.cjs'), output: blob, disableExperimentalSEAWarning: true, useCodeCache: true, execArgvExtension: 'none' }));
run(process.execPath, ['--experimental-sea-config', config]);

const exe = join(dist, 'spiderpool');
rmSync(exe, { force: true });
copyFileSync(process.execPath, exe);
chmodSync(exe, 0o755);
// The sentinel fuse is the one every official Node build carries for single executables.
run(bin('postject'), [exe, 'NODE_SEA_BLOB', blob, '--sentinel-fuse', 'NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2']);
for (const alias of ['coordinator', 'ifacer']) {
  rmSync(join(dist, alias), { force: true });
  symlinkSync('spiderpool', join(dist, alias));
}
process.stdout.write(`${exe} (${(statSync(exe).size / 1024 / 1024).toFixed(0)} MiB), links: coordinator, ifacer\n`);
