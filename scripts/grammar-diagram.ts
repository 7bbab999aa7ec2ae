/**
 * Writes docs/grammar.html, the railroad diagram of the config grammar, with chevrotain's own generator.
 * Regenerate after changing grammar/: `npm run grammar:diagram`. The test suite checks the committed file
 * is current (test/syntax/diagram.test.ts).
 */
import { createSyntaxDiagramsCode } from 'chevrotain';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parser } from '../grammar/parser.js';

export function grammarDiagramHtml(): string {
  return createSyntaxDiagramsCode(parser().getSerializedGastProductions());
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = new URL('../../docs/grammar.html', import.meta.url);
  writeFileSync(out, grammarDiagramHtml());
  process.stdout.write(`wrote ${fileURLToPath(out)}\n`);
}
