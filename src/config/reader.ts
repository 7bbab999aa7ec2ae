/**
 * The reader's rules for section lines that only evaluating a condition or a variable decides (server/config.c):
 *
 * - a TRUE conditional is read by ap_build_cont_config, which ends it only at a line that is exactly
 *   `</IfModule>` (conditionalCloser());
 * - ap_build_config_sub substitutes `${VAR}` before it recognises a line, so a variable can make a line a closer
 *   (closerLine()), after which the written closers below close one section further out (shiftedCloser()).
 *
 * The verdicts the syntax stage gave on the same lines are revised through each file's ./revise.ts Revisions.
 */
import type { Span } from '../diagnostic.js';
import type { DirectiveNode, SectionClose, SectionNode } from '../syntax/ast.js';
import { nameKey, sameName } from '../syntax/names.js';
import { isBlank, joinContinuations, splitWords } from '../syntax/words.js';
import { shiftOut, type Frame, type NodesFrame, type ParsedFile } from './frames.js';

export type ReportError = (code: string, span: Span, message: string, hint?: string) => void;

export class ReaderRules {
  /** Sections a `${VAR}` line closed in this reading, until their frame ends. */
  private readonly closedByVariable = new Set<SectionNode>();

  constructor(
    private readonly stack: readonly Frame[],
    private readonly report: ReportError,
  ) {}

  /** The frame of `own`'s lines has been read: httpd's verdict on `own` left open, or on its shifted closer. */
  endOfSection(frame: NodesFrame, own: SectionNode): void {
    // Per reading: the same file read again may leave the section open this time.
    const closedByVariable = this.closedByVariable.delete(own);
    if (frame.shifted && own.close !== null) this.shiftedCloser(frame, own);
    else if (own.close === null && !closedByVariable) {
      frame.file.parsed.revisions?.decide('syntax/unclosed-section', own.openSpan.offset, frame.ownMayStayOpen);
    }
  }

  /**
   * A line that reads `</Name…` only after `${VAR}` substitution: ap_build_config_sub substitutes before it
   * looks at the first word, so it is a closer. When it closes the section httpd is in, the remaining lines of
   * the syntax section are read in the enclosing one, as httpd does, and the syntax section's own closer line
   * (if any) becomes the closer of that enclosing section (shiftedCloser()). Returns false when the line stays
   * a directive (in a false branch or a macro body, where httpd does not substitute).
   */
  closerLine(node: DirectiveNode, word: string, frame: NodesFrame): boolean {
    // A false branch is skipped by ap_soak_end_container, which on 2.4 looks at the line as written (checked
    // on 2.4.71: `${CLOSE}` does not end a false <IfModule>), so there the line is just skipped.
    if (!frame.active || frame.inMacro) return false;
    const s = frame.section;
    const closes = word.endsWith('>') && s !== null && sameName(word.slice(2, -1), s.name);
    // A true conditional ends only at a line that is literally its closer (ap_build_cont_config compares the
    // line before substitution); there the line is an ordinary closer with nothing open.
    if (closes && !frame.trueConditional && frame.parent !== null) {
      if (s.close === null) {
        this.closedByVariable.add(s);
        frame.file.parsed.revisions?.decide('syntax/unclosed-section', s.openSpan.offset, true);
      }
      shiftOut(frame, frame.parent);
      return true;
    }
    let what: string;
    if (s === null || frame.trueConditional) what = `finds nothing open for it to close and refuses the file ("${word} without matching <${word.slice(2)} section")`;
    else if (!word.endsWith('>')) what = `refuses the file ("${word}> directive missing closing '>'")`;
    else what = `refuses the file ("Expected </${s.name}> but saw ${word}")`;
    this.report('config/variable-section', node.span, `after \${…} substitution this line reads "${word}", a closer: httpd ${what}`, 'write section closers literally, not through a variable');
    return true;
  }

  /**
   * The closer line of a section a `${VAR}` line closed early: httpd reads it as the closer of the section it is
   * in by then (`frame.section`), and the lines after it in the enclosing syntax sections move out too.
   */
  shiftedCloser(frame: NodesFrame, own: SectionNode): void {
    const close = own.close!;
    const at = frame.section;
    const revisions = frame.file.parsed.revisions;
    const hint = 'write section closers literally, not through a variable';
    // A closer the syntax stage refuses for its own shape (no `>`) or name stays refused; a well-formed one
    // that now closes the wrong section is httpd's "Expected </X> but saw </Y>".
    if (revisions?.has('syntax/close-missing-gt', close.span.offset) === true) return;
    if (at === null) {
      this.report('config/variable-section', close.span, `</${close.name}> has nothing to close: the \${…} line above closed <${own.name}> already, so httpd refuses the file ("</${close.name}> without matching <${close.name}> section")`, hint);
      return;
    }
    if (!sameName(close.name, at.name)) {
      if (sameName(close.name, own.name)) this.report('config/variable-section', close.span, `the \${…} line above closed <${own.name}> already, so this closer meets <${at.name}>: httpd refuses the file ("Expected </${at.name}> but saw </${close.name}>")`, hint);
      return;
    }
    revisions?.decide('syntax/mismatched-close', close.span.offset, true);
    // A true conditional still ends only at a literal `</IfModule>` line.
    if (frame.trueConditional && !frame.inMacro) this.conditionalCloser(close, at.name, at.name, frame.file.parsed);
    // The lines left in every section between this one and `at` (their sections closed by `${VAR}` lines, or
    // by this closer) are read after `at` is closed: in the section enclosing `at`, which frame.parent holds.
    let i = this.stack.length - 1;
    while (i >= 0 && !(this.stack[i]!.kind === 'nodes' && (this.stack[i] as NodesFrame).own === at)) i--;
    const context = frame.parent;
    if (i < 0 || context === null) {
      this.report('config/variable-section', close.span, `after the \${…} closer above, apx cannot tell which section httpd reads the following lines in`, hint);
      return;
    }
    for (let j = i; j < this.stack.length; j++) {
      const f = this.stack[j]!;
      if (f.kind === 'nodes') shiftOut(f, context);
    }
    if (at.close === null) {
      this.closedByVariable.add(at);
      revisions?.decide('syntax/unclosed-section', at.openSpan.offset, true);
    }
  }

  /**
   * ap_build_cont_config ends a true conditional only at a line that is exactly `</IfModule>` (compared without
   * case on the joined, trimmed line, before substitution, quotes not removed). Any other closer line reaches
   * the normal reader with nothing open: "</IfModule> without matching <IfModule> section".
   */
  conditionalCloser(close: SectionClose, written: string, kind: string, file: ParsedFile): void {
    const line = joinContinuations(close.source.text);
    if (nameKey(line) === nameKey(`</${kind}>`)) return;
    const first = splitWords(line)[0]?.value ?? '';
    // `</IfModule` without `>` and `</IfDefine>` closing an <IfModule> are refused by the syntax stage already.
    if (!first.startsWith('</') || !first.endsWith('>') || !sameName(first.slice(2, -1), kind)) return;
    const span = close.span;
    this.report(
      'config/conditional-close',
      span,
      `"${line}" does not end this true <${written}>: httpd ends it only at a line that is exactly </${kind}>, so it reads this line as a closer with nothing open and refuses the file ("</${kind}> without matching <${kind}> section")`,
      `write </${kind}> alone on its line${/^["']/.test(line) ? ', without quotes' : ''}${/\s/.test(line.trim()) ? ' (move what follows it to a line of its own)' : ''}`,
    );
    // The syntax stage's "httpd ignores … after </IfModule>" is not what happens here.
    const at = nextWordAt(file.text, span.endOffset);
    file.revisions?.decide('syntax/text-after-close', at, true);
  }
}

/** The offset of the first character after `from` that is neither a blank nor a `\`-newline continuation. */
export function nextWordAt(text: string, from: number): number {
  let i = from;
  for (;;) {
    const c = text.charCodeAt(i);
    if (c === 0x5c && text.charCodeAt(i + 1) === 0x0a) i += 2;
    else if (c === 0x5c && text.charCodeAt(i + 1) === 0x0d && text.charCodeAt(i + 2) === 0x0a) i += 3;
    else if (c !== 0x0a && isBlank(c)) i++;
    else return i;
  }
}
