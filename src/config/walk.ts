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

/** Enclosing sections as a linked list, so entering a section costs O(1) whatever the nesting depth. */
interface Chain {
  readonly section: ResolvedSection;
  readonly parent: Chain | null;
}

function toArray(chain: Chain | null): ResolvedSection[] {
  const out: ResolvedSection[] = [];
  for (let c = chain; c !== null; c = c.parent) out.push(c.section);
  return out.reverse();
}

/** One context per section level, shared by its nodes; the arrays are built only when a visitor reads them. */
interface FrameContext extends WalkContext {
  readonly ancestorChain: Chain | null;
  readonly enclosingChain: Chain | null;
}

function frameContext(ancestorChain: Chain | null, enclosingChain: Chain | null, file: ResolvedFile): FrameContext {
  let ancestors: readonly ResolvedSection[] | null = null;
  let enclosing: readonly ResolvedSection[] | null = null;
  // Getters of an object literal are own, enumerable properties: `{ ...ctx }` still copies them.
  return {
    ancestorChain,
    enclosingChain,
    file,
    get ancestors() {
      return (ancestors ??= toArray(ancestorChain));
    },
    get enclosing() {
      return (enclosing ??= toArray(enclosingChain));
    },
  };
}

export function walk(file: ResolvedFile, visit: Visitor, options: WalkOptions = {}): void {
  const all = options.includeInactive === true;
  // An explicit stack instead of recursion: generated configs nest and include deeply.
  interface Frame {
    readonly nodes: readonly ResolvedNode[];
    index: number;
    readonly ctx: FrameContext;
  }
  const stack: Frame[] = [{ nodes: file.children, index: 0, ctx: frameContext(null, null, file) }];
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.index >= frame.nodes.length) {
      stack.pop();
      continue;
    }
    const node = frame.nodes[frame.index++]!;
    if (!all && !node.active) continue;
    const ctx = frame.ctx;
    if (visit(node, ctx) === 'skip') continue;
    if (node.kind === 'section') {
      const ancestors: Chain = { section: node, parent: ctx.ancestorChain };
      const enclosing = node.condition === null ? { section: node, parent: ctx.enclosingChain } : ctx.enclosingChain;
      stack.push({ nodes: node.children, index: 0, ctx: frameContext(ancestors, enclosing, ctx.file) });
    } else if (node.kind === 'include') {
      // Reversed so the first matched file is read first.
      for (let i = node.files.length - 1; i >= 0; i--) {
        const f = node.files[i]!;
        stack.push({ nodes: f.children, index: 0, ctx: frameContext(ctx.ancestorChain, ctx.enclosingChain, f) });
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
