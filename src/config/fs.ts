/**
 * The two ConfigFs implementations: the real file system (synchronous, like httpd's own reads) and an in-memory
 * tree for tests and editors. Neither throws: a path that cannot be read is simply "not there".
 */
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import type { ConfigFs } from './types.js';

export const nodeFs: ConfigFs = {
  readFile(path) {
    try {
      return readFileSync(path, 'utf8');
    } catch {
      return null;
    }
  },
  stat(path) {
    try {
      const s = statSync(path);
      return s.isDirectory() ? { kind: 'directory' } : s.isFile() ? { kind: 'file' } : null;
    } catch {
      return null;
    }
  },
  readdir(path) {
    try {
      return readdirSync(path);
    } catch {
      return null;
    }
  },
  realpath(path) {
    try {
      return realpathSync(path);
    } catch {
      return path;
    }
  },
};

export interface MemoryFsOptions {
  /** Symbolic links: absolute link path → target (absolute, or relative to the link's directory). */
  readonly symlinks?: Readonly<Record<string, string>>;
}

/** Longest chain of links followed before giving up, as the kernel's ELOOP (40). */
const MAX_LINKS = 40;

/**
 * An in-memory tree. Keys are absolute paths of files; every parent directory exists implicitly. Symbolic links
 * (optional) may point at files or directories, also through other links, and may dangle or loop.
 */
export function memoryFs(files: Readonly<Record<string, string>>, options: MemoryFsOptions = {}): ConfigFs {
  const fileMap = new Map<string, string>();
  const dirs = new Map<string, Set<string>>();
  const links = new Map<string, string>();
  const addEntry = (path: string): void => {
    let child = path;
    let parent = posix.dirname(child);
    while (child !== parent) {
      let set = dirs.get(parent);
      const known = set !== undefined;
      if (!set) dirs.set(parent, (set = new Set()));
      set.add(posix.basename(child));
      if (known) return;
      child = parent;
      parent = posix.dirname(child);
    }
  };
  if (!dirs.has('/')) dirs.set('/', new Set());
  for (const [key, text] of Object.entries(files)) {
    const p = posix.normalize(key);
    if (!p.startsWith('/')) continue;
    fileMap.set(p, text);
    addEntry(p);
  }
  for (const [key, target] of Object.entries(options.symlinks ?? {})) {
    const p = posix.normalize(key);
    if (!p.startsWith('/')) continue;
    links.set(p, target);
    addEntry(p);
  }

  /** Resolve every link along the path; null when a link loops. */
  const resolve = (path: string): string | null => {
    let p = posix.normalize(path.startsWith('/') ? path : `/${path}`);
    let hops = 0;
    // Walk component by component so links in directory parts are followed too.
    for (;;) {
      const parts = p.split('/').filter((x) => x !== '');
      let cur = '/';
      let changed = false;
      for (let i = 0; i < parts.length; i++) {
        const next = posix.join(cur, parts[i]!);
        const target = links.get(next);
        if (target !== undefined) {
          if (++hops > MAX_LINKS) return null;
          const base = target.startsWith('/') ? target : posix.join(cur, target);
          p = posix.normalize(posix.join(base, ...parts.slice(i + 1)));
          changed = true;
          break;
        }
        cur = next;
      }
      if (!changed) return cur;
    }
  };

  return {
    readFile(path) {
      const r = resolve(path);
      return r === null ? null : fileMap.get(r) ?? null;
    },
    stat(path) {
      const r = resolve(path);
      if (r === null) return null;
      if (fileMap.has(r)) return { kind: 'file' };
      if (dirs.has(r)) return { kind: 'directory' };
      return null;
    },
    readdir(path) {
      const r = resolve(path);
      if (r === null) return null;
      const set = dirs.get(r);
      return set ? [...set] : null;
    },
    realpath(path) {
      return resolve(path) ?? path;
    },
  };
}
