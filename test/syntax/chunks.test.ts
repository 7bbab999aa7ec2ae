/**
 * parse() lexes a big file in chunks of whole logical lines (grammar/lines.ts lexChunks, cut where
 * grammar/parser.ts chunkEnd says). A chunk must never end inside a logical line — after a `\`-newline, inside a continued comment or quoted
 * string — nor start with a U+FEFF the lexer would take for the file's BOM. These inputs put such places at
 * every offset by using tiny chunks, and the result must equal a one-chunk parse exactly.
 */
import { describe, expect, it } from 'vitest';
import { lexChunks } from '../../grammar/lines.js';
import { chunkEnd } from '../../grammar/parser.js';
import { AstBuilder } from '../../src/syntax/build.js';
import { toAstJson } from '../../src/syntax/json.js';

function build(text: string, chunkChars: number) {
  const b = new AstBuilder('c.conf', text);
  for (const chunk of lexChunks(text, chunkChars)) b.add(chunk);
  const { ast, diagnostics } = b.finish();
  return { json: JSON.stringify(toAstJson(ast)), diagnostics: JSON.stringify(diagnostics) };
}

const texts = [
  '<VirtualHost *:80>\n  ServerName a \\\n    b\n  # note \\\n  swallowed\n</VirtualHost>\n',
  'Header set X "a \\\nb" \\\r\n  c\r\n<Location /a>\r\n</Location>\r\n',
  'Listen 80\n\uFEFFServerName a\n\uFEFF\n# x\n',
  '\uFEFF<IfModule a>\n\\\n\\\n\\\nX\n</IfModule>',
  'A\0junk \\\nB\nC "d\n<E>\n</E> x\n</F>\n',
  '<Macro M $a>\n<Location $a>\n</Macro>\nUse M /x\n',
];

describe('chunked parsing equals one-chunk parsing', () => {
  it.each(texts.map((text) => ({ text })))('$text', ({ text }) => {
    const whole = build(text, text.length + 1);
    for (let size = 1; size <= text.length; size++) expect(build(text, size), `chunks of ${size}`).toEqual(whole);
  });

  it('chunks end only after a line end that is not a continuation, and not before U+FEFF', () => {
    const text = 'a \\\nb\nc\\\r\nd\r\n\uFEFFe\nf';
    const ends: number[] = [];
    for (let from = 0; from < text.length; ) ends.push((from = chunkEnd(text, from, 1)));
    expect(ends.map((e) => JSON.stringify(text.slice(0, e).slice(-2)))).toEqual(['"b\\n"', '"e\\n"', '"\\nf"']);
  });
});
