/**
 * Which server tree a file belongs to. A Debian tree is a directory holding `apache2.conf`
 * (`/etc/apache2/sites-available/x.conf` → `/etc/apache2/apache2.conf`); an upstream or Gentoo tree holds
 * `httpd.conf`; Red Hat's keeps it in `conf/httpd.conf` under the ServerRoot (`/etc/httpd`).
 */
import { posix } from 'node:path';
import type { ConfigFs } from './types.js';

export interface TreeRoot {
  /** The directory relative paths resolve against until a ServerRoot line says otherwise. */
  readonly serverRoot: string;
  /** The file httpd starts reading. */
  readonly rootFile: string;
}

/** Looked for in this order in each directory. */
const ROOT_FILES: readonly string[] = ['apache2.conf', 'httpd.conf', 'conf/httpd.conf'];

/** The root file in `dir` (a ServerRoot), or null. */
export function rootFileIn(fs: ConfigFs, dir: string): TreeRoot | null {
  for (const rel of ROOT_FILES) {
    const f = posix.join(dir, rel);
    if (fs.stat(f)?.kind === 'file') return { serverRoot: dir, rootFile: f };
  }
  return null;
}

/**
 * Walk up from the entry's directory to the first directory that holds a root file. An entry named
 * `httpd.conf` inside `conf/` belongs to the directory above (Red Hat layout).
 */
export function detectTree(fs: ConfigFs, entry: string): TreeRoot | null {
  let dir = posix.dirname(entry);
  for (;;) {
    const found = rootFileIn(fs, dir);
    if (found) {
      // …/httpd/conf/httpd.conf: the ServerRoot is …/httpd, as Red Hat's `ServerRoot "/etc/httpd"` says.
      if (posix.basename(dir) === 'conf' && posix.basename(found.rootFile) === 'httpd.conf' && posix.dirname(found.rootFile) === dir) {
        return { serverRoot: posix.dirname(dir), rootFile: found.rootFile };
      }
      return found;
    }
    const up = posix.dirname(dir);
    if (up === dir) return null;
    dir = up;
  }
}
