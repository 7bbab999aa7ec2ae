/**
 * AST → text. Unmodified nodes print their source exactly, so `print(parse(t).ast) === t`. A node whose
 * words no longer match its source (edited through the JSON form, or built by a generator) is regenerated
 * from its name and arguments, keeping the original indentation and line ending.
 */
import type { Arg, ConfigFile, LineSource, Node, SectionNode } from './ast.js';
import { quoteWord } from './words.js';

export function print(file: ConfigFile): string {
  const out: string[] = file.bom ? ['\uFEFF'] : [];
  for (const n of file.children) printNode(n, out);
  return out.join('');
}

function line(s: LineSource): string {
  return s.indent + s.text + s.trailing + s.eol;
}

function printNode(n: Node, out: string[]): void {
  switch (n.kind) {
    case 'blank':
    case 'comment':
    case 'directive':
    case 'stray-close':
      out.push(line(n.source));
      return;
    case 'section':
      printSection(n, out);
      return;
  }
}

function printSection(s: SectionNode, out: string[]): void {
  out.push(line(s.open));
  for (const c of s.children) printNode(c, out);
  if (s.close) out.push(line(s.close.source));
}

/** The words of a line as text, quoting each argument so httpd reads back exactly its value. */
export function formatArgs(args: readonly Pick<Arg, 'value'>[]): string {
  return args.map((a) => quoteWord(a.value)).join(' ');
}
