/**
 * The lexer (grammar/tokens.ts) dispatches on the first character of each position: chevrotain tries only the
 * patterns that can start with it, which relies on every pattern's first characters being known (Word's are
 * given as start_chars_hint). chevrotain's safe mode tries every pattern everywhere; both must cut every input
 * into the same tokens. Checked on tricky inputs and random soups of special characters (every corpus file:
 * reading.system.test.ts).
 */
import { describe, expect, it } from 'vitest';
import { ApacheLexer } from '../../grammar/tokens.js';
import { mulberry32 } from '../fuzz/prng.js';
import { SafeLexer, tokensOf as tokens } from './reading.js';

const texts = [
  'ServerName a\n',
  '\uFEFFListen 80\n\uFEFFx\n',
  '  # c \\\n  d\n"</VirtualHost>"\n\'<a>\' b\n',
  'é Ünïcödé «x» \u2028 \u00a0 \uFFFF\n',
  'a\0b c\n\\\n\\\r\n\r\r\n\v\f\t\n',
  '<x "unterminated\n</y>>\n#\n',
];

describe('the first-character lexer cuts the tokens chevrotain\'s safe mode cuts', () => {
  it.each(texts.map((text) => ({ text })))('$text', ({ text }) => {
    expect(tokens(ApacheLexer, text)).toEqual(tokens(SafeLexer, text));
  });

  it('the comparison sees token types (it can fail)', () => {
    expect(tokens(ApacheLexer, '# c\n')).not.toEqual(tokens(ApacheLexer, 'c #\n'));
  });

  it('on 2,000 random soups of special characters', () => {
    const rng = mulberry32(11251510);
    const alphabet = [' ', '\t', '\v', '\f', '\n', '\r\n', '\r', '\\', '\\\n', '"', "'", '#', '<', '</', '>', '\0', '\uFEFF', 'a', 'é', '\u2028', '\uD83D\uDE00', '$'];
    for (let n = 0; n < 2000; n++) {
      let text = '';
      const len = rng.int(0, 40);
      for (let i = 0; i < len; i++) text += rng.pick(alphabet);
      expect(tokens(ApacheLexer, text), JSON.stringify(text)).toEqual(tokens(SafeLexer, text));
    }
  });
});
