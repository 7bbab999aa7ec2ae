/**
 * Tokens of the Apache httpd configuration language.
 *
 * httpd reads a file as logical lines (server/util.c, ap_cfg_getline): a backslash immediately before the
 * newline joins the next physical line with nothing in between — before comments are recognised, so a
 * commented line ending in `\` swallows the next line — and each logical line is trimmed of blanks at both
 * ends. The words of a line are then split by ap_getword_conf: runs of non-blanks, or a `"…"`/`'…'` string when
 * the quote opens the word; inside a string a backslash escapes only the quote and itself, and a string with no
 * closing quote runs to the end of the line. Blanks are C `isspace` (space, \t, \v, \f, \r, \n), not Unicode.
 *
 * httpd reads each physical line with fgets and measures it with strlen (ap_cfg_getline_core), so a NUL byte
 * ends the line there: the rest of that physical line, a continuation backslash included, is never seen.
 *
 * The tokens below work on the raw text, so each one treats `\`-newline as a zero-width joint wherever it
 * appears. Positions are offsets only; src/syntax maps them to lines and columns (httpd counts lines by \n).
 */
import { createToken, Lexer, type IToken, type TokenType } from './chevrotain.js';

/** `\` + newline: the joint between physical lines of one logical line. */
const CONT = String.raw`\\\r?\n`;
/** One blank that is not a line end (a CR belongs to the line end when a LF follows it). */
const BLANK = String.raw`[ \t\v\f]|\r(?!\n)`;
/** One character of a bare word: anything but httpd's blanks (and NUL, where httpd's line ends). */
const WORD_CHAR = String.raw`[^ \t\v\f\r\n\0]`;

/**
 * Token categories the grammar consumes: `NameWord` can start a directive line, `ArgWord` is any word after
 * the first (where `<x` and `</x` are ordinary words). As categories, a line's words land in one CST list in
 * file order.
 */
export const NameWord = createToken({ name: 'NameWord', pattern: Lexer.NA });
export const ArgWord = createToken({ name: 'ArgWord', pattern: Lexer.NA });

export const Newline = createToken({ name: 'Newline', pattern: /\r?\n/, line_breaks: true });

export const Blank = createToken({
  name: 'Blank',
  pattern: new RegExp(`(?:${BLANK}|${CONT})+`),
  group: Lexer.SKIPPED,
  line_breaks: true,
});

/** U+FEFF at offset 0. httpd does not skip it; src/syntax reports it. */
export const Bom = createToken({
  name: 'Bom',
  pattern: { exec: (text: string, offset: number) => (offset === 0 && text.charCodeAt(0) === 0xfeff ? ['\uFEFF'] : null) },
  start_chars_hint: ['\uFEFF'],
  line_breaks: false,
});

/**
 * True when only blanks and continuations separate `offset` from the start of its logical line: httpd treats
 * `#` as a comment only as the first character of the trimmed logical line (server/config.c).
 */
export function atLogicalLineStart(text: string, offset: number): boolean {
  let i = offset - 1;
  while (i >= 0) {
    const c = text.charCodeAt(i);
    if (c === 0x20 || c === 0x09 || c === 0x0b || c === 0x0c || c === 0x0d) {
      i--;
    } else if (c === 0x0a) {
      // A newline ends the previous logical line unless a backslash right before it (CR aside) joins them.
      let j = i - 1;
      if (j >= 0 && text.charCodeAt(j) === 0x0d) j--;
      if (j >= 0 && text.charCodeAt(j) === 0x5c) i = j - 1;
      else return true;
    } else {
      return i === 0 && c === 0xfeff;
    }
  }
  return true;
}

const COMMENT_BODY = new RegExp(`#(?:${CONT}|[^\\n\\0])*`, 'y');
/** Strip the CR of a CRLF line end from the token: it belongs to the Newline. */
function trimCr(s: string): string {
  return s.endsWith('\r') ? s.slice(0, -1) : s;
}

export const Comment = createToken({
  name: 'Comment',
  pattern: {
    exec: (text: string, offset: number) => {
      if (!atLogicalLineStart(text, offset)) return null;
      COMMENT_BODY.lastIndex = offset;
      const m = COMMENT_BODY.exec(text);
      return m ? [trimCr(m[0])] : null;
    },
  },
  start_chars_hint: ['#'],
  line_breaks: true,
});

/**
 * A quoted word. At a backslash, a continuation is removed first; then `\` escapes a following quote or
 * backslash. An unterminated string stops before the line end (the CR of a CRLF is blank, trimmed later).
 */
function quoted(q: '"' | "'"): RegExp {
  const esc = String.raw`\\(?:${CONT})*(?:${q}|\\(?!\r?\n))`;
  return new RegExp(`${q}(?:${esc}|${CONT}|[^${q}\\n\\0])*${q}?`);
}

export const DoubleQuoted = createToken({ name: 'DoubleQuoted', pattern: quoted('"'), line_breaks: true, categories: [NameWord, ArgWord] });
export const SingleQuoted = createToken({ name: 'SingleQuoted', pattern: quoted("'"), line_breaks: true, categories: [NameWord, ArgWord] });

const WORD = `(?:${CONT}|${WORD_CHAR})+`;

/** `</Name…` as a word: a section closer when it starts a line. */
export const CloseTag = createToken({ name: 'CloseTag', pattern: new RegExp(`<(?:${CONT})*/${WORD.replace('+', '*')}`), line_breaks: true, categories: [ArgWord] });
/** `<Name…` as a word: a section opener when it starts a line. */
export const OpenTag = createToken({ name: 'OpenTag', pattern: new RegExp(`<${WORD.replace('+', '*')}`), line_breaks: true, categories: [ArgWord] });

/**
 * httpd takes the first word of a line with ap_getword_conf, quotes and all, before it looks for `<` or
 * `</` — so `"</VirtualHost>"` on a line of its own closes a section (checked with apache2 -t). These two
 * catch a quoted first word whose value starts with `<`; as categories of OpenTag/CloseTag the grammar
 * treats them like the bare forms.
 */
function quotedTag(close: boolean) {
  const dq = new RegExp(quoted('"').source, 'y');
  const sq = new RegExp(quoted("'").source, 'y');
  return (text: string, offset: number): [string] | null => {
    const q = text[offset];
    if ((q !== '"' && q !== "'") || !atLogicalLineStart(text, offset)) return null;
    const re = q === '"' ? dq : sq;
    re.lastIndex = offset;
    const m = re.exec(text);
    if (!m) return null;
    const body = m[0].slice(1).replace(/\\\r?\n/g, '');
    return body.startsWith(close ? '</' : '<') && (close || !body.startsWith('</')) ? [trimCr(m[0])] : null;
  };
}
export const QuotedCloseTag = createToken({ name: 'QuotedCloseTag', pattern: { exec: quotedTag(true) }, start_chars_hint: ['"', "'"], line_breaks: true, categories: [CloseTag, ArgWord] });
export const QuotedOpenTag = createToken({ name: 'QuotedOpenTag', pattern: { exec: quotedTag(false) }, start_chars_hint: ['"', "'"], line_breaks: true, categories: [OpenTag, ArgWord] });
/**
 * Every UTF-16 code unit a Word can start with: all but httpd's blanks, the line end and NUL (a `\` starts a
 * continuation or is an ordinary character). chevrotain cannot work this out from the complement set in
 * WORD_CHAR, and one pattern it cannot analyse turns off its first-character dispatch for the whole lexer — it
 * would then try all fourteen patterns at every position.
 */
function wordStartChars(): number[] {
  const out: number[] = [];
  for (let c = 0; c <= 0xffff; c++) if (!(c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0b || c === 0x0c || c === 0x0d || c === 0x00)) out.push(c);
  return out;
}

/** Any other run of non-blanks, quotes included when they do not open the word (`a"b"` is one word). */
export const Word = createToken({ name: 'Word', pattern: new RegExp(WORD), start_chars_hint: wordStartChars(), line_breaks: true, categories: [NameWord, ArgWord] });

/**
 * A NUL byte and the rest of its physical line, up to the line end: httpd never sees it (strlen stops there,
 * ap_cfg_getline_core). Kept out of the parser's input, like blanks; src/syntax warns about it.
 */
export const NUL_GROUP = 'nul';
export const Nul = createToken({ name: 'Nul', pattern: /\0[^\n]*/, group: NUL_GROUP, line_breaks: false });

/** Order matters: chevrotain takes the first pattern that matches at a position. */
export const allTokens: TokenType[] = [NameWord, ArgWord, Bom, Newline, Nul, Blank, Comment, QuotedCloseTag, QuotedOpenTag, DoubleQuoted, SingleQuoted, CloseTag, OpenTag, Word];

export const ApacheLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  // httpd counts lines by LF only; a lone CR is a blank.
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
  // Every pattern has a known first character (regular expressions, or start_chars_hint), so chevrotain picks
  // the candidates for a position by its character; it refuses to build the lexer if that ever stops holding.
  ensureOptimizations: true,
});

export interface Tokens {
  /** The parser's input: every token but blanks and NUL runs. */
  readonly tokens: IToken[];
  /** Each NUL byte with the rest of its physical line (what httpd drops). */
  readonly nul: IToken[];
}

export function tokenize(text: string): Tokens {
  // Every character is matched by some pattern (Word takes anything Blank/Newline/Nul do not), so the lexer
  // has no errors to report; unusual input is diagnosed on the tree instead.
  const r = ApacheLexer.tokenize(text);
  return { tokens: r.tokens, nul: r.groups[NUL_GROUP] ?? [] };
}
