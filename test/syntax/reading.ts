/**
 * Two readings of the same text the tests compare: the CstParser's lines and grammar/lines.ts's (same shape, first
 * token, words and line end), and the first-character lexer's tokens and chevrotain's safe mode's.
 */
import type { CstNode, IToken } from 'chevrotain';
import { Lexer } from '../../grammar/chevrotain.js';
import { hasBom, readLines } from '../../grammar/lines.js';
import { parseCst } from '../../grammar/parser.js';
import { allTokens, tokenize } from '../../grammar/tokens.js';

const at = (t: IToken): string => `${t.startOffset}:${JSON.stringify(t.image)}`;

/** The CstParser's reading: one entry per line, `shape first [words] newline`. */
export function viaCst(text: string): string[] {
  const { cst } = parseCst(text);
  const out: string[] = cst.children['Bom'] ? ['bom'] : [];
  for (const l of (cst.children['line'] ?? []) as CstNode[]) {
    const ch = l.children as Record<string, IToken[] | undefined>;
    const shape = ch['NameWord'] ? 'directive' : ch['OpenTag'] ? 'open' : ch['CloseTag'] ? 'close' : ch['Comment'] ? 'comment' : 'blank';
    const head = ch['NameWord'] ?? ch['OpenTag'] ?? ch['CloseTag'] ?? ch['Comment'] ?? ch['Newline'];
    const nl = ch['Newline']?.[0];
    out.push(`${shape} ${at(head![0]!)} [${(ch['ArgWord'] ?? []).map(at).join(' ')}] ${nl ? at(nl) : '-'}`);
  }
  return out;
}

/** grammar/lines.ts's reading, in the same form. */
export function viaLines(text: string): string[] {
  const { tokens } = tokenize(text);
  const out: string[] = hasBom(tokens) ? ['bom'] : [];
  readLines(tokens, {
    line: (shape, toks, first, end, newline) => {
      const words = shape === 'blank' ? [] : toks.slice(first + 1, end).map(at);
      out.push(`${shape} ${at(toks[first]!)} [${words.join(' ')}] ${newline ? at(newline) : '-'}`);
    },
  });
  return out;
}

/** chevrotain without its first-character dispatch: every pattern tried at every position. */
export const SafeLexer = new Lexer(allTokens, {
  positionTracking: 'onlyOffset',
  lineTerminatorsPattern: /\n/g,
  lineTerminatorCharacters: ['\n'],
  safeMode: true,
});

/** Every token of every group, in order: `Type@offset"image"`, then lexing errors. */
export function tokensOf(lexer: InstanceType<typeof Lexer>, text: string): string[] {
  const r = lexer.tokenize(text);
  const all = [...r.tokens, ...Object.values(r.groups).flat()].sort((a, b) => a.startOffset - b.startOffset);
  return [...all.map((t) => `${t.tokenType.name}@${t.startOffset}${JSON.stringify(t.image)}`), ...r.errors.map((e) => `error@${e.offset}`)];
}
