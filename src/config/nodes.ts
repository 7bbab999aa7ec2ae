/**
 * The resolved nodes the reader builds, one per syntax node it reads.
 *
 * A 10 MB configuration has about 400,000 directives. A resolved node is therefore kept to what only the reader
 * knows — the syntax node, whether httpd reads it, and the name and words when `${VAR}` changed them. Its `span`
 * is the syntax node's (computed on access, see src/syntax/lazy.ts) and its `args` are the syntax words' values,
 * made on first access and kept (read from the parse's word table: no syntax Arg objects are built for them).
 * They satisfy the interfaces of ./types.ts; read them through their properties (getters live on the prototype,
 * so `{ ...node }` drops them) — `toJSON` gives the plain form.
 */
import type { Span } from '../diagnostic.js';
import type { DirectiveNode, SectionNode } from '../syntax/ast.js';
import { wordValues } from '../syntax/lazy.js';
import type { ResolvedDirective, ResolvedFile, ResolvedInclude, ResolvedNode, ResolvedSection } from './types.js';

export class Directive implements ResolvedDirective {
  readonly kind = 'directive' as const;
  constructor(
    readonly syntax: DirectiveNode,
    readonly name: string,
    /** The words after `${VAR}` expansion; null while they are the syntax node's own. */
    private words: readonly string[] | null,
    readonly active: boolean,
  ) {}
  get args(): readonly string[] {
    return (this.words ??= wordValues(this.syntax));
  }
  get span(): Span {
    return this.syntax.span;
  }
  toJSON(): ResolvedDirective {
    return { kind: this.kind, name: this.name, args: this.args, syntax: this.syntax, span: this.span, active: this.active };
  }
}

export class Section implements ResolvedSection {
  readonly kind = 'section' as const;
  constructor(
    readonly syntax: SectionNode,
    readonly name: string,
    private words: readonly string[] | null,
    readonly children: readonly ResolvedNode[],
    readonly active: boolean,
    readonly condition: ResolvedSection['condition'],
  ) {}
  get args(): readonly string[] {
    return (this.words ??= wordValues(this.syntax));
  }
  get span(): Span {
    return this.syntax.span;
  }
  toJSON(): ResolvedSection {
    return { kind: this.kind, name: this.name, args: this.args, children: this.children, syntax: this.syntax, span: this.span, active: this.active, condition: this.condition };
  }
}

export class Include implements ResolvedInclude {
  readonly kind = 'include' as const;
  constructor(
    readonly syntax: DirectiveNode,
    readonly name: string,
    readonly args: readonly string[],
    readonly files: readonly ResolvedFile[],
    readonly active: boolean,
  ) {}
  get span(): Span {
    return this.syntax.span;
  }
  toJSON(): ResolvedInclude {
    return { kind: this.kind, name: this.name, args: this.args, files: this.files, syntax: this.syntax, span: this.span, active: this.active };
  }
}
