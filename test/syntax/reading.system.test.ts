/**
 * The two readings of test/syntax/lines.test.ts and lexer.test.ts on every file of the shared corpus: the lines
 * grammar/lines.ts reads equal the CstParser's, and the first-character lexer's tokens equal chevrotain's safe
 * mode's.
 */
import { existsSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { ApacheLexer } from '../../grammar/tokens.js';
import { CORPUS, walkFiles } from '../support/corpus.js';
import { SafeLexer, tokensOf, viaCst, viaLines } from './reading.js';

const files = existsSync(CORPUS) ? [...walkFiles(CORPUS)].filter((f) => !/\.(md|tsv)$/.test(f)) : [];

describe.skipIf(files.length === 0)('reading every corpus file', () => {
  it('grammar/lines.ts reads the lines the CstParser reads', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(viaLines(text), file).toEqual(viaCst(text));
    }
    expect(files.length).toBeGreaterThan(20);
  });

  it('the first-character lexer cuts the tokens chevrotain\'s safe mode cuts', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expect(tokensOf(ApacheLexer, text), file).toEqual(tokensOf(SafeLexer, text));
    }
  });
});
