// SPDX-License-Identifier: Apache-2.0
import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const committed = join(root, 'libs', 'proto', 'src', 'gen');
const bin = (name: string): string => join(root, 'node_modules', '.bin', name);

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => relative(dir, join(e.parentPath, e.name)))
    .sort();
}

describe('protobuf contracts', () => {
  it('pass buf lint (STANDARD rules)', () => {
    expect(() => execFileSync(bin('buf'), ['lint'], { cwd: root, stdio: 'pipe' })).not.toThrow();
  });

  it('match the committed generated code (run `npm run generate` after editing proto/)', () => {
    const out = mkdtempSync(join(tmpdir(), 'proto-drift-'));
    try {
      // Same plugin and options as buf.gen.yaml, only the output directory differs.
      const template = readFileSync(join(root, 'buf.gen.yaml'), 'utf8').replace(/out: .*/, `out: ${out}`);
      const templateFile = join(out, 'buf.gen.yaml');
      writeFileSync(templateFile, template);
      execFileSync(bin('buf'), ['generate', '--template', templateFile], {
        cwd: root,
        stdio: 'pipe',
        env: { ...process.env, PATH: `${join(root, 'node_modules', '.bin')}:${process.env['PATH'] ?? ''}` },
      });
      const generated = listFiles(out).filter((f) => f !== 'buf.gen.yaml');
      expect(generated).toEqual(listFiles(committed));
      for (const file of generated) {
        expect({ file, text: readFileSync(join(out, file), 'utf8') }).toEqual({ file, text: readFileSync(join(committed, file), 'utf8') });
      }
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});
