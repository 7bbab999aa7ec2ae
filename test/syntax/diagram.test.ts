import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { grammarDiagramHtml } from '../../scripts/grammar-diagram.js';

describe('docs/grammar.html', () => {
  it('is the diagram of the current grammar (run `npm run grammar:diagram` after changing grammar/)', () => {
    expect(readFileSync(new URL('../../docs/grammar.html', import.meta.url), 'utf8')).toBe(grammarDiagramHtml());
  });
});
