/**
 * The lossless syntax tree of one Apache httpd configuration file.
 *
 * Every byte of the file belongs to exactly one node's `source` text (plus the file's BOM), so
 * `print(parse(text)) === text`. Names keep the case they were written in; compare them with
 * `sameName` from ./names.js, never by lower-casing ad hoc.
 *
 * Arguments are split here on the *unexpanded* text. httpd substitutes `${VAR}` on the whole logical line
 * before splitting it into words (server/config.c), so src/config re-splits `argsText` after expansion; the
 * split here is what a reader of the file sees, and is exact whenever the line holds no `${…}`.
 *
 * parse() returns nodes whose `span`, `openSpan`, `source`, `open` (and a comment's `text`) are computed on
 * access from offsets (./lazy.ts) — that keeps a 10 MB file's tree small. Read them as properties; do not
 * spread a node (`{ ...node }` drops getters); JSON.stringify gives the full plain form.
 */
import type { Span } from '../diagnostic.js';

export type { Span };

/** The exact text a line-shaped node was made from, split so a printer can re-indent or regenerate it. */
export interface LineSource {
  /** Blanks before the first word of the line (spaces, tabs). */
  readonly indent: string;
  /** From the first word to the last, exactly as written, including `\`-newline continuations and quotes. */
  readonly text: string;
  /** Blanks after the last word (spaces, tabs, a lone CR), and a NUL byte with the rest of its line (httpd stops reading a line at a NUL). */
  readonly trailing: string;
  /** The line terminator: `\n`, `\r\n`, or `` on a last line without one. */
  readonly eol: string;
}

export interface Arg {
  /** The word as httpd's ap_getword_conf yields it: quotes removed, `\\` and `\"` unescaped, continuations joined. */
  readonly value: string;
  /** The word exactly as written. */
  readonly raw: string;
  /** The quote character that opened it, or null for a bare word. */
  readonly quote: '"' | "'" | null;
  /** A quoted word that reached the end of its line without the closing quote (httpd takes the rest of the line). */
  readonly unterminated: boolean;
  readonly span: Span;
}

export interface DirectiveNode {
  readonly kind: 'directive';
  /** As written, e.g. `ProxyPass` or `proxypass`. */
  readonly name: string;
  readonly args: readonly Arg[];
  /** The logical text after the name (continuations joined, outer blanks trimmed): what `${VAR}` expansion sees. */
  readonly argsText: string;
  readonly span: Span;
  readonly source: LineSource;
}

export interface SectionNode {
  readonly kind: 'section';
  /** Without the angle bracket, as written: `VirtualHost`, `IfModule`. */
  readonly name: string;
  /** The opener's arguments, the closing `>` removed (httpd cuts at the last `>` of the line). */
  readonly args: readonly Arg[];
  /** Logical text of the arguments, without the closing `>`. */
  readonly argsText: string;
  readonly children: readonly Node[];
  /** From the `<` of the opener to the end of the closer (or of the last child when it is never closed). */
  readonly span: Span;
  /** The opener line's span alone. */
  readonly openSpan: Span;
  readonly open: LineSource;
  /** The closing line, or null when the section is never closed (a syntax error). */
  readonly close: SectionClose | null;
}

export interface SectionClose {
  /** The name in the closer as written (`</virtualhost>` → `virtualhost`). */
  readonly name: string;
  readonly span: Span;
  readonly source: LineSource;
}

export interface CommentNode {
  readonly kind: 'comment';
  /** The comment text from `#` to the end of the logical line, continuations included. */
  readonly text: string;
  readonly span: Span;
  readonly source: LineSource;
}

export interface BlankNode {
  readonly kind: 'blank';
  readonly span: Span;
  readonly source: LineSource;
}

/**
 * A closer with no open section (`</VirtualHost>` at top level). httpd refuses the file; the tree keeps the
 * line so the printer stays lossless.
 */
export interface StrayCloseNode {
  readonly kind: 'stray-close';
  readonly name: string;
  readonly span: Span;
  readonly source: LineSource;
}

export type Node = DirectiveNode | SectionNode | CommentNode | BlankNode | StrayCloseNode;

export interface ConfigFile {
  readonly kind: 'file';
  readonly file: string;
  /** True when the text starts with U+FEFF; httpd 2.4 does not skip it (see syntax/bom diagnostic). */
  readonly bom: boolean;
  readonly children: readonly Node[];
}
