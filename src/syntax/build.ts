/**
 * CST lines → AST: the typed, lossless tree of one file, and the diagnostics httpd's reader would give for it.
 *
 * The grammar hands over a flat sequence of lines; nesting is built here with an explicit stack, the way
 * ap_build_config_sub (server/config.c) pushes a level for each opener and pops one for each closer — so any
 * depth of nesting costs heap, never JavaScript stack. Section rules follow httpd: a closer always ends the
 * innermost open section; its name must match the opener's case-insensitively ("Expected </Location> but saw
 * </VirtualHost>"); a closer must be the single word `</Name>` ("</VirtualHost> directive missing closing
 * '>'"); a closer with nothing open is refused ("without matching <VirtualHost> section"); a section still open
 * at the end of the file is refused ("<VirtualHost> was not closed"). Openers keep what precedes the last `>`
 * of the line, as every section handler in httpd does (strrchr).
 *
 * `<Macro>` bodies are read by mod_macro, not by the section reader (modules/core/mod_macro.c,
 * get_lines_till_end_token): the body runs to the `</Macro>` that balances it, counting only nested `<Macro`
 * lines, and unbalanced sections inside only draw a warning (AH02793, AH02795) — httpd checks them when the
 * macro is used. The tree still nests them; their problems are warnings.
 */
import type { IToken } from 'chevrotain';
import { hasBom, type LineShape, type LineSink, readLines, type TokenChunk } from '../../grammar/lines.js';
import { type Diagnostic, formatLocation } from '../diagnostic.js';
import type { Arg, BlankNode, CommentNode, ConfigFile, DirectiveNode, Node, SectionClose, Span, StrayCloseNode } from './ast.js';
import { type LineCut, type NodeClasses, nodeClasses, WORD_DOUBLE_QUOTED, WORD_PLAIN, WORD_SINGLE_QUOTED, WORD_UNTERMINATED } from './lazy.js';
import { LineIndex } from './positions.js';
import { sameName } from './names.js';
import { isBlank, joinContinuations, splitWords, tokenValue } from './words.js';

const NO_ARGS: readonly Arg[] = Object.freeze([]);

/**
 * A large file repeats the same few directive names and indents hundreds of thousands of times; keeping one
 * copy of each keeps the tree small (and the garbage collector's work with it). Bounded so an adversarial
 * file of unique names cannot grow it without limit.
 */
class Interner {
  private readonly seen = new Map<string, string>();
  get(s: string): string {
    if (s.length > 32) return s;
    const hit = this.seen.get(s);
    if (hit !== undefined) return hit;
    if (this.seen.size < 4096) this.seen.set(s, s);
    return s;
  }
}
const MACRO = 'Macro';

export interface BuildResult {
  readonly ast: ConfigFile;
  readonly diagnostics: Diagnostic[];
}

/** An open section: what its node will hold once its closer (or the end of the file) is reached. */
interface Frame {
  readonly name: string;
  readonly args: readonly Arg[];
  readonly argsText: string;
  /** The opener line. */
  readonly cut: LineCut;
  readonly children: Node[];
  /** A `<Macro>` frame: mod_macro reads its body. */
  readonly macro: boolean;
}

/** A token with its offsets made absolute (chunk tokens are relative to their chunk). */
interface Tok {
  readonly image: string;
  readonly start: number;
  readonly end: number;
  readonly quoted: boolean;
}

function tok(t: IToken, base: number): Tok {
  const c = t.image.charCodeAt(0);
  return { image: t.image, start: base + t.startOffset, end: base + t.startOffset + t.image.length, quoted: c === 0x22 || c === 0x27 };
}

export class AstBuilder implements LineSink {
  private readonly index: LineIndex;
  private readonly diagnostics: Diagnostic[] = [];
  /** Offset where the next line begins; every byte from here to the line's end belongs to that line's node. */
  private pos = 0;
  private bom = false;
  private readonly top: Node[] = [];
  private readonly stack: Frame[] = [];
  /** How many `<Macro>` frames are on the stack. */
  private macros = 0;
  private nulCount = 0;
  private firstNul: Span | null = null;
  private readonly names = new Interner();
  private readonly make: NodeClasses;

  constructor(
    private readonly file: string,
    private readonly text: string,
  ) {
    this.index = new LineIndex(file, text, text.charCodeAt(0) === 0xfeff ? 1 : 0);
    this.make = nodeClasses({ text, index: this.index, indent: (s) => this.names.get(s) });
  }

  /** Add the lines of one chunk, in file order. */
  add(chunk: TokenChunk): void {
    const { tokens, offset } = chunk;
    if (offset === 0 && hasBom(tokens)) {
      this.bom = true;
      this.pos = 1;
      this.report('error', 'syntax/bom', 'the file starts with a UTF-8 byte order mark; httpd 2.4 reads it as part of the first line and refuses the file ("Invalid command \'\\xef\\xbb\\xbf…\'")', this.index.span(0, 1), 'save the file as UTF-8 without a BOM');
    }
    for (const t of chunk.nul) {
      if (this.nulCount++ === 0) this.firstNul = this.index.span(offset + t.startOffset, offset + t.startOffset + 1);
    }
    this.base = offset;
    readLines(tokens, this);
  }

  finish(): BuildResult {
    if (this.pos < this.text.length) {
      // Blanks (or a NUL run) after the last line terminator, with no line end of their own.
      this.here().push(this.blank(undefined));
    }
    while (this.stack.length > 0) this.closeFrame(null, this.stack.length - 1);
    this.make.seal();
    if (this.firstNul) {
      const more = this.nulCount > 1 ? ` (${this.nulCount - 1} more line${this.nulCount > 2 ? 's have' : ' has'} one)` : '';
      this.report('warning', 'syntax/nul-byte', `a NUL byte ends the line for httpd, which ignores the rest of it${more}`, this.firstNul, 'remove the NUL bytes; is this a binary or UTF-16 file? Save configuration as UTF-8 text');
    }
    return { ast: { kind: 'file', file: this.file, bom: this.bom, children: this.top }, diagnostics: this.diagnostics };
  }

  private report(severity: Diagnostic['severity'], code: string, message: string, span: Span, hint?: string, related?: Diagnostic['related']): void {
    this.diagnostics.push({ severity, code, message, span, ...(hint !== undefined ? { hint } : {}), ...(related ? { related } : {}) });
  }

  /** The children list new nodes go to: the innermost open section's, or the file's. */
  private here(): Node[] {
    const n = this.stack.length;
    return n === 0 ? this.top : this.stack[n - 1]!.children;
  }

  /** Offset of the chunk being added: its token offsets are relative to it. */
  private base = 0;

  /** One line of the chunk being added (LineSink, grammar/lines.ts). */
  line(shape: LineShape, tokens: readonly IToken[], first: number, end: number, newline: IToken | undefined): void {
    const base = this.base;
    if (shape === 'directive') this.here().push(this.directive(tokens[first]!, tokens, first + 1, end, newline));
    else if (shape === 'open') this.opener(tok(tokens[first]!, base), tokens.slice(first + 1, end), newline, base);
    else if (shape === 'close') this.closer(tok(tokens[first]!, base), tokens.slice(first + 1, end), newline, base);
    else if (shape === 'comment') this.here().push(this.comment(tok(tokens[first]!, base), newline));
    else this.here().push(this.blank(newline));
  }

  /**
   * Cut one line into indent, words, trailing blanks and terminator (see LineCut); advances `pos`. `newline` is a
   * token of the chunk being added.
   */
  private cut(contentStart: number | undefined, lastEnd: number, newline: IToken | undefined): LineCut {
    const start = this.pos;
    const nlStart = newline ? this.base + newline.startOffset : -1;
    const end = newline ? nlStart + newline.image.length : this.text.length;
    let eol = newline ? nlStart : end;
    const cs = contentStart ?? eol;
    const ce = contentStart === undefined ? cs : lastEnd;
    // A CR that a quoted word or a NUL run took up to the LF still belongs to the line end.
    if (newline && newline.image.length === 1 && eol - 1 >= ce && this.text.charCodeAt(eol - 1) === 0x0d) eol--;
    this.pos = end;
    return { start, cs, ce, eol, end };
  }

  /** Where a token really stops: a quoted word that runs to the line end loses the blanks httpd trims. */
  private tokenEnd(t: Tok): number {
    return t.quoted ? this.trimmed(t.start, t.end) : t.end;
  }

  private trimmed(start: number, end: number): number {
    while (end > start && isBlank(this.text.charCodeAt(end - 1)) && this.text.charCodeAt(end - 1) !== 0x0a) end--;
    return end;
  }

  private blank(newline: IToken | undefined): BlankNode {
    return this.make.blank(this.cut(undefined, 0, newline));
  }

  private comment(t: Tok, newline: IToken | undefined): CommentNode {
    return this.make.comment(this.cut(t.start, this.trimmed(t.start, t.end), newline));
  }

  private unterminated(quote: string, value: string, span: Span): void {
    this.report('warning', 'syntax/unterminated-quote', `unterminated quoted string: httpd takes the rest of the line, ${quote}${value}, as one argument`, span, `add the closing ${quote}`);
  }

  /** A directive line: `nameTok`, then the words tokens[from] … tokens[to - 1] (tokens of the chunk being added). */
  private directive(nameTok: IToken, tokens: readonly IToken[], from: number, to: number, newline: IToken | undefined): DirectiveNode {
    const base = this.base;
    const image = nameTok.image;
    const nameStart = base + nameTok.startOffset;
    const c = image.charCodeAt(0);
    const quotedName = c === 0x22 || c === 0x27;
    // The words go to the file's word table (./lazy.ts); no object per word, none per token.
    let first = 0;
    let lastEnd = 0;
    let dollar = false;
    for (let i = from; i < to; i++) {
      const t = tokens[i]!;
      const start = base + t.startOffset;
      const at = this.word(t.image, start);
      if (i === from) first = at;
      lastEnd = this.wordEnd;
      if (!dollar && t.image.indexOf('$') !== -1) dollar = true;
    }
    const nameEnd = nameStart + image.length;
    const cut = this.cut(nameStart, to > from ? lastEnd : quotedName ? this.trimmed(nameStart, nameEnd) : nameEnd, newline);
    const name = this.names.get(!quotedName && image.indexOf('\\') === -1 ? image : tokenValue(image).value);
    if (name.charCodeAt(0) === 0xfeff) {
      // httpd reads U+FEFF as three bytes of the first word wherever the line is (server/config.c).
      const at = this.index.span(cut.cs, cut.cs + 1);
      this.report('error', 'syntax/bom', `line ${at.line} starts with a U+FEFF byte order mark; httpd reads it as part of the directive name and refuses the file ("Invalid command '\\xef\\xbb\\xbf${name.slice(1)}'")`, at, 'delete the invisible U+FEFF character at the start of the line');
    }
    return this.make.directive(name, first, to - from, dollar, cut);
  }

  /** Where the word last recorded by word() ends (a quoted word that runs to the line end loses its trailing blanks). */
  private wordEnd = 0;

  /** Record one directive word that starts at file offset `start`; returns its position in the word table. */
  private word(image: string, start: number): number {
    const c = image.charCodeAt(0);
    const quoted = c === 0x22 || c === 0x27;
    const end = quoted ? this.trimmed(start, start + image.length) : start + image.length;
    this.wordEnd = end;
    // A bare word without backslashes is its own value (the common case).
    if (!quoted && image.indexOf('\\') === -1) return this.make.word(start, end, WORD_PLAIN);
    const raw = end === start + image.length ? image : image.slice(0, end - start);
    const { value, quote, unterminated } = tokenValue(raw);
    if (unterminated) this.unterminated(quote!, value, this.index.span(start, end));
    const flags = (quote === '"' ? WORD_DOUBLE_QUOTED : quote === "'" ? WORD_SINGLE_QUOTED : 0) | (unterminated ? WORD_UNTERMINATED : 0);
    return this.make.word(start, end, flags);
  }

  private opener(openTok: Tok, argTokens: readonly IToken[], newline: IToken | undefined, base: number): void {
    const toks = argTokens.map((t) => tok(t, base));
    const last = toks.length > 0 ? toks[toks.length - 1]! : openTok;
    const cut = this.cut(openTok.start, this.tokenEnd(last), newline);
    const contentEnd = cut.ce;
    // Spans are for diagnostics; most openers have none to report.
    const openSpan = (): Span => this.index.span(cut.cs, contentEnd);

    const word = (openTok.quoted || openTok.image.indexOf('\\') !== -1 ? tokenValue(openTok.image).value : openTok.image).slice(1);
    const nameHasGt = word.endsWith('>');
    const name = this.names.get(nameHasGt ? word.slice(0, -1) : word);
    const { args, argsText } = this.sectionArgs(name, nameHasGt, toks, contentEnd, openSpan);
    const macro = sameName(name, MACRO);
    this.stack.push({ name, args, argsText, cut, children: [], macro });
    if (macro) this.macros++;
  }

  /** Section arguments: the words before the last `>` of the line (httpd's section handlers use strrchr). */
  private sectionArgs(name: string, nameHasGt: boolean, toks: readonly Tok[], contentEnd: number, openSpan: () => Span): { args: readonly Arg[]; argsText: string } {
    if (toks.length === 0) {
      // ap_build_config_sub gives an opener with nothing after its name the argument ">", so httpd reads
      // `<Name` alone exactly as `<Name>`: a slip worth fixing, not an error of the reader.
      if (!nameHasGt) this.report('warning', 'syntax/open-missing-gt', `<${name} is missing its closing '>' (httpd reads it as <${name}>)`, openSpan(), `write <${name}>`);
      return { args: NO_ARGS, argsText: '' };
    }
    const start = toks[0]!.start;
    const raw = this.text.slice(start, contentEnd);
    // Map joined-text offsets back to the file when continuations were removed.
    const map = raw.includes('\\') ? joinedOffsets(raw, start) : null;
    const at = (i: number): number => (map ? map[i]! : start + i);
    const joined = map ? joinContinuations(raw) : raw;
    const gt = joined.lastIndexOf('>');
    if (gt === -1) {
      this.report('error', 'syntax/open-missing-gt', `<${name}> is missing its closing '>'`, openSpan(), `end the line with '>': <${name} ${joined}>`);
    } else if (gt < joined.length - 1) {
      this.report('warning', 'syntax/text-after-gt', `httpd ignores "${joined.slice(gt + 1).trim()}" after the '>' that ends <${name}>`, this.index.span(at(gt + 1), contentEnd), 'move it inside the brackets or onto its own line');
    }
    const argsText = gt === -1 ? joined : joined.slice(0, gt);
    const args = splitWords(argsText).map((w): Arg => {
      const from = at(w.start);
      const to = at(w.end);
      if (w.unterminated) this.unterminated(w.quote!, w.value, this.index.span(from, to));
      return this.make.arg(w.value, this.text.slice(from, to), w.quote, w.unterminated, from, to);
    });
    return { args, argsText: argsText.trimEnd() };
  }

  private closer(closeTok: Tok, argTokens: readonly IToken[], newline: IToken | undefined, base: number): void {
    const toks = argTokens.map((t) => tok(t, base));
    const last = toks.length > 0 ? toks[toks.length - 1]! : closeTok;
    const lastEnd = this.tokenEnd(last);
    const cut = this.cut(closeTok.start, lastEnd, newline);
    const word = closeTok.quoted || closeTok.image.indexOf('\\') !== -1 ? tokenValue(closeTok.image).value : closeTok.image;
    // The closer word's span, for diagnostics (most closers have none).
    const span = (): Span => this.index.span(closeTok.start, closeTok.end);
    const missingGt = !word.endsWith('>');
    const name = this.names.get(missingGt ? word.slice(2) : word.slice(2, -1));
    const close = this.make.close(name, closeTok.start, closeTok.end, cut);
    const inMacro = this.macros > 0;

    if (missingGt) {
      // httpd: "</Location> directive missing closing '>'" — the closer is the first word, whatever follows.
      const bare = name.split(/[>\\]/)[0]!;
      const seen = toks.length > 0 ? `${word} ${toks.map((t) => t.image).join(' ')}` : word;
      this.report(inMacro ? 'warning' : 'error', 'syntax/close-missing-gt', `"${seen}" is not a section closer httpd accepts: a closer is one word ending in '>', like </${bare}>`, span(), `write </${bare}> alone on the line`);
    } else if (toks.length > 0) {
      const from = toks[0]!.start;
      this.report('warning', 'syntax/text-after-close', `httpd ignores "${joinContinuations(this.text.slice(from, lastEnd))}" after </${name}>`, this.index.span(from, lastEnd), 'remove it or move it onto its own line');
    }

    if (this.stack.length === 0) {
      this.report('error', 'syntax/stray-close', `</${name}> has no open <${name}> to close`, span(), `remove it, or add the <${name} …> line it was meant to close`);
      this.top.push({ kind: 'stray-close', name, span: span(), source: this.make.source(cut) } satisfies StrayCloseNode);
      return;
    }
    if (inMacro && !missingGt && sameName(name, MACRO)) {
      // mod_macro: the body ends at the `</Macro>` that balances it, whatever else is still open inside.
      let i = this.stack.length - 1;
      while (!this.stack[i]!.macro) i--;
      while (this.stack.length - 1 > i) this.closeFrame(null, this.stack.length - 1);
      this.closeFrame(close, i, closeTok.end);
      return;
    }
    const inner = this.stack[this.stack.length - 1]!;
    if (inner.macro) {
      // A closer that balances nothing inside a macro body: mod_macro only warns (AH02793).
      this.report('warning', 'syntax/macro-nesting', `</${name}> closes nothing inside <${inner.name}> opened at ${formatLocation(this.openSpan(inner))}; mod_macro only warns, but httpd refuses it where the macro is used`, span(), `remove it, or add the <${name} …> line it was meant to close`);
      inner.children.push({ kind: 'stray-close', name, span: span(), source: this.make.source(cut) } satisfies StrayCloseNode);
      return;
    }
    if (!missingGt && !sameName(name, inner.name)) {
      const openSpan = this.openSpan(inner);
      this.report(
        inMacro ? 'warning' : 'error',
        inMacro ? 'syntax/macro-nesting' : 'syntax/mismatched-close',
        `</${name}> closes <${inner.name}> opened at ${formatLocation(openSpan)}${inMacro ? '; inside <Macro> mod_macro only warns, but httpd refuses it where the macro is used' : ''}`,
        span(),
        `close <${inner.name}> with </${inner.name}> before this line`,
        [{ message: `<${inner.name}> opened here`, span: openSpan }],
      );
    }
    this.closeFrame(close, this.stack.length - 1, closeTok.end);
  }

  private openSpan(f: Frame): Span {
    return this.index.span(f.cut.cs, f.cut.ce);
  }

  /**
   * Pop stack[i] (the innermost frame) into a section node of its parent; `close` null means never closed, else
   * `closeEnd` is where its closer word ends.
   */
  private closeFrame(close: SectionClose | null, i: number, closeEnd = 0): void {
    const f = this.stack[i]!;
    this.stack.pop();
    if (f.macro) this.macros--;
    if (!close) {
      const openSpan = this.openSpan(f);
      if (this.macros > 0) {
        this.report('warning', 'syntax/macro-nesting', `<${f.name}> opened at ${formatLocation(openSpan)} is not closed inside its <Macro>; mod_macro only warns, but httpd refuses it where the macro is used`, openSpan, `add </${f.name}> before </Macro>`);
      } else {
        this.report('error', 'syntax/unclosed-section', `<${f.name}> opened at ${formatLocation(openSpan)} is never closed`, openSpan, `add </${f.name}> after the section's last line`);
      }
    }
    // push() left room for 16 more children; a 20,000-vhost file has 60,000 sections of one to fifteen lines.
    const kids = f.children.length > 0 ? f.children.slice() : f.children;
    const end = close ? closeEnd : kids.length > 0 ? kids[kids.length - 1]!.span.endOffset : f.cut.ce;
    this.here().push(this.make.section(f.name, f.args, f.argsText, kids, f.cut, close, end));
  }
}

/** For raw text with continuations: the file offset of each character of the joined text (plus its end). */
function joinedOffsets(raw: string, base: number): number[] {
  const map: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\' && raw[i + 1] === '\n') {
      i += 1;
      continue;
    }
    if (raw[i] === '\\' && raw[i + 1] === '\r' && raw[i + 2] === '\n') {
      i += 2;
      continue;
    }
    map.push(base + i);
  }
  map.push(base + raw.length);
  return map;
}
