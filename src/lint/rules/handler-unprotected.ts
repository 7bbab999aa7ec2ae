/**
 * `SetHandler balancer-manager`, `server-status` or `server-info` with no access control in its section. The
 * balancer-manager lets anyone who reaches it disable members and change routes; server-status and server-info
 * show every client, request and the whole configuration. Debian's own mods-available/status.conf guards
 * /server-status with `Require local`; the URL is otherwise served wherever the <Directory> it maps to allows.
 */
import { nameKey } from '../../syntax/names.js';
import { restrictsAccess } from './access.js';
import { defineRule } from './define.js';

const SENSITIVE: Readonly<Record<string, string>> = {
  'balancer-manager': 'lets anyone change the balancer: disable members, change weights and routes',
  'server-status': 'shows every client address and request in progress',
  'server-info': 'shows the whole server configuration',
};

export const handlerUnprotected = defineRule(
  { id: 'handler-unprotected', description: 'balancer-manager, server-status or server-info with no Require', severity: 'warning' },
  (context) => {
    for (const { directive, ctx } of context.byName('SetHandler')) {
      const handler = nameKey(directive.args[0] ?? '');
      if (!Object.hasOwn(SENSITIVE, handler)) continue;
      const section = ctx.enclosing[ctx.enclosing.length - 1];
      if (section && restrictsAccess(section.children)) continue;
      const where = section ? `<${section.name} ${section.args.join(' ')}>` : 'this server';
      context.report({
        message: `${where} serves ${handler} with no Require: it ${SENSITIVE[handler]}, to anyone who can reach the server`,
        span: directive.syntax.span,
        hint: `add "Require local" (or "Require ip 192.0.2.0/24") in ${where}`,
      });
    }
  },
);
