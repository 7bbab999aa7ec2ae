/**
 * AST → text. Unmodified nodes print their source exactly, so `print(parse(t).ast) === t`. A node whose
 * words no longer match its source (edited through the JSON form, or built by a generator) is regenerated
 * from its name and arguments, keeping the original indentation and line ending. Iterative: any depth prints.
 */
import type { Arg, ConfigFile, LineSource } from './ast.js';
import { traverse } from './traverse.js';
import { quoteWord } from './words.js';

export function print(file: ConfigFile): string {
  const out: string[] = file.bom ? ['\uFEFF'] : [];
  traverse(file.children, {
    enter: (n) => out.push(line(n.kind === 'section' ? n.open : n.source)),
    leave: (s) => {
      if (s.close) out.push(line(s.close.source));
    },
  });
  return out.join('');
}

function line(s: LineSource): string {
  return s.indent + s.text + s.trailing + s.eol;
}

/** The words of a line as text, quoting each argument so httpd reads back exactly its value. */
export function formatArgs(args: readonly Pick<Arg, 'value'>[]): string {
  return args.map((a) => quoteWord(a.value)).join(' ');
}
