/**
 * A `<VirtualHost addr:port>` whose port no `Listen` opens. httpd only accepts connections on Listen sockets, so
 * such a virtual host never receives a request (Apache starts without a word). Only checked when the whole server
 * tree was read: a lone file's Listen lines live in ports.conf, which apx did not see.
 */
import type { Span } from '../../diagnostic.js';
import { nameKey } from '../../syntax/names.js';
import { argSpan } from '../paths.js';
import { defineRule } from './define.js';

/** The port of a Listen or VirtualHost address (`80`, `10.0.0.1:8080`, `[::1]:443`, `*:80`); null when it has none or it is `*`. */
export function addressPort(address: string): string | null {
  const m = /^(?:\[[^\]]*\]|[^:[\]]*)?:?(\d+|\*)$/.exec(address);
  if (!m) return null;
  if (!address.includes(':') && !/^\d+$/.test(address)) return null;
  return m[1] === '*' ? null : m[1]!;
}

export const vhostPortNotListened = defineRule(
  { id: 'vhost-port-not-listened', description: 'a virtual host on a port that no Listen opens', severity: 'warning' },
  (context) => {
    if (context.loaded.mode !== 'tree') return;
    const ports = new Map<string, Span>();
    for (const { directive } of context.byName('Listen')) {
      if (directive.args[0] === undefined) continue;
      const port = /(\d+)$/.exec(directive.args[0])?.[1];
      if (port !== undefined && !ports.has(port)) ports.set(port, directive.span);
    }
    for (const { section } of context.sectionsByName('VirtualHost')) {
      section.args.forEach((address, i) => {
        if (nameKey(address) === '_default_' || !address.includes(':')) return;
        const port = addressPort(address);
        if (port === null || ports.has(port)) return;
        context.report({
          message: `<VirtualHost ${address}>: no Listen opens port ${port}, so this virtual host never receives a request`,
          span: argSpan(section, i),
          hint: `Listen ${port}   (in ports.conf), or use a port Apache listens on${ports.size > 0 ? ` (${[...ports.keys()].join(', ')})` : ''}`,
        });
      });
    }
  },
);
