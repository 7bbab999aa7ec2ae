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
 * A directive's words are not objects either until someone asks: the parse writes where each word starts and
 * ends (and how it is quoted) into one typed array per file, and a directive keeps the position of its first
 * word there and how many it has. `args` builds the Arg objects on first access (and keeps them); `argsText`
 * is sliced from the text on each access; wordValues()/wordCount() below give the reader and the linter what
 * they need — the words' values and their number — without any Arg object. On a 20,000-vhost file that keeps
 * 440,000 objects (and their arrays) out of the heap the garbage collector has to copy and mark.
 *
 * They satisfy the interfaces of ./ast.ts exactly; `toJSON` gives the same JSON a plain node would. Read
 * nodes through their properties (do not spread them: getters live on the prototype).
 */
import type { Span } from '../diagnostic.js';
import type { Arg, BlankNode, CommentNode, DirectiveNode, LineSource, Node, SectionClose, SectionNode } from './ast.js';
import type { LineIndex } from './positions.js';
import { joinContinuations, tokenValue } from './words.js';

/** How a word is written (the flags of a word in the table). */
export const WORD_DOUBLE_QUOTED = 1;
export const WORD_SINGLE_QUOTED = 2;
/** A quoted word that runs to the end of its line. */
export const WORD_UNTERMINATED = 4;
/** A bare word with no backslash: its value is its raw text. */
export const WORD_PLAIN = 8;

const NO_ARGS: readonly Arg[] = Object.freeze([]);
const NO_VALUES: readonly string[] = Object.freeze([]);

/** What parse()'s directive nodes offer besides DirectiveNode: their words without Arg objects. */
interface CompactWords {
  readonly wordCount: number;
  /** Whether a word holds a `$` (the parse notes it, so nobody slices argsText to ask). */
  readonly wordsHoldDollar: boolean;
  wordValues(): string[];
}

function isCompact(node: object): node is CompactWords {
  return typeof (node as Partial<CompactWords>).wordValues === 'function';
}

/** `node.args.length`, without building the Arg objects of a parsed directive. */
export function wordCount(node: DirectiveNode | SectionNode): number {
  return isCompact(node) ? node.wordCount : node.args.length;
}

/**
 * Whether the node's argument text holds a `$` — a `${VAR}` to expand, or an nginx variable. False for most lines
 * of a config, and answered without building argsText for a parsed directive.
 */
export function argsHoldDollar(node: DirectiveNode | SectionNode): boolean {
  return isCompact(node) ? node.wordsHoldDollar : node.argsText.includes('$');
}

/** `node.args.map((a) => a.value)`, without building the Arg objects of a parsed directive (a new array each call). */
export function wordValues(node: DirectiveNode | SectionNode): readonly string[] {
  if (isCompact(node)) return node.wordCount === 0 ? NO_VALUES : node.wordValues();
  return node.args.length === 0 ? NO_VALUES : node.args.map((a) => a.value);
}

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
  /** Record one word of a directive (`flags`: the WORD_* bits); returns its position in the file's word table. */
  word(offset: number, endOffset: number, flags: number): number;
  /** The file is read: give back the word table's spare room (it grows by doubling). */
  seal(): void;
  /**
   * A directive whose `count` words were recorded from position `first` on (count 0: first is ignored);
   * `dollar`: one of them holds a `$`.
   */
  directive(name: string, first: number, count: number, dollar: boolean, cut: LineCut): DirectiveNode;
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
  // The word table: [offset, endOffset, flags] per directive word, in file order.
  let words = new Int32Array(3 * 1024);
  let wordsUsed = 0;
  const word = (offset: number, endOffset: number, flags: number): number => {
    if (wordsUsed + 3 > words.length) {
      const grown = new Int32Array(Math.max(3 * 1024, words.length * 2));
      grown.set(words);
      words = grown;
    }
    words[wordsUsed] = offset;
    words[wordsUsed + 1] = endOffset;
    words[wordsUsed + 2] = flags;
    wordsUsed += 3;
    return wordsUsed / 3 - 1;
  };
  const wordValue = (i: number): string => {
    const raw = text.slice(words[3 * i]!, words[3 * i + 1]!);
    return (words[3 * i + 2]! & WORD_PLAIN) !== 0 ? raw : tokenValue(raw).value;
  };
  const quoteOf = (flags: number): '"' | "'" | null => ((flags & WORD_DOUBLE_QUOTED) !== 0 ? '"' : (flags & WORD_SINGLE_QUOTED) !== 0 ? "'" : null);

  class Directive extends LineBase implements DirectiveNode, CompactWords {
    readonly kind = 'directive' as const;
    private argsMemo: readonly Arg[] | null = null;
    constructor(
      readonly name: string,
      /** Position of the first word in the word table. */
      private readonly first: number,
      readonly wordCount: number,
      readonly wordsHoldDollar: boolean,
      c: LineCut,
    ) {
      super(c.start, c.cs, c.ce, c.eol, c.end);
    }
    get args(): readonly Arg[] {
      if (this.argsMemo === null) {
        const out: Arg[] = [];
        for (let i = this.first; i < this.first + this.wordCount; i++) {
          const flags = words[3 * i + 2]!;
          const offset = words[3 * i]!;
          const endOffset = words[3 * i + 1]!;
          const raw = text.slice(offset, endOffset);
          out.push(new LazyArg((flags & WORD_PLAIN) !== 0 ? raw : tokenValue(raw).value, raw, quoteOf(flags), (flags & WORD_UNTERMINATED) !== 0, offset, endOffset));
        }
        this.argsMemo = this.wordCount === 0 ? NO_ARGS : out;
      }
      return this.argsMemo;
    }
    /** From the first word to the end of the last, continuations joined (a new string each access). */
    get argsText(): string {
      return this.wordCount === 0 ? '' : joinContinuations(text.slice(words[3 * this.first]!, this.ce));
    }
    wordValues(): string[] {
      const out = new Array<string>(this.wordCount);
      for (let i = 0; i < this.wordCount; i++) out[i] = wordValue(this.first + i);
      return out;
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
    word,
    seal: () => {
      if (words.length > wordsUsed) words = words.slice(0, wordsUsed);
    },
    directive: (name, first, count, dollar, c) => new Directive(name, first, count, dollar, c),
    comment: (c) => new Comment(c.start, c.cs, c.ce, c.eol, c.end),
    blank: (c) => new Blank(c.start, c.cs, c.ce, c.eol, c.end),
  };
}
