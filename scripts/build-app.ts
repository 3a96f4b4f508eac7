// SPDX-License-Identifier: Apache-2.0
// Bundles one app into apps/<app>/dist/main.js (ESM, Node 24, dependencies inlined except the
// few with native or dynamic loading), which is what the container images run.
import { build } from 'esbuild';
import { join } from 'node:path';

const app = process.argv[2];
if (!app) {
  process.stderr.write('usage: node scripts/build-app.ts <app>\n');
  process.exit(2);
}
const root = join(import.meta.dirname, '..');
const result = await build({
  entryPoints: [join(root, 'apps', app, 'src', 'main.ts')],
  outfile: join(root, 'apps', app, 'dist', 'main.js'),
  bundle: true,
  platform: 'node',
  target: 'node24',
  format: 'esm',
  sourcemap: true,
  legalComments: 'none',
  metafile: true,
  // CommonJS dependencies inside an ESM bundle still call require(); give them one.
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  logLevel: 'warning',
});
const bytes = Object.values(result.metafile.outputs).reduce((sum, o) => sum + o.bytes, 0);
process.stdout.write(`${app}: dist/main.js (${(bytes / 1024 / 1024).toFixed(1)} MiB incl. source map)\n`);
