/**
 * Walking the resolved tree the way httpd applies it: included files are spliced in at their Include, and the
 * conditional sections (`<IfModule>` …) are transparent — a directive inside a true `<IfModule>` inside a
 * `<VirtualHost>` belongs to that virtual host.
 */
import type { ResolvedDirective, ResolvedFile, ResolvedInclude, ResolvedNode, ResolvedSection } from './types.js';

export interface WalkContext {
  /** Every enclosing section, outermost first, conditional ones included. */
  readonly ancestors: readonly ResolvedSection[];
  /** Enclosing sections that set a context (`<VirtualHost>`, `<Location>`, `<Proxy>` …): conditionals left out. */
  readonly enclosing: readonly ResolvedSection[];
  /** The file the node was written in. */
  readonly file: ResolvedFile;
}

export interface WalkOptions {
  /** Also visit nodes in branches a condition turned off (default: only what httpd reads). */
  readonly includeInactive?: boolean;
}

/** Return `'skip'` from the visitor to not descend into a section or include. */
export type Visitor = (node: ResolvedNode, ctx: WalkContext) => void | 'skip';

export function walk(file: ResolvedFile, visit: Visitor, options: WalkOptions = {}): void {
  const all = options.includeInactive === true;
  // An explicit stack instead of recursion: generated configs nest and include deeply.
  interface Frame {
    readonly nodes: readonly ResolvedNode[];
    index: number;
    readonly ancestors: readonly ResolvedSection[];
    readonly enclosing: readonly ResolvedSection[];
    readonly file: ResolvedFile;
  }
  const stack: Frame[] = [{ nodes: file.children, index: 0, ancestors: [], enclosing: [], file }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.nodes.length) {
      stack.pop();
      continue;
    }
    const node = frame.nodes[frame.index++]!;
    if (!all && !node.active) continue;
    const ctx: WalkContext = { ancestors: frame.ancestors, enclosing: frame.enclosing, file: frame.file };
    if (visit(node, ctx) === 'skip') continue;
    if (node.kind === 'section') {
      const ancestors = [...frame.ancestors, node];
      const enclosing = node.condition === null ? [...frame.enclosing, node] : frame.enclosing;
      stack.push({ nodes: node.children, index: 0, ancestors, enclosing, file: frame.file });
    } else if (node.kind === 'include') {
      // Reversed so the first matched file is read first.
      for (const f of [...node.files].reverse()) {
        stack.push({ nodes: f.children, index: 0, ancestors: frame.ancestors, enclosing: frame.enclosing, file: f });
      }
    }
  }
}

export interface DirectiveVisit {
  readonly directive: ResolvedDirective;
  readonly ctx: WalkContext;
}

/** Every directive httpd would apply, in reading order, with its context. */
export function directives(file: ResolvedFile, options: WalkOptions = {}): DirectiveVisit[] {
  const out: DirectiveVisit[] = [];
  walk(file, (node, ctx) => {
    if (node.kind === 'directive') out.push({ directive: node, ctx });
  }, options);
  return out;
}

/** Every section in reading order (conditional ones included), with its context. */
export function sections(file: ResolvedFile, options: WalkOptions = {}): { readonly section: ResolvedSection; readonly ctx: WalkContext }[] {
  const out: { section: ResolvedSection; ctx: WalkContext }[] = [];
  walk(file, (node, ctx) => {
    if (node.kind === 'section') out.push({ section: node, ctx });
  }, options);
  return out;
}

export type { ResolvedInclude };
