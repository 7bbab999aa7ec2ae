/**
 * Syntax nodes that keep offsets and work out their spans and source text when asked.
 *
 * A 10 MB config has about 400,000 lines and as many arguments; as plain objects their spans, line sources and
 * sliced strings were most of the tree's memory, and most of them are never read (a span matters only when a
 * diagnostic points at it; the source only when printing). These classes hold the few offsets a line is cut
 * at, and build `span` (through the file's LineIndex) and `source` (slices of the file's text) on access —
 * each access returns a fresh, equal object. The text and index are captured by classes made once per parse,
 * so a node carries no pointer to them.
 *
 * They satisfy the interfaces of ./ast.ts exactly; `toJSON` gives the same JSON a plain node would. Read
 * nodes through their properties (do not spread them: getters live on the prototype).
 */
import type { Span } from '../diagnostic.js';
import type { Arg, BlankNode, CommentNode, DirectiveNode, LineSource, Node, SectionClose, SectionNode } from './ast.js';
import type { LineIndex } from './positions.js';

/** Where one line is cut: indent from `start`, words from `cs` to `ce`, trailing blanks to `eol`, line end to `end`. */
export interface LineCut {
  readonly start: number;
  readonly cs: number;
  readonly ce: number;
  readonly eol: number;
  readonly end: number;
}

interface FileText {
  readonly text: string;
  readonly index: LineIndex;
  /** One copy of each short indent (`''`, two spaces, a tab): a big file repeats a handful of them. */
  readonly indent: (s: string) => string;
}

export interface NodeClasses {
  /** The plain LineSource of a cut (for stray closers, rare enough to stay plain objects). */
  source(cut: LineCut): LineSource;
  arg(value: string, raw: string, quote: '"' | "'" | null, unterminated: boolean, offset: number, endOffset: number): Arg;
  directive(name: string, args: readonly Arg[], argsText: string, cut: LineCut): DirectiveNode;
  comment(cut: LineCut): CommentNode;
  blank(cut: LineCut): BlankNode;
  /** A closer line; its span is the closer word alone (`tokStart`…`tokEnd`). */
  close(name: string, tokStart: number, tokEnd: number, cut: LineCut): SectionClose;
  /** A section from its opener line to `endOffset` (the end of its closer, or of its last line when never closed). */
  section(name: string, args: readonly Arg[], argsText: string, children: readonly Node[], open: LineCut, close: SectionClose | null, endOffset: number): SectionNode;
}

/** The node factories of one parse of `text`. */
export function nodeClasses(file: FileText): NodeClasses {
  const { text, index } = file;

  const source = (l: { start: number; cs: number; ce: number; eolAt: number; end: number }): LineSource => ({
    indent: l.start === l.cs ? '' : file.indent(text.slice(l.start, l.cs)),
    text: text.slice(l.cs, l.ce),
    trailing: l.ce === l.eolAt ? '' : text.slice(l.ce, l.eolAt),
    eol: l.eolAt === l.end ? '' : text.slice(l.eolAt, l.end),
  });

  abstract class LineBase {
    constructor(
      readonly start: number,
      readonly cs: number,
      readonly ce: number,
      readonly eolAt: number,
      readonly end: number,
    ) {}
    get source(): LineSource {
      return source(this);
    }
  }
  class Directive extends LineBase implements DirectiveNode {
    readonly kind = 'directive' as const;
    constructor(
      readonly name: string,
      readonly args: readonly Arg[],
      readonly argsText: string,
      c: LineCut,
    ) {
      super(c.start, c.cs, c.ce, c.eol, c.end);
    }
    get span(): Span {
      return index.span(this.cs, this.ce);
    }
    toJSON(): DirectiveNode {
      return { kind: this.kind, name: this.name, args: this.args, argsText: this.argsText, span: this.span, source: this.source };
    }
  }

  class Comment extends LineBase implements CommentNode {
    readonly kind = 'comment' as const;
    get text(): string {
      return text.slice(this.cs, this.ce);
    }
    get span(): Span {
      return index.span(this.cs, this.ce);
    }
    toJSON(): CommentNode {
      return { kind: this.kind, text: this.text, span: this.span, source: this.source };
    }
  }

  class Blank extends LineBase implements BlankNode {
    readonly kind = 'blank' as const;
    /** A blank line's span covers its blanks (none of its line end). */
    get span(): Span {
      return index.span(this.start, this.cs);
    }
    toJSON(): BlankNode {
      return { kind: this.kind, span: this.span, source: this.source };
    }
  }

  class Close extends LineBase implements SectionClose {
    constructor(
      readonly name: string,
      private readonly tokStart: number,
      private readonly tokEnd: number,
      c: LineCut,
    ) {
      super(c.start, c.cs, c.ce, c.eol, c.end);
    }
    get span(): Span {
      return index.span(this.tokStart, this.tokEnd);
    }
    toJSON(): SectionClose {
      return { name: this.name, span: this.span, source: this.source };
    }
  }

  class Section implements SectionNode {
    readonly kind = 'section' as const;
    constructor(
      readonly name: string,
      readonly args: readonly Arg[],
      readonly argsText: string,
      readonly children: readonly Node[],
      private readonly openCut: LineCut,
      readonly close: SectionClose | null,
      private readonly endOffset: number,
    ) {}
    get span(): Span {
      return index.span(this.openCut.cs, this.endOffset);
    }
    get openSpan(): Span {
      return index.span(this.openCut.cs, this.openCut.ce);
    }
    get open(): LineSource {
      return sourceOf(this.openCut);
    }
    toJSON(): SectionNode {
      return { kind: this.kind, name: this.name, args: this.args, argsText: this.argsText, children: this.children, span: this.span, openSpan: this.openSpan, open: this.open, close: this.close };
    }
  }

  class LazyArg implements Arg {
    constructor(
      readonly value: string,
      readonly raw: string,
      readonly quote: '"' | "'" | null,
      readonly unterminated: boolean,
      private readonly offset: number,
      private readonly endOffset: number,
    ) {}
    get span(): Span {
      return index.span(this.offset, this.endOffset);
    }
    toJSON(): Arg {
      return { value: this.value, raw: this.raw, quote: this.quote, unterminated: this.unterminated, span: this.span };
    }
  }

  const sourceOf = (c: LineCut): LineSource => source({ start: c.start, cs: c.cs, ce: c.ce, eolAt: c.eol, end: c.end });
  return {
    source: sourceOf,
    close: (name, tokStart, tokEnd, c) => new Close(name, tokStart, tokEnd, c),
    section: (name, args, argsText, children, open, close, endOffset) => new Section(name, args, argsText, children, open, close, endOffset),
    arg: (value, raw, quote, unterminated, offset, endOffset) => new LazyArg(value, raw, quote, unterminated, offset, endOffset),
    directive: (name, args, argsText, c) => new Directive(name, args, argsText, c),
    comment: (c) => new Comment(c.start, c.cs, c.ce, c.eol, c.end),
    blank: (c) => new Blank(c.start, c.cs, c.ce, c.eol, c.end),
  };
}
