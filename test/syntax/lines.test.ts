/**
 * parse() reads the lines of the grammar straight off the token vector (grammar/lines.ts) instead of running the
 * CstParser (grammar/parser.ts), which stays the grammar's definition. The two must read every input into the
 * same lines: the same shape, the same first token, words and line end. Checked on tricky hand-written inputs and
 * random soups of the characters the reader treats specially (every corpus file: reading.system.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { mulberry32 } from '../fuzz/prng.js';
import { viaCst, viaLines } from './reading.js';

const texts = [
  '',
  '\n',
  'Listen 80',
  '\uFEFFListen 80\n',
  '\uFEFF\n# c\n',
  '  # comment \\\n  swallowed\nServerName a\n',
  '<VirtualHost *:80>\n  ServerName "a b" \'c\' d"e"\n</VirtualHost> trailing\n',
  '"</VirtualHost>"\n\'<Location /x>\'\n</Location\n<\n</\n',
  'Header set X "a \\\nb" \\\r\n  c\r\n',
  'A\0junk \\\nB\nC "d\n<E>\n</E> x\n</F>\n',
  'a # not a comment\n  \\\n# after a joint\n\r\n\t\v\f\n',
  '<Macro M $a>\n<Location $a>\n</Macro>\nUse M /x\n',
  'x <a> </b> "<c>" \'</d>\'\n#\n#x',
];

describe('grammar/lines.ts reads the lines the CstParser reads', () => {
  it.each(texts.map((text) => ({ text })))('$text', ({ text }) => {
    expect(viaLines(text)).toEqual(viaCst(text));
  });

  it('the shapes are told apart (the check can fail)', () => {
    expect(viaLines('ServerName a\n')).not.toEqual(viaLines('<ServerName a\n'));
    expect(viaLines('a\n')[0]).toMatch(/^directive 0:"a" \[\] 1:"\\n"$/);
  });

  it('on 2,000 random soups of the characters the reader treats specially', () => {
    const rng = mulberry32(20261125);
    const alphabet = [' ', '\t', '\n', '\r\n', '\r', '\\', '\\\n', '"', "'", '#', '<', '</', '>', '\0', '\uFEFF', 'a', 'Name', '/x', '$', '{'];
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const len = rng.int(0, 40);
      for (let i = 0; i < len; i++) text += rng.pick(alphabet);
      expect(viaLines(text), JSON.stringify(text)).toEqual(viaCst(text));
    }
  });
});
