// SPDX-License-Identifier: Apache-2.0
// An append-only log file with size-based rotation (`file` → `file.1` → … → `file.N`, the oldest
// dropped), written synchronously: the shim is a short-lived process that logs one line per
// invocation, so one stat and one append are all it costs. Concurrent invocations append to the
// same file; O_APPEND keeps each line whole, and a line written through a descriptor opened just
// before another process rotated lands in `file.1` instead of being lost.
import { appendFileSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RotationPolicy {
  /** Rotate before a line would take the file past this size (a single longer line still goes in). */
  maxBytes: number;
  /** Rotated files kept; 0 keeps none. */
  maxCount: number;
}

const FILE_MODE = 0o640;
const DIR_MODE = 0o755;

/**
 * Appends `line` (which should end in a newline) to `path`, rotating first when needed and
 * creating the directory when missing. Never throws: returns false when nothing was written
 * (an unwritable directory, a full disk); logging must not change the CNI outcome.
 */
export function appendLogLine(path: string, line: string, policy: RotationPolicy): boolean {
  try {
    const stats = statSync(path, { throwIfNoEntry: false });
    // Only a regular file rotates (a log path may name a device such as /dev/null).
    if (stats?.isFile() && stats.size > 0 && stats.size + Buffer.byteLength(line) > policy.maxBytes) rotate(path, policy.maxCount);
    appendCreatingDir(path, line);
    return true;
  } catch {
    return false;
  }
}

function appendCreatingDir(path: string, line: string): void {
  try {
    appendFileSync(path, line, { mode: FILE_MODE });
  } catch (error) {
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
    // First invocation on this host: the log directory does not exist yet.
    mkdirSync(dirname(path), { recursive: true, mode: DIR_MODE });
    appendFileSync(path, line, { mode: FILE_MODE });
  }
}

/** Shifts `path.i` to `path.i+1` from the oldest down, so each rename lands on a free (or dropped) name. */
function rotate(path: string, maxCount: number): void {
  if (maxCount <= 0) {
    rmSync(path, { force: true });
    return;
  }
  for (let i = maxCount - 1; i >= 1; i--) renameIfPresent(`${path}.${i}`, `${path}.${i + 1}`);
  renameIfPresent(path, `${path}.1`);
}

function renameIfPresent(from: string, to: string): void {
  try {
    renameSync(from, to);
  } catch (error) {
    // Absent (not rotated that far yet, or a concurrent invocation moved it first).
    if ((error as { code?: unknown }).code !== 'ENOENT') throw error;
  }
}
