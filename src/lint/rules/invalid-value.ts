/**
 * A value Apache refuses for a directive that takes one of a fixed set of words: a FLAG directive that is not `On`
 * or `Off` (`ProxyPreserveHost yes`, `KeepAlive 1`), `ProxyVia maybe`, `AllowEncodedSlashes decode`,
 * `SSLEngine enabled`, `SSLProxyVerify true`. httpd compares the word case-insensitively and otherwise stops with the
 * directive's own message (config.c invoke_cmd() for FLAG, each handler for its keywords), so Apache does not start.
 * The words and messages are the shapes' (src/directives/shapes.ts `refusal`, each checked with `apache2 -t` on
 * 2.4.71 by test/directives/shapes.test.ts); a value still holding an undefined `${VAR}` is left to the reader.
 */
import type { ResolvedDirective } from '../../config/types.js';
import type { ArgSpec, DirectiveShape } from '../../directives/index.js';
import { shapeOf } from '../lookup.js';
import { argSpan } from '../paths.js';
import { defineRule } from './define.js';

const FLAG_WORDS = ['On', 'Off'] as const;

/** The positions of a shape whose words are checked, with the words each accepts. */
function checkedPositions(shape: DirectiveShape): readonly { readonly at: number; readonly spec: ArgSpec; readonly words: readonly string[] }[] {
  const out: { at: number; spec: ArgSpec; words: readonly string[] }[] = [];
  shape.args.forEach((spec, at) => {
    if (spec.refusal === undefined || spec.repeat) return;
    const words = spec.kind === 'flag' ? FLAG_WORDS : spec.values;
    if (words?.length) out.push({ at, spec, words });
  });
  return out;
}

export const invalidValue = defineRule(
  { id: 'invalid-value', description: 'a word Apache refuses where it takes On/Off or one of a fixed set', severity: 'error' },
  (context) => {
    for (const g of context.directiveGroups) {
      const shape = shapeOf(g.name, false);
      if (!shape) continue;
      const positions = checkedPositions(shape);
      if (positions.length === 0) continue;
      for (const d of g.nodes as readonly ResolvedDirective[]) {
        for (const { at, spec, words } of positions) {
          const word = d.args[at];
          if (word === undefined || word.includes('${')) continue;
          const lower = word.toLowerCase();
          if (words.some((w) => w.toLowerCase() === lower)) continue;
          const said = spec.refusal!.replace('%s', word);
          context.report({
            message: `${shape.name} does not take ${JSON.stringify(word)}: Apache refuses to start ("${said}")`,
            span: argSpan(d, at),
            hint: `${shape.name} ${spec.kind === 'flag' ? 'On (or Off)' : words.join(' | ')}`,
          });
        }
      }
    }
  },
);
