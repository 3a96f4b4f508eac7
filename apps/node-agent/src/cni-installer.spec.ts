// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { installAlias, installFile } from './cni-installer.ts';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cni-install-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

describe('installFile', () => {
  it('installs with the requested mode and leaves no temporary file behind', () => {
    const source = join(dir, 'spiderpool');
    writeFileSync(source, 'v1');
    const out = installFile({ source, targetDir: join(dir, 'bin'), mode: 0o755 });
    expect(out).toEqual({ target: join(dir, 'bin', 'spiderpool'), changed: true });
    expect(statSync(out.target).mode & 0o777).toBe(0o755);
    expect(readdirSync(join(dir, 'bin'))).toEqual(['spiderpool']);
  });

  it('leaves an identical file alone', () => {
    const source = join(dir, 'spiderpool');
    writeFileSync(source, 'v1');
    const first = installFile({ source, targetDir: join(dir, 'bin'), mode: 0o755 });
    const inode = statSync(first.target).ino;
    expect(installFile({ source, targetDir: join(dir, 'bin'), mode: 0o755 }).changed).toBe(false);
    expect(statSync(first.target).ino).toBe(inode);
  });

  it('replaces a changed file by rename: the old inode (a running binary) is never written to', () => {
    const source = join(dir, 'spiderpool');
    writeFileSync(source, 'v1');
    const { target } = installFile({ source, targetDir: join(dir, 'bin'), mode: 0o755 });
    const before = statSync(target).ino;
    writeFileSync(source, 'v2 with another size');
    expect(installFile({ source, targetDir: join(dir, 'bin'), mode: 0o755 }).changed).toBe(true);
    expect(statSync(target).ino).not.toBe(before);
    expect(readFileSync(target, 'utf8')).toBe('v2 with another size');
  });

  it('fails with a message naming the missing source', () => {
    expect(() => installFile({ source: join(dir, 'missing'), targetDir: join(dir, 'bin'), mode: 0o755 })).toThrow(/source .*missing does not exist/);
  });
});

describe('installAlias', () => {
  it('links the other plugin names to the one executable', () => {
    const source = join(dir, 'spiderpool');
    writeFileSync(source, 'exe');
    const { target } = installFile({ source, targetDir: join(dir, 'bin'), mode: 0o755 });
    installAlias(join(dir, 'bin'), 'spiderpool', 'coordinator');
    installAlias(join(dir, 'bin'), 'spiderpool', 'coordinator');
    expect(statSync(join(dir, 'bin', 'coordinator')).ino).toBe(statSync(target).ino);
    expect(readdirSync(join(dir, 'bin')).sort()).toEqual(['coordinator', 'spiderpool']);
  });
});
