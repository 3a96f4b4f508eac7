// SPDX-License-Identifier: Apache-2.0
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, existsSync, linkSync, mkdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface InstallItem {
  /** Source file shipped with node-agent (image path). */
  source: string;
  /** Directory on the host (hostPath), e.g. /opt/cni/bin or /etc/cni/net.d. */
  targetDir: string;
  /** Name in the target directory; defaults to the source's name. */
  name?: string;
  mode: number;
}

export interface InstallOutcome {
  target: string;
  changed: boolean;
}

function digest(file: string): string {
  return createHash('sha256').update(readFileSync(file)).digest('hex');
}

/**
 * Installs files the way a running host needs them: copy to a temporary name in the same
 * directory, then rename over the old one. The rename is atomic, so a runtime exec'ing the
 * plugin at that moment sees either the old or the new file — never a half-written one, and a
 * running old binary is never overwritten in place ("text file busy"). Unchanged files are left
 * alone.
 */
export function installFile(item: InstallItem): InstallOutcome {
  const target = join(item.targetDir, item.name ?? basename(item.source));
  if (!existsSync(item.source)) throw new Error(`cannot install ${target}: source ${item.source} does not exist`);
  mkdirSync(item.targetDir, { recursive: true });
  if (existsSync(target) && statSync(target).size === statSync(item.source).size && digest(target) === digest(item.source)) {
    chmodSync(target, item.mode);
    return { target, changed: false };
  }
  const temporary = join(item.targetDir, `.${basename(target)}.${process.pid}.tmp`);
  try {
    copyFileSync(item.source, temporary);
    chmodSync(temporary, item.mode);
    renameSync(temporary, target);
  } finally {
    rmSync(temporary, { force: true });
  }
  return { target, changed: true };
}

/** Points `alias` at the installed `name` with a hard link, swapped in by rename (atomic). */
export function installAlias(targetDir: string, name: string, alias: string): void {
  const temporary = join(targetDir, `.${alias}.${process.pid}.tmp`);
  rmSync(temporary, { force: true });
  try {
    linkSync(join(targetDir, name), temporary);
    renameSync(temporary, join(targetDir, alias));
  } finally {
    rmSync(temporary, { force: true });
  }
}
