/**
 * CST → AST: the typed, lossless tree of one file, and the diagnostics httpd's reader would give for it.
 *
 * Section structure follows ap_build_config_sub (server/config.c): a closer always ends the innermost open
 * section; its name must match the opener's case-insensitively ("Expected </Location> but saw
 * </VirtualHost>"); a closer must be the single word `</Name>` ("</VirtualHost> directive missing closing
 * '>'"); a closer with nothing open is refused ("without matching <VirtualHost> section"); a section still open
 * at the end of the file is refused ("<VirtualHost> was not closed"). Openers keep what precedes the last `>`
 * of the line, as every section handler in httpd does (strrchr).
 */
import type { CstNode, IToken } from 'chevrotain';
import { type Diagnostic, formatLocation } from '../diagnostic.js';
import type { Arg, BlankNode, CommentNode, ConfigFile, DirectiveNode, LineSource, Node, SectionClose, SectionNode, Span, StrayCloseNode } from './ast.js';
import { LineIndex } from './positions.js';
import { sameName } from './names.js';
import { isBlank, joinContinuations, splitWords, tokenValue } from './words.js';

type Children = Record<string, (CstNode | IToken)[] | undefined>;

const child = (n: CstNode, key: string): CstNode | undefined => n.children[key]?.[0] as CstNode | undefined;
const token = (n: CstNode, key: string): IToken | undefined => n.children[key]?.[0] as IToken | undefined;
const nodes = (n: CstNode, key: string): CstNode[] => (n.children[key] ?? []) as CstNode[];

/** The single token an `arg` or `directive` name alternative holds. */
function onlyToken(children: Children, keys: readonly string[]): IToken {
  for (const k of keys) {
    const t = children[k]?.[0];
    if (t !== undefined) return t as IToken;
  }
  throw new Error('internal: empty alternative');
}
const WORD_KEYS = ['Word', 'DoubleQuoted', 'SingleQuoted', 'OpenTag', 'CloseTag'] as const;
const OPEN_KEYS = ['OpenTag', 'QuotedOpenTag'] as const;
const CLOSE_KEYS = ['CloseTag', 'QuotedCloseTag'] as const;

const tokEnd = (t: IToken): number => t.startOffset + t.image.length;

/** Where a quoted word that runs to the line end really stops: before the blanks httpd trims. */
function trimmedEnd(text: string, start: number, end: number): number {
  while (end > start && isBlank(text.charCodeAt(end - 1)) && text.charCodeAt(end - 1) !== 0x0a) end--;
  return end;
}

export interface BuildResult {
  readonly ast: ConfigFile;
  readonly diagnostics: Diagnostic[];
}

export function buildAst(file: string, text: string, cst: CstNode): BuildResult {
  return new Builder(file, text, cst).build();
}

class Builder {
  private readonly index: LineIndex;
  private readonly diagnostics: Diagnostic[] = [];
  /** Offset where the next line begins; every byte from here to the line's end belongs to that line's node. */
  private pos = 0;
  private readonly bom: boolean;

  constructor(
    private readonly file: string,
    private readonly text: string,
    private readonly cst: CstNode,
  ) {
    this.bom = token(cst, 'Bom') !== undefined;
    this.pos = this.bom ? 1 : 0;
    this.index = new LineIndex(file, text, this.bom ? 1 : 0);
  }

  build(): BuildResult {
    if (this.bom) {
      this.report('error', 'syntax/bom', 'the file starts with a UTF-8 byte order mark; httpd 2.4 reads it as part of the first line and refuses the file ("Invalid command \'\\xef\\xbb\\xbf…\'")', this.index.span(0, 1), 'save the file as UTF-8 without a BOM');
    }
    const children: Node[] = [];
    for (const top of nodes(this.cst, 'topLine')) {
      const stray = child(top, 'strayClose');
      if (stray) children.push(this.strayClose(child(stray, 'closeLine')!));
      else children.push(this.element(child(top, 'element')!));
    }
    if (this.pos < this.text.length) {
      // Blanks after the last line terminator, with no line end of their own.
      children.push(this.blank(undefined));
    }
    return { ast: { kind: 'file', file: this.file, bom: this.bom, children }, diagnostics: this.diagnostics };
  }

  private report(severity: Diagnostic['severity'], code: string, message: string, span: Span, hint?: string, related?: Diagnostic['related']): void {
    this.diagnostics.push({ severity, code, message, span, ...(hint !== undefined ? { hint } : {}), ...(related ? { related } : {}) });
  }

  private element(el: CstNode): Node {
    const blankLine = child(el, 'blankLine');
    if (blankLine) return this.blank(token(blankLine, 'Newline'));
    const comment = child(el, 'commentLine');
    if (comment) return this.comment(comment);
    const section = child(el, 'section');
    if (section) return this.section(section);
    return this.directive(child(el, 'directive')!);
  }

  /** Cut the text of one line into indent, words, trailing blanks and terminator; advances `pos`. */
  private line(first: IToken | undefined, last: IToken | undefined, newline: IToken | undefined): { source: LineSource; contentStart: number; contentEnd: number } {
    const start = this.pos;
    const end = newline ? tokEnd(newline) : this.text.length;
    let eolStart = newline ? newline.startOffset : end;
    const contentStart = first ? first.startOffset : eolStart;
    const contentEnd = last ? trimmedEnd(this.text, contentStart, tokEnd(last)) : contentStart;
    if (newline && newline.image === '\n' && eolStart - 1 >= contentEnd && this.text.charCodeAt(eolStart - 1) === 0x0d) eolStart--;
    this.pos = end;
    return {
      source: {
        indent: this.text.slice(start, contentStart),
        text: this.text.slice(contentStart, contentEnd),
        trailing: this.text.slice(contentEnd, eolStart),
        eol: this.text.slice(eolStart, end),
      },
      contentStart,
      contentEnd,
    };
  }

  private blank(newline: IToken | undefined): BlankNode {
    const start = this.pos;
    const { source } = this.line(undefined, undefined, newline);
    return { kind: 'blank', span: this.index.span(start, start + source.indent.length), source };
  }

  private comment(c: CstNode): CommentNode {
    const tok = token(c, 'Comment')!;
    const { source, contentStart, contentEnd } = this.line(tok, tok, token(c, 'Newline'));
    return { kind: 'comment', text: source.text, span: this.index.span(contentStart, contentEnd), source };
  }

  private arg(t: IToken): Arg {
    const end = trimmedEnd(this.text, t.startOffset, tokEnd(t));
    const raw = this.text.slice(t.startOffset, end);
    const { value, quote, unterminated } = tokenValue(raw);
    const span = this.index.span(t.startOffset, end);
    if (unterminated) {
      this.report('warning', 'syntax/unterminated-quote', `unterminated quoted string: httpd takes the rest of the line, ${quote}${value}, as one argument`, span, `add the closing ${quote}`);
    }
    return { value, raw, quote, unterminated, span };
  }

  private argTokens(n: CstNode): IToken[] {
    return nodes(n, 'arg').map((a) => onlyToken(a.children as Children, WORD_KEYS));
  }

  private directive(d: CstNode): DirectiveNode {
    const nameTok = onlyToken(d.children as Children, WORD_KEYS);
    const argToks = this.argTokens(d);
    const last = argToks[argToks.length - 1] ?? nameTok;
    const { source, contentStart, contentEnd } = this.line(nameTok, last, token(d, 'Newline'));
    const name = tokenValue(nameTok.image).value;
    const args = argToks.map((t) => this.arg(t));
    const argsText = args.length === 0 ? '' : joinContinuations(this.text.slice(args[0]!.span.offset, contentEnd));
    return { kind: 'directive', name, args, argsText, span: this.index.span(contentStart, contentEnd), source };
  }

  private section(s: CstNode): SectionNode {
    const openTok = onlyToken(s.children as Children, OPEN_KEYS);
    const argToks = this.argTokens(s);
    const last = argToks[argToks.length - 1] ?? openTok;
    const { source: open, contentStart, contentEnd } = this.line(openTok, last, token(s, 'Newline'));
    const openSpan = this.index.span(contentStart, contentEnd);

    const word = tokenValue(openTok.image).value.slice(1);
    const nameHasGt = word.endsWith('>');
    const name = nameHasGt ? word.slice(0, -1) : word;
    const { args, argsText } = this.sectionArgs(name, nameHasGt, argToks, contentEnd, openSpan);

    const children = nodes(s, 'element').map((e) => this.element(e));
    const closeLine = child(s, 'closeLine');
    let close: SectionClose | null = null;
    let end = children.length > 0 ? children[children.length - 1]!.span.endOffset : contentEnd;
    if (closeLine) {
      const closed = this.closer(closeLine);
      close = closed.close;
      end = close.span.endOffset;
      if (!sameName(close.name, name) && closed.wellFormed) {
        this.report('error', 'syntax/mismatched-close', `</${close.name}> closes <${name}> opened at ${formatLocation(openSpan, close.span.file)}`, close.span, `close <${name}> with </${name}> before this line`, [{ message: `<${name}> opened here`, span: openSpan }]);
      }
    } else {
      this.report('error', 'syntax/unclosed-section', `<${name}> opened at ${formatLocation(openSpan)} is never closed`, openSpan, `add </${name}> after the section's last line`);
    }
    return { kind: 'section', name, args, argsText, children, span: this.index.span(contentStart, end), openSpan, open, close };
  }

  /** Section arguments: the words before the last `>` of the line (httpd's section handlers use strrchr). */
  private sectionArgs(name: string, nameHasGt: boolean, argToks: IToken[], contentEnd: number, openSpan: Span): { args: Arg[]; argsText: string } {
    if (argToks.length === 0) {
      if (!nameHasGt) this.report('error', 'syntax/open-missing-gt', `<${name} is missing its closing '>'`, openSpan, `end the line with '>': <${name} …>`);
      return { args: [], argsText: '' };
    }
    const start = argToks[0]!.startOffset;
    const raw = this.text.slice(start, contentEnd);
    // Map joined-text offsets back to the file when continuations were removed.
    const map = raw.includes('\\') ? joinedOffsets(raw, start) : null;
    const at = (i: number): number => (map ? map[i]! : start + i);
    const joined = map ? joinContinuations(raw) : raw;
    const gt = joined.lastIndexOf('>');
    if (gt === -1) {
      this.report('error', 'syntax/open-missing-gt', `<${name}> is missing its closing '>'`, openSpan, `end the line with '>': <${name} ${joined}>`);
    } else if (gt < joined.length - 1) {
      this.report('warning', 'syntax/text-after-gt', `httpd ignores "${joined.slice(gt + 1).trim()}" after the '>' that ends <${name}>`, this.index.span(at(gt + 1), contentEnd), 'move it inside the brackets or onto its own line');
    }
    const argsText = gt === -1 ? joined : joined.slice(0, gt);
    const args = splitWords(argsText).map((w): Arg => {
      const span = this.index.span(at(w.start), at(w.end));
      if (w.unterminated) {
        this.report('warning', 'syntax/unterminated-quote', `unterminated quoted string: httpd takes the rest of the line, ${w.quote}${w.value}, as one argument`, span, `add the closing ${w.quote}`);
      }
      return { value: w.value, raw: this.text.slice(span.offset, span.endOffset), quote: w.quote, unterminated: w.unterminated, span };
    });
    return { args, argsText: argsText.trimEnd() };
  }

  /** A closer line; `wellFormed` is false when it was already reported for its shape. */
  private closer(c: CstNode): { close: SectionClose; wellFormed: boolean } {
    const tok = onlyToken(c.children as Children, CLOSE_KEYS);
    const argToks = this.argTokens(c);
    const last = argToks[argToks.length - 1] ?? tok;
    const { source } = this.line(tok, last, token(c, 'Newline'));
    const word = tokenValue(tok.image).value;
    const span = this.index.span(tok.startOffset, tokEnd(tok));
    const missingGt = !word.endsWith('>');
    const name = missingGt ? word.slice(2) : word.slice(2, -1);
    if (missingGt) {
      const seen = argToks.length > 0 ? `${word} ${argToks.map((t) => t.image).join(' ')}` : word;
      this.report('error', 'syntax/close-missing-gt', `"${seen}" is not a section closer httpd accepts: </${name}> must be one word ending in '>'`, span, `write </${name}>`);
    } else if (argToks.length > 0) {
      const from = argToks[0]!.startOffset;
      this.report('warning', 'syntax/text-after-close', `httpd ignores "${joinContinuations(this.text.slice(from, tokEnd(last)))}" after </${name}>`, this.index.span(from, tokEnd(last)), 'remove it or move it onto its own line');
    }
    return { close: { name, span, source }, wellFormed: !missingGt };
  }

  private strayClose(c: CstNode): StrayCloseNode {
    const { close } = this.closer(c);
    this.report('error', 'syntax/stray-close', `</${close.name}> has no open <${close.name}> to close`, close.span, `remove it, or add the <${close.name} …> line it was meant to close`);
    return { kind: 'stray-close', name: close.name, span: close.span, source: close.source };
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
