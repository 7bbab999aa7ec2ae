/**
 * Too few or too many arguments for a directive apx knows the shape of (src/directives/shapes.ts, each checked
 * with `apache2 -t` on 2.4.71): httpd's invoke_cmd() refuses them ("ProxyPass|ProxyPassMatch needs a path when
 * not defined in a location", "Listen requires at least one argument"), so Apache does not start. Words a FLAG
 * directive ignores (`ProxyPreserveHost On garbage`) are accepted by Apache and reported as a warning.
 */
import { checkArity } from '../../directives/index.js';
import { argCount, shapeOf } from '../lookup.js';
import type { DirectiveShape } from '../../directives/index.js';
import type { NameGroup } from '../types.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import type { WalkContext } from '../../config/walk.js';
import { sameName } from '../../syntax/names.js';
import { defineRule } from './define.js';

export const argumentCount = defineRule(
  { id: 'argument-count', description: 'a directive with a number of arguments Apache refuses', severity: 'error' },
  (context) => {
    /** Reports what is wrong with the line; false when nothing is. */
    const check = (node: ResolvedDirective | ResolvedSection, ctx: WalkContext, shape: DirectiveShape, count: number): boolean => {
      const section = node.kind === 'section';
      const around = context.innermostOf(ctx)?.name;
      const problem = checkArity(shape, count, around);
      if (problem !== null) {
        const form = shape.inSection && around !== undefined && shape.inSection.sections.some((s) => sameName(s, around)) ? shape.inSection : shape;
        const usage = form.args.map((a) => (a.optional ? `[${a.name}]` : a.name)).join(' ');
        context.report({
          message: `${section ? `<${shape.name}>` : shape.name} has ${count} argument${count === 1 ? '' : 's'}; Apache refuses to start ("${problem}")`,
          span: section ? node.syntax.openSpan : node.syntax.span,
          hint: `${section ? `<${shape.name}` : shape.name} ${usage}${section ? '>' : ''}`,
        });
        return true;
      }
      if (shape.extraArgsIgnored && shape.maxArgs !== null && count > shape.maxArgs) {
        context.report({
          message: `${shape.name} takes ${shape.maxArgs} argument${shape.maxArgs === 1 ? '' : 's'}; Apache silently ignores the rest (${node.args.slice(shape.maxArgs).join(' ')})`,
          span: section ? node.syntax.openSpan : node.syntax.span,
          hint: `${shape.name} ${node.args.slice(0, shape.maxArgs).join(' ')}`,
          severity: 'warning',
        });
        return true;
      }
      return false;
    };
    // A count that every form of the shape accepts needs no look at the section around the line.
    const alwaysFine = (shape: DirectiveShape, count: number): boolean =>
      (shape.inSection ? [shape, shape.inSection] : [shape]).every((f) => count >= f.minArgs && (f.maxArgs === null || count <= f.maxArgs || shape.extraArgsIgnored)) &&
      !(shape.extraArgsIgnored && shape.maxArgs !== null && count > shape.maxArgs);
    const run = <N extends ResolvedDirective | ResolvedSection>(groups: readonly NameGroup<N>[], section: boolean): void => {
      for (const g of groups) {
        // One shape lookup per spelling, one alwaysFine() per count (most lines of a big config stop there).
        const shape = shapeOf(g.name, section);
        if (!shape) continue;
        const fineByCount: boolean[] = [];
        // Otherwise the answer depends on the section around the line too (BalancerMember in <Proxy>): once per
        // section spelling and count.
        const fineIn = new Map<string | undefined, Map<number, boolean>>();
        for (let i = 0; i < g.nodes.length; i++) {
          const node = g.nodes[i]!;
          const count = argCount(node);
          let fine = fineByCount[count];
          if (fine === undefined) fine = fineByCount[count] = alwaysFine(shape, count);
          if (fine) continue;
          const ctx = g.contexts[i]!;
          const around = context.innermostOf(ctx)?.name;
          let byCount = fineIn.get(around);
          if (!byCount) fineIn.set(around, (byCount = new Map()));
          if (byCount.get(count) === true) continue;
          byCount.set(count, !check(node, ctx, shape, count));
        }
      }
    };
    run(context.directiveGroups, false);
    run(context.sectionGroups, true);
  },
);
