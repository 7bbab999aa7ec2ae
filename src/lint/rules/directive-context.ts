/**
 * A directive where Apache refuses it at start-up: outside the contexts its module allows (core.c
 * ap_check_cmd_context(): "ProxyPass cannot occur within <Directory> section", "Listen cannot occur within
 * <VirtualHost> section"), a ProxyPass/ProxyPassReverse that gives a path inside <Location>, which supplies it
 * (mod_proxy.c add_pass(): "ProxyPass|ProxyPassMatch can not have a path when defined in a location"), and a
 * BalancerMember that names no balancer (add_member(): "BalancerMember must define balancer name when outside
 * <Proxy > section").
 */
import type { Placement } from '../../directives/types.js';
import { isAllowedIn } from '../../directives/index.js';
import { directiveInfo } from '../lookup.js';
import { sameName } from '../../syntax/names.js';
import type { WalkContext } from '../../config/walk.js';
import { balancerKey, nodeSpan } from '../paths.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import { defineRule } from './define.js';

const WHERE: Readonly<Record<Placement, string>> = {
  server: 'the main server config (outside every section)',
  VirtualHost: '<VirtualHost>',
  Directory: '<Directory>',
  Location: '<Location>',
  Files: '<Files>',
  If: '<If>',
  Proxy: '<Proxy>',
};

function innermostName(ctx: WalkContext): string {
  const s = ctx.enclosing[ctx.enclosing.length - 1];
  return s ? `<${s.name}>` : 'the main server config';
}

export const directiveContext = defineRule(
  { id: 'directive-context', description: 'a directive placed where Apache refuses it at start-up', severity: 'error' },
  (context) => {
    const check = (node: ResolvedDirective | ResolvedSection, ctx: WalkContext, section: boolean): boolean => {
      const name = node.name;
      const info = directiveInfo(name, section);
      if (!info) return true;
      const placement = context.placementOf(ctx);
      if (placement === null || isAllowedIn(info, placement)) return true;
      const shown = section ? `<${info.name}>` : info.name;
      const apache = placement === 'server' ? `${shown} not allowed here` : `${shown} cannot occur within ${WHERE[placement]} section`;
      const allowed = info.allowed ? ` (${info.name} is allowed ${info.allowed.replace(/^[Aa]llowed in\s*/, 'in ')})` : '';
      context.report({
        message: `${shown} is not allowed in ${placement === 'server' ? WHERE.server : innermostName(ctx)}; Apache refuses to start ("${apache}")`,
        span: nodeSpan(node),
        hint: `move ${shown} out of ${placement === 'server' ? 'the main server config into the section it applies to' : innermostName(ctx)}${allowed}`,
      });
      return false;
    };
    // Lines already reported for their context are not reported again for their arguments.
    const refused = new Set<object>();
    for (const { directive, ctx } of context.directives) if (!check(directive, ctx, false)) refused.add(directive);
    for (const { section, ctx } of context.sections) check(section, ctx, true);

    const index = context.proxy();
    for (const p of index.passes) {
      if (!p.pathInLocation || refused.has(p.directive)) continue;
      const rest = p.directive.args.slice(p.directive.args[0] === '~' ? 2 : 1).join(' ');
      context.report({
        message: `${p.directive.name} inside <${p.location!.name} ${p.location!.args.join(' ')}> gives a path (${p.directive.args[0]}), but the section already supplies it; Apache refuses to start ("ProxyPass|ProxyPassMatch can not have a path when defined in a location")`,
        span: p.directive.span,
        hint: `${p.directive.name} ${rest}`,
      });
    }
    for (const r of index.reverses) {
      if (r.location === null || r.directive.args.length < 2 || !r.directive.args[0]!.startsWith('/') || refused.has(r.directive)) continue;
      context.report({
        message: `ProxyPassReverse inside <${r.location.name} ${r.location.args.join(' ')}> gives a path (${r.directive.args[0]}), but the section already supplies it; Apache refuses to start`,
        span: r.directive.span,
        hint: `ProxyPassReverse ${r.directive.args.slice(1).join(' ')}`,
      });
    }
    for (const { directive, ctx } of context.byName('BalancerMember')) {
      if (directive.args.length === 0) continue;
      const proxy = [...ctx.enclosing].reverse().find((s) => sameName(s.name, 'Proxy'));
      const inBalancer = proxy !== undefined && balancerKey(proxy.args[0] ?? '') !== null;
      if (inBalancer || balancerKey(directive.args[0]!) !== null) continue;
      context.report({
        message: proxy
          ? `BalancerMember inside <Proxy ${proxy.args[0] ?? ''}> joins no balancer: the section is not a balancer:// URL; Apache refuses to start`
          : 'BalancerMember outside <Proxy balancer://…> must name its balancer first; Apache refuses to start ("BalancerMember must define balancer name when outside <Proxy > section")',
        span: directive.span,
        hint: proxy ? `<Proxy balancer://mycluster> … BalancerMember ${directive.args.join(' ')} … </Proxy>` : `BalancerMember balancer://mycluster ${directive.args.join(' ')}`,
      });
    }
  },
);
