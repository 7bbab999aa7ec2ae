/** Small views of a LoadResult for table-driven tests, and the corpus trees as file systems. */
import { readdirSync, readFileSync, lstatSync, existsSync, mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, posix, dirname } from 'node:path';
import { directives, memoryFs, type ConfigFs, type LoadResult, type ResolvedFile } from '../../src/config/index.js';

/** Every file read, in reading order (what `apache2 -t -D DUMP_INCLUDES` lists), root first. */
export function filesRead(r: LoadResult): string[] {
  const out: string[] = [];
  const stack: ResolvedFile[] = [r.root];
  while (stack.length > 0) {
    const f = stack.pop()!;
    out.push(f.path);
    const nested: ResolvedFile[] = [];
    const nodes = [...f.children];
    // Depth-first in document order: collect include files of this file in order, then visit them.
    const visit = (list: typeof f.children, into: ResolvedFile[][]): void => {
      for (const n of list) {
        if (n.kind === 'include') into.push([...n.files]);
        else if (n.kind === 'section') visit(n.children, into);
      }
    };
    const groups: ResolvedFile[][] = [];
    visit(nodes, groups);
    for (const g of groups) nested.push(...g);
    for (let i = nested.length - 1; i >= 0; i--) stack.push(nested[i]!);
  }
  return out;
}

/** `Name arg arg` for every directive httpd applies, in order. */
export function applied(r: LoadResult): string[] {
  return directives(r.root).map(({ directive: d }) => [d.name, ...d.args].join(' '));
}

export function codes(r: LoadResult): string[] {
  return r.diagnostics.map((d) => d.code);
}

/** Diagnostics that are not syntax ones, as `code line:col`. */
export function resolution(r: LoadResult): string[] {
  return r.diagnostics.filter((d) => !d.code.startsWith('syntax/')).map((d) => `${d.code} ${posix.basename(d.span.file)}:${d.span.line}:${d.span.column}`);
}

export { CORPUS } from '../support/corpus.js';

/**
 * The corpus keeps symbolic links as small files holding the link's target (`../sites-available/000-default.conf`,
 * no newline). A stub is a one-line relative path whose target exists in the tree.
 */
export function linkTarget(path: string): string | null {
  const st = lstatSync(path);
  if (!st.isFile() || st.size > 255) return null;
  const text = readFileSync(path, 'utf8');
  if (text.includes('\n') || !/^\.{1,2}\//.test(text)) return null;
  return existsSync(join(dirname(path), text)) ? text : null;
}

/** A corpus tree as an in-memory file system at its own path, link stubs turned into symlinks. */
export function corpusFs(dir: string): ConfigFs {
  const files: Record<string, string> = {};
  const symlinks: Record<string, string> = {};
  const walkDir = (d: string): void => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      if (e.isDirectory()) walkDir(p);
      else if (e.isFile()) {
        const target = linkTarget(p);
        if (target !== null) symlinks[p] = target;
        else files[p] = readFileSync(p, 'utf8');
      }
    }
  };
  walkDir(dir);
  return memoryFs(files, { symlinks });
}

/**
 * Copy a corpus tree to a new temporary directory with its link stubs turned into real symlinks, plus an empty
 * `run/` for Apache's run-time files, so real `apache2` can read it. The caller removes the directory.
 */
export function materialiseCorpusTree(src: string, prefix: string): string {
  const out = mkdtempSync(join(tmpdir(), prefix));
  const copy = (from: string, to: string): void => {
    mkdirSync(to, { recursive: true });
    for (const e of readdirSync(from, { withFileTypes: true })) {
      const f = join(from, e.name);
      const t = join(to, e.name);
      if (e.isDirectory()) copy(f, t);
      else if (e.isFile()) {
        const target = linkTarget(f);
        if (target !== null) symlinkSync(target, t);
        else writeFileSync(t, readFileSync(f));
      }
    }
  };
  copy(src, out);
  mkdirSync(join(out, 'run'));
  return out;
}
