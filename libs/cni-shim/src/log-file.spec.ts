// SPDX-License-Identifier: Apache-2.0
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendLogLine } from './log-file.ts';

describe('appendLogLine', () => {
  let dir: string;
  let path: string;
  const read = (name: string): string => readFileSync(join(dir, name), 'utf8');
  const line = (n: number): string => `line-${String(n).padStart(3, '0')}\n`; // 9 bytes

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'cni-log-'));
    path = join(dir, 'p.log');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('appends lines and creates missing directories', () => {
    const nested = join(dir, 'a', 'b', 'p.log');
    expect(appendLogLine(nested, line(1), { maxBytes: 1_000, maxCount: 2 })).toBe(true);
    expect(appendLogLine(nested, line(2), { maxBytes: 1_000, maxCount: 2 })).toBe(true);
    expect(readFileSync(nested, 'utf8')).toBe(line(1) + line(2));
    expect(statSync(nested).mode & 0o777).toBe(0o640);
  });

  it('rotates before a line would pass maxBytes, keeping maxCount files, newest first', () => {
    const policy = { maxBytes: 20, maxCount: 2 }; // two lines per file
    for (let i = 1; i <= 7; i++) expect(appendLogLine(path, line(i), policy)).toBe(true);
    expect(read('p.log')).toBe(line(7));
    expect(read('p.log.1')).toBe(line(5) + line(6));
    expect(read('p.log.2')).toBe(line(3) + line(4));
    // Lines 1 and 2 were dropped with the oldest file.
    expect(readdirSync(dir).sort()).toEqual(['p.log', 'p.log.1', 'p.log.2']);
    for (const name of readdirSync(dir)) expect(statSync(join(dir, name)).size).toBeLessThanOrEqual(20);
  });

  it('keeps no rotated file with maxCount 0', () => {
    for (let i = 1; i <= 3; i++) appendLogLine(path, line(i), { maxBytes: 10, maxCount: 0 });
    expect(readdirSync(dir)).toEqual(['p.log']);
    expect(read('p.log')).toBe(line(3));
  });

  it('still writes a single line longer than maxBytes (into a fresh file)', () => {
    appendLogLine(path, line(1), { maxBytes: 5, maxCount: 1 });
    expect(read('p.log')).toBe(line(1));
    appendLogLine(path, line(2), { maxBytes: 5, maxCount: 1 });
    expect([read('p.log'), read('p.log.1')]).toEqual([line(2), line(1)]);
  });

  it('returns false instead of throwing when the file cannot be written', () => {
    const notADir = join(dir, 'plain-file');
    writeFileSync(notADir, 'x');
    expect(appendLogLine(join(notADir, 'p.log'), line(1), { maxBytes: 100, maxCount: 1 })).toBe(false);
    expect(appendLogLine(dir, line(1), { maxBytes: 100, maxCount: 1 })).toBe(false); // a directory
    expect(existsSync(join(notADir, 'p.log'))).toBe(false);
  });
});
