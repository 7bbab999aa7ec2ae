/**
 * Too few or too many arguments for a directive apx knows the shape of (src/directives/shapes.ts, each checked
 * with `apache2 -t` on 2.4.71): httpd's invoke_cmd() refuses them ("ProxyPass|ProxyPassMatch needs a path when
 * not defined in a location", "Listen requires at least one argument"), so Apache does not start. Words a FLAG
 * directive ignores (`ProxyPreserveHost On garbage`) are accepted by Apache and reported as a warning.
 */
import { checkArity } from '../../directives/index.js';
import { shapeOf } from '../lookup.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import type { WalkContext } from '../../config/walk.js';
import { sameName } from '../../syntax/names.js';
import { defineRule } from './define.js';

export const argumentCount = defineRule(
  { id: 'argument-count', description: 'a directive with a number of arguments Apache refuses', severity: 'error' },
  (context) => {
    const check = (node: ResolvedDirective | ResolvedSection, ctx: WalkContext): void => {
      const section = node.kind === 'section';
      const shape = shapeOf(node.name, section);
      if (!shape) return;
      const around = ctx.enclosing[ctx.enclosing.length - 1]?.name;
      const count = node.args.length;
      const problem = checkArity(shape, count, around);
      if (problem !== null) {
        const form = shape.inSection && around !== undefined && shape.inSection.sections.some((s) => sameName(s, around)) ? shape.inSection : shape;
        const usage = form.args.map((a) => (a.optional ? `[${a.name}]` : a.name)).join(' ');
        context.report({
          message: `${section ? `<${shape.name}>` : shape.name} has ${count} argument${count === 1 ? '' : 's'}; Apache refuses to start ("${problem}")`,
          span: section ? node.syntax.openSpan : node.syntax.span,
          hint: `${section ? `<${shape.name}` : shape.name} ${usage}${section ? '>' : ''}`,
        });
        return;
      }
      if (shape.extraArgsIgnored && shape.maxArgs !== null && count > shape.maxArgs) {
        context.report({
          message: `${shape.name} takes ${shape.maxArgs} argument${shape.maxArgs === 1 ? '' : 's'}; Apache silently ignores the rest (${node.args.slice(shape.maxArgs).join(' ')})`,
          span: section ? node.syntax.openSpan : node.syntax.span,
          hint: `${shape.name} ${node.args.slice(0, shape.maxArgs).join(' ')}`,
          severity: 'warning',
        });
      }
    };
    for (const { directive, ctx } of context.directives) check(directive, ctx);
    for (const { section, ctx } of context.sections) check(section, ctx);
  },
);
