/**
 * chevrotain, loaded from the single-file ESM build the package ships (lib/chevrotain.mjs) instead of its package
 * entry, which pulls in many small module files and cost ≈300 ms on every `apx` start. The package exports only
 * `.`, so the file is found next to the resolved entry. Every runtime use of chevrotain in the grammar goes
 * through this module, so classes from two copies are never mixed; types still come from the package.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';

type Chevrotain = typeof import('chevrotain');

async function loadChevrotain(): Promise<Chevrotain> {
  const entry = createRequire(import.meta.url).resolve('chevrotain'); // …/chevrotain/lib/src/api.js
  try {
    return (await import(pathToFileURL(join(dirname(entry), '..', 'chevrotain.mjs')).href)) as Chevrotain;
  } catch {
    // A future chevrotain without the bundle: the package entry is slower but equivalent.
    return await import('chevrotain');
  }
}

const chevrotain = await loadChevrotain();
export const { createToken, Lexer, CstParser } = chevrotain;
export type { CstNode, IToken, TokenType } from 'chevrotain';
