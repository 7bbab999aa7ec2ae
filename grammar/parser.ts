/**
 * The line grammar of httpd's configuration language, as a chevrotain CstParser.
 *
 * httpd's reader (server/config.c, ap_build_config_sub) knows only lines: a comment, a directive, a section
 * opener `<Name …>` that pushes a level, and a closer `</Name>` that pops the innermost one. Any closer closes
 * the innermost open section — a closer with another name is an error ("Expected </Location> but saw
 * </VirtualHost>") but still ends that section — so the grammar lets `section` take any closer and leaves
 * the name check to src/syntax, which can then word the message in the user's terms. A closer with nothing
 * open is `strayClose`. Every token sequence the lexer can produce is a sentence of this grammar, so
 * parsing never fails: everything httpd refuses is diagnosed on the tree, and one run reports all of it.
 */
import { CstParser, type CstNode, type IToken } from 'chevrotain';
import {
  allTokens,
  Bom,
  CloseTag,
  Comment,
  DoubleQuoted,
  Newline,
  OpenTag,
  SingleQuoted,
  tokenize,
  Word,
} from './tokens.js';

export class ApacheConfigParser extends CstParser {
  constructor() {
    super(allTokens, { recoveryEnabled: false, maxLookahead: 1 });
    this.performSelfAnalysis();
  }

  public configFile = this.RULE('configFile', () => {
    this.OPTION(() => this.CONSUME(Bom));
    this.MANY(() => this.SUBRULE(this.topLine));
  });

  /** A line at file level: an element, or a closer with no section open. */
  private topLine = this.RULE('topLine', () => {
    this.OR([{ ALT: () => this.SUBRULE(this.element) }, { ALT: () => this.SUBRULE(this.strayClose) }]);
  });

  private element = this.RULE('element', () => {
    this.OR([
      { ALT: () => this.SUBRULE(this.blankLine) },
      { ALT: () => this.SUBRULE(this.commentLine) },
      { ALT: () => this.SUBRULE(this.section) },
      { ALT: () => this.SUBRULE(this.directive) },
    ]);
  });

  private blankLine = this.RULE('blankLine', () => {
    this.CONSUME(Newline);
  });

  private commentLine = this.RULE('commentLine', () => {
    this.CONSUME(Comment);
    this.OPTION(() => this.CONSUME(Newline));
  });

  private section = this.RULE('section', () => {
    this.CONSUME(OpenTag);
    this.MANY(() => this.SUBRULE(this.arg));
    this.OPTION(() => this.CONSUME(Newline));
    this.MANY2(() => this.SUBRULE(this.element));
    this.OPTION2(() => this.SUBRULE(this.closeLine));
  });

  private closeLine = this.RULE('closeLine', () => {
    this.CONSUME(CloseTag);
    this.MANY(() => this.SUBRULE(this.arg));
    this.OPTION(() => this.CONSUME(Newline));
  });

  private strayClose = this.RULE('strayClose', () => {
    this.SUBRULE(this.closeLine);
  });

  /** httpd splits the directive name off with the same word rule as its arguments, so it may be quoted. */
  private directive = this.RULE('directive', () => {
    this.OR([{ ALT: () => this.CONSUME(Word) }, { ALT: () => this.CONSUME(DoubleQuoted) }, { ALT: () => this.CONSUME(SingleQuoted) }]);
    this.MANY(() => this.SUBRULE(this.arg));
    this.OPTION(() => this.CONSUME(Newline));
  });

  /** After the first word, `<x` and `</x` are ordinary words. */
  private arg = this.RULE('arg', () => {
    this.OR([
      { ALT: () => this.CONSUME(Word) },
      { ALT: () => this.CONSUME(DoubleQuoted) },
      { ALT: () => this.CONSUME(SingleQuoted) },
      { ALT: () => this.CONSUME(OpenTag) },
      { ALT: () => this.CONSUME(CloseTag) },
    ]);
  });
}

/** One parser instance serves every parse (chevrotain parsers are reusable and costly to construct). */
let shared: ApacheConfigParser | undefined;

export function parser(): ApacheConfigParser {
  shared ??= new ApacheConfigParser();
  return shared;
}

export interface CstResult {
  readonly cst: CstNode;
  readonly tokens: readonly IToken[];
}

export function parseCst(text: string): CstResult {
  const p = parser();
  const tokens = tokenize(text);
  p.input = tokens;
  const cst = p.configFile();
  if (p.errors.length > 0) {
    // The grammar accepts every token sequence; reaching this is a bug in apx, not in the input.
    throw new Error(`internal: parser rejected input: ${p.errors[0]!.message}`);
  }
  return { cst, tokens };
}
