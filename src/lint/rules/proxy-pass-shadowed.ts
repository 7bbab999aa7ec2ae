/**
 * A ProxyPass that can never match, a `!` exclusion that comes too late, or an Alias a ProxyPass hides.
 * mod_proxy.c proxy_trans(): a ProxyPass inside a matching <Location> is consulted first; then the server's list in
 * config order (the main server's entries before the virtual host's own), and the first entry whose prefix covers
 * the path wins (segment-boundary prefix match: `/app` covers `/app/x`, not `/apple`). A `!` is just an entry in
 * that list, so it only works above the rule it excludes from. mod_proxy translates names before mod_alias
 * (APR_HOOK_FIRST), so an Alias under a proxied prefix is never reached.
 */
import type { ResolvedSection } from '../../config/types.js';
import { formatLocation } from '../../diagnostic.js';
import { sameName } from '../../syntax/names.js';
import type { PassRule } from '../proxy-index.js';
import { argSpan, collapseSlashes, coveringPrefixes, prefixCovers } from '../paths.js';
import { sameServer } from '../scope.js';
import { defineRule } from './define.js';

/** Lists this short are scanned rather than indexed. */
const SMALL = 32;

function describe(p: PassRule): string {
  return p.location ? `<${p.location.name} ${p.path}> ProxyPass ${p.target}` : `ProxyPass ${p.path} ${p.target}`;
}

export const proxyPassShadowed = defineRule(
  { id: 'proxy-pass-shadowed', description: 'a ProxyPass, `!` exclusion or Alias that an earlier ProxyPass takes every request from', severity: 'warning' },
  (context) => {
    const index = context.proxy();
    const usable = index.passes.filter((p) => !p.regex && !p.pathInLocation);
    const locationRules = usable.filter((p) => p.location !== null);
    const serverRules = usable.filter((p) => p.location === null);
    const mainRules = serverRules.filter((p) => p.vhost === null);

    /** The server list httpd consults for requests in `vhost`: main-server entries first, then its own. */
    const listFor = (vhost: ResolvedSection | null): PassRule[] =>
      vhost === null ? mainRules : index.scoped(vhost).passes.filter((p) => !p.regex && !p.pathInLocation && p.location === null);
    interface Scope {
      readonly list: PassRule[];
      /** Collapsed path → the first index in `list` with that path (null for a short list, which is scanned). */
      readonly first: Map<string, number> | null;
      readonly indexOf: Map<PassRule, number> | null;
    }
    const cache = new Map<ResolvedSection | null, Scope>();
    const scope = (vhost: ResolvedSection | null): Scope => {
      let sc = cache.get(vhost);
      if (!sc) {
        const list = listFor(vhost);
        // A virtual host has a handful of rules: those are scanned (no maps for each of 20,000 vhosts).
        if (list.length <= SMALL) sc = { list, first: null, indexOf: null };
        else {
          const first = new Map<string, number>();
          const indexOf = new Map<PassRule, number>();
          list.forEach((p, i) => {
            const k = collapseSlashes(p.path);
            if (!first.has(k)) first.set(k, i);
            indexOf.set(p, i);
          });
          sc = { list, first, indexOf };
        }
        cache.set(vhost, sc);
      }
      return sc;
    };
    const positionIn = (sc: Scope, p: PassRule): number => (sc.indexOf ? sc.indexOf.get(p)! : sc.list.indexOf(p));
    /** The first entry before position `before` whose prefix covers `path` (what httpd's in-order scan finds). */
    const firstCovering = (sc: Scope, path: string, before: number): PassRule | undefined => {
      if (sc.first === null) {
        const covering = coveringPrefixes(path);
        for (let i = 0; i < sc.list.length && i < before; i++) if (covering.includes(collapseSlashes(sc.list[i]!.path))) return sc.list[i];
        return undefined;
      }
      let best = -1;
      for (const k of coveringPrefixes(path)) {
        const i = sc.first.get(k);
        if (i !== undefined && i < before && (best < 0 || i < best)) best = i;
      }
      return best < 0 ? undefined : sc.list[best];
    };
    const locationTaking = (path: string, vhost: ResolvedSection | null): PassRule | undefined =>
      locationRules.find((loc) => sameServer(loc.vhost, vhost) && (loc.vhost === null || loc.vhost === vhost) && prefixCovers(loc.path, path));

    for (const later of serverRules) {
      const loc = locationTaking(later.path, later.vhost);
      if (loc) {
        context.report({
          message: `${describe(later)} is never used: ${describe(loc)} (${formatLocation(loc.directive.span, later.directive.span.file)}) is consulted first and covers ${later.path}`,
          span: later.pathSpan,
          hint: `remove this line, or narrow <${loc.location!.name} ${loc.path}>`,
          related: [{ message: 'the <Location> ProxyPass that takes these requests', span: loc.directive.syntax.span }],
        });
        continue;
      }
      const sc = scope(later.vhost);
      const earlier = firstCovering(sc, later.path, positionIn(sc, later));
      if (!earlier) continue;
      const where = formatLocation(earlier.directive.span, later.directive.span.file);
      if (later.exclusion && !earlier.exclusion) {
        context.report({
          message: `ProxyPass ${later.path} ! comes after ${describe(earlier)} (${where}), which already proxies ${later.path}: first match wins, so the exclusion never applies`,
          span: later.directive.syntax.span,
          hint: `move "ProxyPass ${later.path} !" above line ${earlier.directive.span.line}${earlier.directive.span.file !== later.directive.span.file ? ` of ${earlier.directive.span.file}` : ''}`,
          related: [{ message: 'the ProxyPass that matches first', span: earlier.directive.syntax.span }],
        });
      } else {
        context.report({
          message: `${describe(later)} is never used: ${describe(earlier)} (${where}) comes first and covers ${later.path}${earlier.path === later.path ? ' too' : ''}`,
          span: later.pathSpan,
          hint: earlier.path === later.path ? 'remove one of the two' : `move this line above line ${earlier.directive.span.line} (more specific paths first)`,
          related: [{ message: 'the ProxyPass that matches first', span: earlier.directive.syntax.span }],
        });
      }
    }

    for (const { directive, ctx } of [...context.byName('Alias'), ...context.byName('ScriptAlias')]) {
      if (directive.args.length < 2) continue;
      if (ctx.enclosing.some((s) => !sameName(s.name, 'VirtualHost'))) continue;
      const path = directive.args[0]!;
      const vhost = context.virtualHostOf(ctx);
      const taker = locationTaking(path, vhost) ?? firstCovering(scope(vhost), path, Infinity);
      if (!taker || taker.exclusion) continue;
      context.report({
        message: `${directive.name} ${path} is never used: ${describe(taker)} (${formatLocation(taker.directive.span, directive.span.file)}) proxies ${path} first (mod_proxy maps URLs before mod_alias)`,
        span: argSpan(directive, 0),
        hint: `add "ProxyPass ${path} !" above line ${taker.directive.span.line}`,
        related: [{ message: 'the ProxyPass that takes these requests', span: taker.directive.syntax.span }],
      });
    }
  },
);
