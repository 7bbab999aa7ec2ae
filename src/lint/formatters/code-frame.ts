/** A few lines of source around a problem with a caret under its column, as compilers print them. */
import type { Span } from '../../diagnostic.js';
import type { Paint } from './color.js';

/** Lines of a text, terminators removed (CRLF or LF), cached per text. */
const cache = new WeakMap<object, string[]>();
export function splitLines(text: string, key?: object): string[] {
  if (key) {
    const hit = cache.get(key);
    if (hit) return hit;
  }
  const lines = text.replace(/^\uFEFF/, '').split(/\r?\n/);
  if (key) cache.set(key, lines);
  return lines;
}

/** Tabs shown as they line up (to the next multiple of 4), so the caret stays under the column. */
function expandTabs(s: string): string {
  let out = '';
  for (const ch of s) out += ch === '\t' ? ' '.repeat(4 - (out.length % 4)) : ch;
  return out;
}

/** Lines longer than this are shown as a window around the problem's column (a minified or joined line can be 64 KB). */
const MAX_WIDTH = 160;
const LEAD = 60;

export function codeFrame(lines: readonly string[], span: Span, p: Paint, context = 1): string {
  const first = Math.max(1, span.line - context);
  const last = Math.min(lines.length, span.line + context);
  if (span.line < 1 || span.line > lines.length) return '';
  const width = String(last).length;
  // One window for every line of the frame, so the caret stays under the column.
  const focus = Math.max(0, span.column - 1);
  const from = focus > LEAD && lines.slice(first - 1, last).some((l) => l.length > MAX_WIDTH) ? focus - LEAD : 0;
  const cut = (text: string): string => {
    if (from === 0 && text.length <= MAX_WIDTH) return text;
    const part = text.slice(from, from + MAX_WIDTH);
    return `${from > 0 ? '…' : ''}${part}${from + MAX_WIDTH < text.length ? '…' : ''}`;
  };
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const text = lines[n - 1] ?? '';
    const gutter = `${n === span.line ? '>' : ' '} ${String(n).padStart(width)} |`;
    const shown = cut(text);
    out.push(`${n === span.line ? p.bold(gutter) : p.dim(gutter)}${shown === '' ? '' : ` ${expandTabs(shown)}`}`);
    if (n === span.line) {
      const lead = from > 0 ? '…' : '';
      const before = lead + expandTabs(text.slice(from, Math.max(from, span.column - 1)));
      const end = span.endLine === span.line ? span.endColumn : text.length + 1;
      const upTo = Math.min(Math.max(span.column, end - 1), from + MAX_WIDTH);
      const marked = lead.length + expandTabs(text.slice(from, upTo)).length - before.length;
      out.push(`${p.dim(`  ${' '.repeat(width)} |`)} ${' '.repeat(before.length)}${p.red('^' + '~'.repeat(Math.max(0, marked - 1)))}`);
    }
  }
  return out.join('\n');
}
