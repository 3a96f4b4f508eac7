// SPDX-License-Identifier: Apache-2.0
// Bundles the CNI plugin shim into libs/cni-shim/dist/cni-shim.cjs (CommonJS, Node 24, minified):
// one file with Node built-ins only, later turned into a single executable installed as the
// spiderpool, coordinator and ifacer plugins. CommonJS because single executables load CJS.
import { build } from 'esbuild';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..');
// `--out DIR` builds elsewhere (tests running in parallel each build their own copy).
const outArg = process.argv.indexOf('--out');
const outDir = outArg > 0 ? (process.argv[outArg + 1] ?? '') : join(root, 'libs', 'cni-shim', 'dist');
const outfile = join(outDir, 'cni-shim.cjs');
const result = await build({
  entryPoints: [join(root, 'libs', 'cni-shim', 'src', 'main.ts')],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'cjs',
  minify: true,
  legalComments: 'none',
  metafile: true,
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`cni-shim: ${outfile} (${(bytes / 1024).toFixed(1)} KiB)\n`);
