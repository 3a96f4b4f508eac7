// SPDX-License-Identifier: Apache-2.0
/**
 * Writes the CRD manifests, their kustomizations and the TypeScript types derived from
 * libs/crds/src/schema. With --check nothing is written: the script lists every file that is
 * missing, differs or is left over, and exits 1 if there is any (for CI).
 *
 *   node scripts/generate-crds.ts [--check]
 */
import { existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CRD_DIR, GENERATED_NOTICE, TEST_CRD_DIR, generatedFiles } from '../libs/crds/src/generate.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const check = process.argv.includes('--check');
const files = generatedFiles();
const expected = new Set(files.map((f) => f.path));
const outOfDate: string[] = [];

for (const file of files) {
  const target = join(root, file.path);
  const current = existsSync(target) ? readFileSync(target, 'utf8') : undefined;
  if (current === file.content) continue;
  outOfDate.push(`${current === undefined ? 'missing' : 'differs'}: ${file.path}`);
  if (!check) {
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, file.content);
  }
}

// A CRD removed from the schema must disappear from deploy/ too. Only files carrying our
// notice are deleted; anything else was put there by hand and is only reported.
for (const dir of [CRD_DIR, TEST_CRD_DIR]) {
  const absolute = join(root, dir);
  if (!existsSync(absolute)) continue;
  for (const name of readdirSync(absolute)) {
    const path = `${dir}/${name}`;
    if (!name.endsWith('.yaml') || expected.has(path)) continue;
    const generated = readFileSync(join(absolute, name), 'utf8').includes(GENERATED_NOTICE[0]);
    outOfDate.push(`left over${generated ? '' : ' (not generated, kept)'}: ${path}`);
    if (!check && generated) rmSync(join(absolute, name));
  }
}

if (check) {
  if (outOfDate.length > 0) {
    console.error(`Generated files are out of date; run \`npm run generate\`:\n  ${outOfDate.join('\n  ')}`);
    process.exit(1);
  }
  console.log(`All ${files.length} generated files are up to date.`);
} else {
  console.log(outOfDate.length > 0 ? `Updated:\n  ${outOfDate.join('\n  ')}` : 'Nothing to update.');
}
