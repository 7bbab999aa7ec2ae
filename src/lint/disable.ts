/**
 * `# apx-disable-next-line rule-a, rule-b` comments (ESLint's convention). A comment must be a line of its own:
 * httpd reads `#` later in a line as an ordinary argument (server/util.c), so there is no same-line form.
 * With no rule named, every rule is silenced on the next line. Text after `--` is a free-form reason.
 */
import type { Diagnostic } from '../diagnostic.js';
import type { LoadResult, ResolvedFile, ResolvedNode } from '../config/types.js';
import type { Node } from '../syntax/ast.js';

const DIRECTIVE = /^#\s*apx-disable-next-line\b(.*)$/s;

/** file → line → the codes silenced there ('*' for all). */
export type DisableMap = ReadonlyMap<string, ReadonlyMap<number, ReadonlySet<string>>>;

/** Every file the load read (the root and everything Include reached, active or not), each once. */
export function filesOf(loaded: LoadResult): ResolvedFile[] {
  const out: ResolvedFile[] = [];
  const seen = new Set<ResolvedFile>();
  const stack: ResolvedFile[] = [loaded.root];
  if (loaded.entryFile) stack.push(loaded.entryFile);
  while (stack.length > 0) {
    const f = stack.pop()!;
    if (seen.has(f)) continue;
    seen.add(f);
    out.push(f);
    const nodes: ResolvedNode[] = [...f.children];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      if (n.kind === 'section') nodes.push(...n.children);
      else if (n.kind === 'include') stack.push(...n.files);
    }
  }
  return out;
}

export function parseDisableComment(text: string): ReadonlySet<string> | null {
  const m = DIRECTIVE.exec(text.trim());
  if (!m) return null;
  const list = m[1]!.replace(/\\\r?\n/g, ' ').split('--')[0]!;
  const codes = list.split(/[\s,]+/).filter((c) => c !== '');
  return new Set(codes.length > 0 ? codes : ['*']);
}

/** The disable comments of the files named in `only` (all files when absent). */
export function collectDisables(loaded: LoadResult, only?: ReadonlySet<string>): DisableMap {
  const map = new Map<string, Map<number, Set<string>>>();
  for (const f of filesOf(loaded)) {
    if (only !== undefined && !only.has(f.ast.file)) continue;
    const nodes: Node[] = [...f.ast.children];
    while (nodes.length > 0) {
      const n = nodes.pop()!;
      if (n.kind === 'section') nodes.push(...n.children);
      if (n.kind !== 'comment') continue;
      const text = n.text;
      if (!text.includes('apx-disable')) continue;
      const codes = parseDisableComment(text);
      if (!codes) continue;
      const file = n.span.file;
      let lines = map.get(file);
      if (!lines) map.set(file, (lines = new Map()));
      const line = n.span.endLine + 1;
      const set = lines.get(line) ?? new Set<string>();
      for (const c of codes) set.add(c);
      lines.set(line, set);
    }
  }
  return map;
}

export function isDisabled(d: Diagnostic, disables: DisableMap): boolean {
  const codes = disables.get(d.span.file)?.get(d.span.line);
  return codes !== undefined && (codes.has('*') || codes.has(d.code));
}
