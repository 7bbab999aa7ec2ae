/**
 * Which files an `Include`/`IncludeOptional` argument names, in the order httpd reads them — server/config.c
 * ap_process_fnmatch_configs(), process_resource_config_fnmatch() and process_resource_config_nofnmatch():
 *
 * - A path without wildcards: a file is read; a directory is read whole — every entry but `.` and `..` (dot-files
 *   too), sorted, subdirectories recursively (at most 128 levels, AP_MAX_INCLUDE_DIR_DEPTH).
 * - A pattern is matched one path component at a time from the root: wildcards may sit in directory parts; a
 *   leading `.` must be matched by a literal `.` (APR_FNM_PERIOD), so `*` skips dot-files; a component that is
 *   not the last only matches directories; matches are sorted by full path with strcmp (fname_alphasort).
 * - Include fails on a missing file, an unreadable directory, or a wildcard that matches nothing;
 *   IncludeOptional is silent when the file or a directory on the way does not exist.
 */
import { posix } from 'node:path';
import type { ConfigFs } from './types.js';

/** AP_MAX_INCLUDE_DIR_DEPTH in server/config.c. */
export const MAX_INCLUDE_DIR_DEPTH = 128;

export interface GlobResult {
  /** Files to read, in order. */
  readonly files: readonly string[];
  /** Why httpd would refuse the Include (its message, in httpd's words), or null. */
  readonly error: GlobError | null;
}

export type GlobError =
  | { readonly kind: 'not-found'; readonly path: string }
  | { readonly kind: 'no-match'; readonly pattern: string; readonly dir: string }
  | { readonly kind: 'bad-directory'; readonly path: string }
  | { readonly kind: 'too-deep'; readonly path: string };

/** apr_fnmatch_test: `*` and `?` are wildcards, `[` only with a later `]`; `\` escapes the next character. */
export function hasWildcard(pattern: string): boolean {
  let nesting = 0;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '?' || c === '*') return true;
    if (c === '\\') {
      if (++i >= pattern.length) return false;
    } else if (c === '[') nesting++;
    else if (c === ']' && nesting > 0) return true;
  }
  return false;
}

const regexCache = new Map<string, RegExp>();

/** apr_fnmatch(pattern, name, APR_FNM_PERIOD) for one path component. */
export function fnmatch(pattern: string, name: string): boolean {
  if (name.startsWith('.') && !pattern.startsWith('.') && !pattern.startsWith('\\.')) return false;
  let re = regexCache.get(pattern);
  if (!re) {
    re = new RegExp(`^${fnmatchSource(pattern)}$`, 's');
    if (regexCache.size > 1000) regexCache.clear();
    regexCache.set(pattern, re);
  }
  return re.test(name);
}

const escapeRe = (c: string): string => c.replace(/[\\^$.*+?()[\]{}|/-]/g, '\\$&');

function fnmatchSource(p: string): string {
  let out = '';
  for (let i = 0; i < p.length; i++) {
    const c = p[i]!;
    if (c === '*') out += '.*';
    else if (c === '?') out += '.';
    else if (c === '\\' && i + 1 < p.length) out += escapeRe(p[++i]!);
    else if (c === '[') {
      const cls = bracket(p, i);
      if (cls === null) out += '\\[';
      else {
        out += cls.source;
        i = cls.end;
      }
    } else out += escapeRe(c);
  }
  return out;
}

/** A `[...]` class starting at `start`: its regex and the index of its `]`; null when it never closes. */
function bracket(p: string, start: number): { source: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (p[i] === '!' || p[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < p.length; i++) {
    const c = p[i]!;
    if (c === ']' && !first) return { source: `[${negate ? '^' : ''}${body}]`, end: i };
    first = false;
    if (c === '\\' && i + 1 < p.length) body += escapeRe(p[++i]!);
    else if (c === '-' && body !== '' && p[i + 1] !== ']' && i + 1 < p.length) body += '-';
    else body += escapeRe(c);
  }
  return null;
}

const byStrcmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The files an absolute include path or pattern names (see the file comment). */
export function matchInclude(fs: ConfigFs, absolute: string, optional: boolean): GlobResult {
  const files: string[] = [];
  let error: GlobError | null = null;
  if (!hasWildcard(absolute)) {
    error = readPath(fs, posix.normalize(absolute), optional, files);
    return { files, error };
  }
  // Explicit work list instead of recursion: (directory so far, remaining components).
  const parts = absolute.split('/').filter((x) => x !== '');
  interface Work {
    readonly dir: string;
    readonly index: number;
  }
  const stack: Work[] = [{ dir: '/', index: 0 }];
  while (stack.length > 0 && error === null) {
    const { dir, index } = stack.pop()!;
    let d = dir;
    let k = index;
    // Plain components are walked into directly (httpd's "optimisation").
    while (k < parts.length && !hasWildcard(parts[k]!)) d = posix.join(d, parts[k++]!);
    if (k >= parts.length) {
      error = readPath(fs, d, optional, files);
      continue;
    }
    const pattern = parts[k]!;
    const last = k === parts.length - 1;
    const entries = fs.readdir(d);
    if (entries === null) {
      if (optional && fs.stat(d) === null) continue;
      error = { kind: 'bad-directory', path: d };
      continue;
    }
    const matched = entries
      .filter((e) => e !== '.' && e !== '..' && fnmatch(pattern, e))
      .map((e) => posix.join(d, e))
      .filter((full) => last || fs.stat(full)?.kind === 'directory')
      .sort(byStrcmp);
    if (matched.length === 0) {
      if (!optional) error = { kind: 'no-match', pattern, dir: d };
      continue;
    }
    for (let m = matched.length - 1; m >= 0; m--) {
      if (last) stack.push({ dir: matched[m]!, index: parts.length });
      else stack.push({ dir: matched[m]!, index: k + 1 });
    }
  }
  return { files, error };
}

/** process_resource_config_nofnmatch: a file, or a whole directory tree, appended to `out` in reading order. */
function readPath(fs: ConfigFs, path: string, optional: boolean, out: string[]): GlobError | null {
  interface Work {
    readonly path: string;
    readonly depth: number;
  }
  const stack: Work[] = [{ path, depth: 0 }];
  while (stack.length > 0) {
    const w = stack.pop()!;
    const st = fs.stat(w.path);
    if (st?.kind === 'directory') {
      if (w.depth + 1 > MAX_INCLUDE_DIR_DEPTH) return { kind: 'too-deep', path: w.path };
      const entries = fs.readdir(w.path);
      if (entries === null) return { kind: 'bad-directory', path: w.path };
      const full = entries.filter((e) => e !== '.' && e !== '..').map((e) => posix.join(w.path, e)).sort(byStrcmp);
      for (let i = full.length - 1; i >= 0; i--) stack.push({ path: full[i]!, depth: w.depth + 1 });
      continue;
    }
    if (st === null) {
      if (optional) continue;
      return { kind: 'not-found', path: w.path };
    }
    out.push(w.path);
  }
  return null;
}
