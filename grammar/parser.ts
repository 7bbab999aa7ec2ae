/**
 * The line grammar of httpd's configuration language, as a chevrotain CstParser.
 *
 * httpd's reader (server/config.c, ap_build_config_sub) knows only lines: a comment, a directive, a section
 * opener `<Name …>` that pushes a level, and a closer `</Name>` that pops the innermost one. The grammar is
 * the same: a file is a flat sequence of line shapes, and nesting is not a grammar rule — src/syntax/build.ts
 * pushes and pops sections on an explicit stack, as ap_build_config_sub does, so no input depth can exhaust
 * the JavaScript stack (a recursive `section` rule overflowed at about 550 levels). The names in a closer are
 * checked there too, so each problem can be worded in the user's terms.
 *
 * Every token sequence the lexer can produce is a sentence of this grammar, so parsing never fails:
 * everything httpd refuses is diagnosed on the tree, and one run reports all of it.
 *
 * This parser is the grammar's definition (docs/grammar.html is drawn from it). parse() reads the same line
 * shapes off the token vector with ./lines.ts, which builds no CST; tests check that both read every input alike.
 */
import { CstParser, type CstNode, type IToken } from './chevrotain.js';
import { allTokens, ArgWord, Bom, CloseTag, Comment, NameWord, Newline, OpenTag, tokenize } from './tokens.js';

export class ApacheConfigParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  public configFile = this.RULE('configFile', () => {
    this.OPTION(() => this.CONSUME(Bom));
    this.MANY(() => this.SUBRULE(this.line));
  });

  /**
   * One logical line. The alternatives are inlined (not sub-rules) so a line is one CST node whose
   * `ArgWord` list holds its words in file order; which alternative matched is told by the first token's key
   * (`Newline` alone, `Comment`, `OpenTag`, `CloseTag` or `NameWord`). Only the last line of a file may lack
   * its `Newline`.
   */
  public line = this.RULE('line', () => {
    this.OR([
      // A blank line: nothing but blanks before the line end.
      { ALT: () => this.CONSUME(Newline) },
      // A comment: `#` first on the logical line, through its end (continuations included).
      {
        ALT: () => {
          this.CONSUME(Comment);
          this.OPTION(() => this.CONSUME2(Newline));
        },
      },
      // A section opener `<Name args…>`: pushes a level.
      {
        ALT: () => {
          this.CONSUME(OpenTag);
          this.MANY(() => this.CONSUME(ArgWord));
          this.OPTION2(() => this.CONSUME3(Newline));
        },
      },
      // A section closer `</Name>`: pops one (any further words are reported, as httpd ignores them).
      {
        ALT: () => {
          this.CONSUME(CloseTag);
          this.MANY2(() => this.CONSUME2(ArgWord));
          this.OPTION3(() => this.CONSUME4(Newline));
        },
      },
      // A directive: its name (httpd splits it off with the same word rule, so it may be quoted), then words.
      {
        ALT: () => {
          this.CONSUME(NameWord);
          this.MANY3(() => this.CONSUME3(ArgWord));
          this.OPTION4(() => this.CONSUME5(Newline));
        },
      },
    ]);
  });
}

/** One parser instance serves every parse (chevrotain parsers are reusable and costly to construct). */
let shared: ApacheConfigParser | undefined;

export function parser(): ApacheConfigParser {
  shared ??= new ApacheConfigParser();
  return shared;
}

/**
 * parse() lexes chunks of about this many characters one at a time (./lines.ts lexChunks): the tokens of a chunk
 * die young (cheap for the garbage collector) instead of all 1.1 M tokens of a 10 MB file living at once.
 */
export const CHUNK_CHARS = 64 * 1024;

/** Where the chunk that starts at `from` should end: just after a line end that is not a continuation. */
export function chunkEnd(text: string, from: number, size: number = CHUNK_CHARS): number {
  let i = from + size - 1;
  for (;;) {
    if (i >= text.length) return text.length;
    i = text.indexOf('\n', i);
    if (i === -1) return text.length;
    let j = i - 1;
    if (j >= from && text.charCodeAt(j) === 0x0d) j--;
    // `\`-newline joins lines (CONT in tokens.ts); a chunk starting with U+FEFF would lex it as the file's BOM.
    if (!(j >= from && text.charCodeAt(j) === 0x5c) && text.charCodeAt(i + 1) !== 0xfeff) return i + 1;
    i++;
  }
}

export interface CstResult {
  readonly cst: CstNode;
  /** NUL runs httpd never reads (see tokens.ts `Nul`); not part of the CST. */
  readonly nul: readonly IToken[];
}

export function parseCst(text: string): CstResult {
  const p = parser();
  const { tokens, nul } = tokenize(text);
  p.input = tokens;
  const cst = p.configFile();
  const error = p.errors[0];
  // Let the token vector go with the CST, not stay with the shared parser.
  p.input = [];
  if (error) {
    // The grammar accepts every token sequence; reaching this is a bug in apx, not in the input.
    throw new Error(`internal: parser rejected input: ${error.message}`);
  }
  return { cst, nul };
}
