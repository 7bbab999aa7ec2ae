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
import type { WalkContext } from '../../config/walk.js';
import { balancerKey, nodeSpan } from '../paths.js';
import type { ResolvedDirective, ResolvedSection } from '../../config/types.js';
import type { DirectiveInfo } from '../../directives/index.js';
import { innermostOf } from '../tree.js';
import type { NameGroup } from '../types.js';
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
  const s = innermostOf(ctx);
  return s ? `<${s.name}>` : 'the main server config';
}

export const directiveContext = defineRule(
  { id: 'directive-context', description: 'a directive placed where Apache refuses it at start-up', severity: 'error' },
  (context) => {
    const report = (node: ResolvedDirective | ResolvedSection, info: DirectiveInfo, placement: Placement, ctx: WalkContext, section: boolean): void => {
      const shown = section ? `<${info.name}>` : info.name;
      const apache = placement === 'server' ? `${shown} not allowed here` : `${shown} cannot occur within ${WHERE[placement]} section`;
      const allowed = info.allowed ? ` (${info.name} is allowed ${info.allowed.replace(/^[Aa]llowed in\s*/, 'in ')})` : '';
      context.report({
        message: `${shown} is not allowed in ${placement === 'server' ? WHERE.server : innermostName(ctx)}; Apache refuses to start ("${apache}")`,
        span: nodeSpan(node),
        hint: `move ${shown} out of ${placement === 'server' ? 'the main server config into the section it applies to' : innermostName(ctx)}${allowed}`,
      });
    };
    // Lines already reported for their context are not reported again for their arguments.
    const refused = new Set<object>();
    // One registry lookup per spelling; one isAllowedIn() per name and placement (a section level has one placement).
    const check = <N extends ResolvedDirective | ResolvedSection>(groups: readonly NameGroup<N>[], section: boolean): void => {
      for (const g of groups) {
        const info = directiveInfo(g.name, section);
        if (!info) continue;
        const allowed = new Map<Placement, boolean>();
        for (let i = 0; i < g.nodes.length; i++) {
          const ctx = g.contexts[i]!;
          const placement = context.placementOf(ctx);
          if (placement === null) continue;
          let ok = allowed.get(placement);
          if (ok === undefined) allowed.set(placement, (ok = isAllowedIn(info, placement)));
          if (ok) continue;
          report(g.nodes[i]!, info, placement, ctx, section);
          if (!section) refused.add(g.nodes[i]!);
        }
      }
    };
    check(context.directiveGroups, false);
    check(context.sectionGroups, true);

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
      const proxy = context.proxySectionOf(ctx);
      const inBalancer = proxy !== null && balancerKey(proxy.args[0] ?? '') !== null;
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
