// SPDX-License-Identifier: Apache-2.0
import { watch, type FSWatcher } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { dirname } from 'node:path';

/** The files of provided mode, as a port so that change detection is tested without a file system. */
export interface FileSource {
  read(path: string): Promise<string>;
  /** Changes whenever the file's content may have (inode, size, modification time of the target). */
  version(path: string): Promise<string>;
  /** Calls `onChange` on any change in the files' directories; answers the function that stops watching. */
  watch(paths: readonly string[], onChange: () => void): () => void;
}

/**
 * The real file system. Directories are watched, not files: a mounted Secret or ConfigMap is
 * replaced by swapping a symlink (`..data`), which a watch on the old file never reports. A
 * watch that cannot be set up is left out; the periodic version check covers it.
 */
export const nodeFileSource: FileSource = {
  read: (path) => readFile(path, 'utf8'),
  async version(path) {
    const s = await stat(path);
    return `${s.ino}:${s.size}:${s.mtimeMs}`;
  },
  watch(paths, onChange) {
    const watchers: FSWatcher[] = [];
    for (const dir of new Set(paths.map((p) => dirname(p)))) {
      try {
        const watcher = watch(dir, { persistent: false }, () => onChange());
        watcher.on('error', () => watcher.close());
        watchers.push(watcher);
      } catch {
        // Unsupported here (some network or overlay file systems): polling only.
      }
    }
    return () => watchers.forEach((w) => w.close());
  },
};
