/**
 * A ProxyPassReverse that does not mirror its ProxyPass: it names another backend URL than the ProxyPass for the
 * same path (so the backend's own redirects are not rewritten and leak its address), or it mirrors nothing at all
 * (no ProxyPass, ProxyPassMatch, RewriteRule [P] or BalancerMember sends requests to that URL).
 * ap_proxy_location_reverse_map() replaces the ProxyPassReverse URL prefix of a Location header with the path.
 */
import type { ResolvedSection } from '../../config/types.js';
import { balancerKey, pathKey, sameUrl, urlKey, urlStartsWith } from '../paths.js';
import type { PassRule } from '../proxy-index.js';
import { defineRule } from './define.js';

/** Lists this short are scanned rather than indexed. */
const SMALL = 32;

export const proxyPassReverseMismatch = defineRule(
  { id: 'proxy-pass-reverse-mismatch', description: 'a ProxyPassReverse naming another backend than its ProxyPass, or mirroring no proxy target', severity: 'warning' },
  (context) => {
    const index = context.proxy();
    // Every proxy target URL and each of its segment prefixes, so "does some target start with this
    // ProxyPassReverse URL" is one lookup (a 20,000-vhost config has 40,000 of each). Balancer members belong to no
    // server in particular and are indexed once; ProxyPass and RewriteRule targets per server.
    const addPrefixes = (set: Set<string>, target: string): void => {
      // A regex target's back-references ($1…) end the part that is known.
      const key = urlKey(target.replace(/\$\d.*$/, ''));
      set.add(key);
      for (let i = key.indexOf('/', key.indexOf('//') + 2); i > 0; i = key.indexOf('/', i + 1)) set.add(key.slice(0, i));
    };
    let memberPrefixes: Set<string> | null = null;
    const members = (): Set<string> => {
      if (memberPrefixes === null) {
        memberPrefixes = new Set<string>();
        for (const b of index.balancers.values()) {
          addPrefixes(memberPrefixes, b.key);
          for (const m of b.members) addPrefixes(memberPrefixes, m.url);
        }
      }
      return memberPrefixes;
    };
    const prefixCache = new Map<ResolvedSection | null, Set<string>>();
    const prefixes = (vhost: ResolvedSection | null): Set<string> => {
      let set = prefixCache.get(vhost);
      if (set) return set;
      set = new Set<string>();
      const scoped = index.scoped(vhost);
      for (const p of scoped.passes) if (!p.exclusion) addPrefixes(set, p.target);
      for (const x of scoped.rewriteProxies) addPrefixes(set, x.target);
      prefixCache.set(vhost, set);
      return set;
    };
    const passCache = new Map<ResolvedSection | null, Map<string, PassRule[]>>();
    const passesByPath = (vhost: ResolvedSection | null): Map<string, PassRule[]> => {
      let m = passCache.get(vhost);
      if (!m) {
        m = new Map();
        for (const p of index.scoped(vhost).passes) {
          if (p.exclusion || p.regex) continue;
          const k = pathKey(p.path);
          const l = m.get(k);
          if (l) l.push(p);
          else m.set(k, [p]);
        }
        passCache.set(vhost, m);
      }
      return m;
    };
    for (const r of index.reverses) {
      if (r.location !== null && r.directive.args.length >= 2 && r.directive.args[0]!.startsWith('/')) continue; // directive-context
      // A virtual host has a handful of rules: scan them; index only the big lists (the main server's).
      const inScope = index.scoped(r.vhost).passes;
      const key = pathKey(r.path);
      const sameFor = inScope.length <= SMALL ? inScope.filter((p) => !p.exclusion && !p.regex && pathKey(p.path) === key) : (passesByPath(r.vhost).get(key) ?? []);
      if (sameFor.some((p) => sameUrl(p.target, r.url))) continue;
      // For balancer://x the pre-2.2 idiom maps each member URL instead; that mirrors it too.
      const memberOf = (p: (typeof sameFor)[number]): boolean => {
        const key = balancerKey(p.target);
        return key !== null && (index.balancers.get(key)?.members ?? []).some((m) => sameUrl(m.url, r.url) || urlStartsWith(m.url, r.url));
      };
      if (sameFor.some(memberOf)) continue;
      const mirrorsSomething = members().has(urlKey(r.url)) || prefixes(r.vhost).has(urlKey(r.url));
      if (sameFor.length > 0) {
        const p = sameFor[0]!;
        context.report({
          message: `ProxyPassReverse ${r.path} ${r.url} names another URL than ProxyPass ${p.path} ${p.target}: redirects the backend sends as ${p.target}… are not rewritten and leak the backend's address`,
          span: r.urlSpan,
          hint: r.location !== null ? `ProxyPassReverse ${p.target}` : `ProxyPassReverse ${r.path} ${p.target}`,
          related: [{ message: 'the ProxyPass it should mirror', span: p.directive.syntax.span }],
        });
      } else if (!mirrorsSomething) {
        context.report({
          message: `ProxyPassReverse ${r.path} ${r.url} mirrors no proxy target: nothing here sends requests to ${r.url}`,
          span: r.urlSpan,
          hint: 'give it the same path and URL as the ProxyPass it belongs to, or remove it',
        });
      }
    }
  },
);
