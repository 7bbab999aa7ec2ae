/**
 * parse() keeps a directive's words in a table (src/syntax/lazy.ts) and builds Arg objects only when `args` is
 * read. wordValues(), wordCount() and argsHoldDollar() answer from the table; they must say what `args` and
 * `argsText` say, for every shape of word (quoted, unterminated, escaped, continued) and for plain nodes too.
 */
import { describe, expect, it } from 'vitest';
import type { DirectiveNode, SectionNode } from '../../src/syntax/ast.js';
import { argsHoldDollar, wordCount, wordValues } from '../../src/syntax/lazy.js';
import { parse } from '../../src/syntax/parse.js';
import { traverse } from '../../src/syntax/traverse.js';
import { mulberry32 } from '../fuzz/prng.js';

function nodes(text: string): (DirectiveNode | SectionNode)[] {
  const out: (DirectiveNode | SectionNode)[] = [];
  traverse(parse(text).ast.children, { enter: (n) => void (n.kind === 'directive' || n.kind === 'section' ? out.push(n) : undefined) });
  return out;
}

function agree(text: string): void {
  for (const n of nodes(text)) {
    const where = `${JSON.stringify(text)} line ${n.span.line}`;
    expect(wordValues(n), where).toEqual(n.args.map((a) => a.value));
    expect(wordCount(n), where).toBe(n.args.length);
    expect(argsHoldDollar(n), where).toBe(n.argsText.includes('$'));
  }
}

describe('the word table answers what args and argsText say', () => {
  it.each([
    'ProxyPass / "http://b/" retry=0\n',
    'Header set X "a \\"q\\" \\\\ b" \'c d\'\n',
    'RewriteRule ^/(.*) http://b/$1 [P]\nDefine X ${Y}\n',
    'ServerAlias "unterminated  \n',
    'A b\\\n  c \\\n  "d\\\ne"\n',
    'Name\nName ""\n<Location /x>\n  Require all granted\n</Location>\n',
    'X a\\b c\\\\d\r\n',
  ])('%j', (text) => agree(text));

  it('a directive built by hand (not by parse) is read through its args', () => {
    const plain: DirectiveNode = { kind: 'directive', name: 'X', args: [], argsText: '$a', span: nodes('X\n')[0]!.span, source: { indent: '', text: 'X', trailing: '', eol: '' } };
    expect([wordValues(plain), wordCount(plain), argsHoldDollar(plain)]).toEqual([[], 0, true]);
  });

  it('on 1,000 random lines of words, quotes, escapes and continuations', () => {
    const rng = mulberry32(424242);
    const parts = ['a', 'B', ' ', '\t', '"', "'", '\\', '\\\n', '\n', '$', '${V}', '#', '<', '>', '\r\n', 'x=1'];
    for (let n = 0; n < 1000; n++) {
      let text = 'D ';
      for (let i = rng.int(0, 12); i > 0; i--) text += rng.pick(parts);
      agree(text);
    }
  });
});
