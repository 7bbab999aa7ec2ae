/**
 * Two name-based virtual hosts on the same address with the same ServerName. httpd picks the vhost for a request
 * by walking the vhosts of the address in config order and taking the first whose ServerName or ServerAlias
 * matches the Host header (vhost.c check_hostalias()), so the later one never gets requests for that name.
 */
import type { ResolvedSection } from '../../config/types.js';
import { formatLocation } from '../../diagnostic.js';
import { nameKey } from '../../syntax/names.js';
import { argSpan } from '../paths.js';
import { defineRule } from './define.js';

/** `https://www.Example.com:443` → `www.example.com` (ServerName accepts a scheme and a port; names are case-insensitive). */
export function serverNameHost(value: string): string {
  // Most names have neither a scheme nor a port: no regular expression for them.
  if (!value.includes(':')) return nameKey(value);
  return nameKey(value.replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').replace(/:\d+$/, ''));
}

export const duplicateServerName = defineRule(
  { id: 'duplicate-server-name', description: 'two virtual hosts on the same address with the same ServerName', severity: 'warning' },
  (context) => {
    // The ServerName each vhost ends up with: the last one written directly in it (a later one replaces it).
    const names = new Map<ResolvedSection, { value: string; directive: (typeof context.directives)[number]['directive'] }>();
    for (const { directive, ctx } of context.byName('ServerName')) {
      if (directive.args[0] === undefined) continue;
      const vhost = context.virtualHostOf(ctx);
      if (vhost) names.set(vhost, { value: directive.args[0], directive });
    }
    const first = new Map<string, { vhost: ResolvedSection; value: string; directive: (typeof context.directives)[number]['directive'] }>();
    for (const { section } of context.sectionsByName('VirtualHost')) {
      const named = names.get(section);
      if (!named) continue;
      // One report per virtual host: its name is the same on each of its addresses.
      let reported = false;
      const host = serverNameHost(named.value);
      for (const address of section.args) {
        const key = `${nameKey(address)} ${host}`;
        const earlier = first.get(key);
        if (!earlier) {
          first.set(key, { vhost: section, value: named.value, directive: named.directive });
          continue;
        }
        if (earlier.vhost === section || reported) continue;
        reported = true;
        context.report({
          message: `ServerName ${named.value} on ${address} is already the name of the virtual host at ${formatLocation(earlier.vhost.syntax.openSpan, named.directive.span.file)}: Apache sends every request for ${named.value} there, never here`,
          span: argSpan(named.directive, 0),
          hint: 'give this virtual host its own ServerName, or merge the two virtual hosts',
          related: [{ message: `the first virtual host named ${earlier.value}`, span: earlier.directive.syntax.span }],
        });
      }
    }
  },
);
