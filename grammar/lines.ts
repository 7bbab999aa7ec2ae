/**
 * The line grammar of ./parser.ts, read straight off the token vector.
 *
 * The grammar is flat (see ./parser.ts): a file is an optional BOM and a sequence of lines, and the first token
 * of a line alone says which of the five shapes it is — `Newline` (blank), `Comment`, `OpenTag`, `CloseTag` or
 * `NameWord` — after which a line takes every `ArgWord` up to an optional `Newline`. The CstParser stays the
 * grammar's definition (the railroad diagram, docs/grammar.html, is drawn from it); parse() reads the same
 * shapes with this loop, because building a CST node, a children record and a token array for each of a big
 * file's 400,000 lines cost about a quarter of `apx lint`'s reading time and only fed the garbage collector.
 * test/syntax/lines.test.ts checks that both read every input into the same lines.
 */
import type { IToken, TokenType } from './chevrotain.js';
import { CHUNK_CHARS, chunkEnd } from './parser.js';
import { ArgWord, Bom, CloseTag, Comment, NameWord, Newline, OpenTag, allTokens, tokenize } from './tokens.js';

/** Which alternative of the `line` rule a line is, told by its first token. */
export type LineShape = 'blank' | 'comment' | 'open' | 'close' | 'directive';

/** Receives the lines of a token vector in order; `tokens[first]` is the line's first token. */
export interface LineSink {
  /**
   * One line. For `blank` the first token is its Newline and `newline` is that token too; otherwise the line's
   * words after the first are `tokens[first + 1]` … `tokens[end - 1]`, and `newline` is the line end (undefined on
   * a last line without one).
   */
  line(shape: LineShape, tokens: readonly IToken[], first: number, end: number, newline: IToken | undefined): void;
}

const NONE = 0;
const BLANK = 1;
const COMMENT = 2;
const OPEN = 3;
const CLOSE = 4;
const DIRECTIVE = 5;
const SHAPES: readonly LineShape[] = ['blank', 'blank', 'comment', 'open', 'close', 'directive'];

/** Whether `t` is `c` or one of its categories, as chevrotain's CONSUME matches. */
function isA(t: TokenType, c: TokenType): boolean {
  return t === c || (t.CATEGORIES ?? []).includes(c);
}

/** By tokenTypeIdx: the line shape a token starts (the order of the `line` rule's alternatives), and whether it is an ArgWord. */
const startShape: number[] = [];
const argWord: boolean[] = [];
for (const t of allTokens) {
  const idx = t.tokenTypeIdx!;
  startShape[idx] = isA(t, Newline) ? BLANK : isA(t, Comment) ? COMMENT : isA(t, OpenTag) ? OPEN : isA(t, CloseTag) ? CLOSE : isA(t, NameWord) ? DIRECTIVE : NONE;
  argWord[idx] = isA(t, ArgWord);
}
const newlineIdx = Newline.tokenTypeIdx!;
const bomIdx = Bom.tokenTypeIdx!;

/**
 * Hand the lines of `tokens` to `sink`, after the BOM if there is one (see hasBom). Every token vector the
 * lexer makes is a sentence of the grammar; a token no line can start with is apx's bug.
 */
export function readLines(tokens: readonly IToken[], sink: LineSink): void {
  const n = tokens.length;
  let i = hasBom(tokens) ? 1 : 0;
  while (i < n) {
    const first = i;
    const shape = startShape[tokens[i]!.tokenTypeIdx] ?? NONE;
    if (shape === NONE) throw new Error(`internal: no line starts with ${tokens[i]!.tokenType.name} (offset ${tokens[i]!.startOffset})`);
    i++;
    if (shape === BLANK) {
      sink.line('blank', tokens, first, i, tokens[first]);
      continue;
    }
    // A comment runs to its line end; the other shapes take every word up to it.
    if (shape !== COMMENT) while (i < n && argWord[tokens[i]!.tokenTypeIdx] === true) i++;
    const end = i;
    let newline: IToken | undefined;
    if (i < n && tokens[i]!.tokenTypeIdx === newlineIdx) newline = tokens[i++];
    sink.line(SHAPES[shape]!, tokens, first, end, newline);
  }
}

/** Whether the vector starts with the file's BOM (the grammar's optional first token, part of no line). */
export function hasBom(tokens: readonly IToken[]): boolean {
  return tokens.length > 0 && tokens[0]!.tokenTypeIdx === bomIdx;
}

export interface TokenChunk {
  /** The parser's input for text.slice(offset, …): token offsets are relative to `offset`. */
  readonly tokens: readonly IToken[];
  /** NUL runs httpd never reads (see tokens.ts `Nul`). */
  readonly nul: readonly IToken[];
  readonly offset: number;
}

/**
 * The file as consecutive token vectors of whole logical lines, cut by ./parser.ts's chunkEnd: each chunk's tokens
 * die with it instead of all 1.1 M tokens of a 10 MB file living at once.
 */
export function* lexChunks(text: string, size: number = CHUNK_CHARS): Generator<TokenChunk> {
  if (text.length <= size) {
    yield { ...tokenize(text), offset: 0 };
    return;
  }
  for (let from = 0; from < text.length; ) {
    const to = chunkEnd(text, from, size);
    yield { ...tokenize(text.slice(from, to)), offset: from };
    from = to;
  }
}
