/**
 * `ProxyRequests On` with no access control on `<Proxy *>`: Apache becomes a forward proxy for anyone who can reach
 * it (mod_proxy's own manual: "Do not enable proxying with ProxyRequests until you have secured your server. Open
 * proxy servers are dangerous"). A reverse proxy needs ProxyRequests Off (the default) — ProxyPass works without it.
 */
import { nameKey } from '../../syntax/names.js';
import { sameServer } from '../scope.js';
import { restrictsAccess } from './access.js';
import { defineRule } from './define.js';

export const proxyRequestsOpen = defineRule(
  { id: 'proxy-requests-open', description: 'ProxyRequests On without access control: an open forward proxy', severity: 'warning' },
  (context) => {
    const open = context.byName('ProxyRequests').filter(({ directive }) => nameKey(directive.args[0] ?? '') === 'on');
    if (open.length === 0) return;
    const guards = [...context.sectionsByName('Proxy'), ...context.sectionsByName('ProxyMatch')].filter(
      ({ section }) => !/^balancer:/i.test(section.args[0] ?? '') && restrictsAccess(section.children),
    );
    for (const { directive, ctx } of open) {
      const vhost = context.virtualHostOf(ctx);
      if (guards.some((g) => sameServer(context.virtualHostOf(g.ctx), vhost))) continue;
      context.report({
        message: 'ProxyRequests On makes this server a forward proxy for anyone who can reach it, and no <Proxy *> restricts who may use it',
        span: directive.syntax.span,
        hint: 'ProxyRequests Off (ProxyPass does not need it), or add <Proxy "*"> Require ip 192.0.2.0/24 </Proxy>',
      });
    }
  },
);
