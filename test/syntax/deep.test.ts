/**
 * httpd's reader has no nesting limit (server/config.c keeps its section stack in the pool, not on the C stack),
 * so neither may apx: parse, print, the JSON form and its way back must all work at any depth. 20,000 levels
 * is far past where one JavaScript stack frame per level overflows (about 550 levels through chevrotain).
 */
import { describe, expect, it } from 'vitest';
import { fromAstJson, toAstJson } from '../../src/syntax/json.js';
import { parse } from '../../src/syntax/parse.js';
import { print } from '../../src/syntax/print.js';
import { traverse } from '../../src/syntax/traverse.js';

const DEPTH = 20_000;

const cases = [
  { name: 'closed', text: `${'<IfModule a>\n'.repeat(DEPTH)}Listen 80\n${'</IfModule>\n'.repeat(DEPTH)}`, errors: 0, same: true },
  { name: 'never closed', text: `${'<Location /a>\n'.repeat(DEPTH)}Listen 80\n`, errors: DEPTH, same: true },
  // fromAstJson writes the closer a section's name calls for, so this one comes back corrected.
  { name: 'closed with the wrong names', text: `${'<Location /a>\n'.repeat(DEPTH)}${'</Directory>\n'.repeat(DEPTH)}`, errors: DEPTH, same: false },
];

describe('deep nesting', () => {
  it.each(cases)('$name: parse, print and the JSON form work', ({ text, errors, same }) => {
    const { ast, diagnostics } = parse(text, 'deep.conf');
    expect(diagnostics.filter((d) => d.severity === 'error')).toHaveLength(errors);
    let depth = 0;
    traverse(ast.children, { enter: (_n, d) => void (depth = Math.max(depth, d)) });
    expect(depth).toBe(DEPTH - (text.includes('Listen') ? 0 : 1));
    expect(print(ast)).toBe(text);
    const back = fromAstJson(toAstJson(ast));
    if (same) expect(back).toBe(text);
    else expect(back).toBe(text.replaceAll('</Directory>', '</Location>'));
  });
});
