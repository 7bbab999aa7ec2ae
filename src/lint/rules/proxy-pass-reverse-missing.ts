/**
 * A ProxyPass to an HTTP backend with no ProxyPassReverse mirroring it (same path, same backend or balancer).
 * mod_proxy_http leaves `Location`, `Content-Location` and `URI` response headers as the backend wrote them unless a
 * ProxyPassReverse maps them (proxy_util.c ap_proxy_location_reverse_map()), so every redirect the backend sends
 * points clients at the backend's own address — which they usually cannot reach — and leaks it.
 */
import { proxyUrlScheme } from '../../directives/index.js';
import { balancerKey, pathKey, samePath, sameUrl, urlStartsWith } from '../paths.js';
import type { ResolvedSection } from '../../config/types.js';
import type { ReverseRule } from '../proxy-index.js';
import { defineRule } from './define.js';

/** Schemes whose backends answer with HTTP redirects worth mapping back. */
const HTTP_LIKE = new Set(['http', 'https', 'balancer', 'ajp', 'h2', 'h2c']);

/** Lists this short are scanned rather than indexed. */
const SMALL = 32;

export const proxyPassReverseMissing = defineRule(
  { id: 'proxy-pass-reverse-missing', description: 'a ProxyPass with no ProxyPassReverse for the same path and backend', severity: 'warning' },
  (context) => {
    const index = context.proxy();
    // ProxyPassReverse lines by path key, per server (a big config has tens of thousands of each).
    const cache = new Map<ResolvedSection | null, Map<string, ReverseRule[]>>();
    const byPath = (vhost: ResolvedSection | null): Map<string, ReverseRule[]> => {
      let m = cache.get(vhost);
      if (!m) {
        m = new Map();
        for (const r of index.scoped(vhost).reverses) {
          const k = pathKey(r.path);
          const l = m.get(k);
          if (l) l.push(r);
          else m.set(k, [r]);
        }
        cache.set(vhost, m);
      }
      return m;
    };
    for (const p of index.passes) {
      if (p.exclusion || p.regex || p.pathInLocation) continue;
      const scheme = proxyUrlScheme(p.target)?.scheme;
      if (scheme === undefined || !HTTP_LIKE.has(scheme)) continue;
      const inScope = index.scoped(p.vhost).reverses;
      // A virtual host has a handful of rules: scan them; index only the big lists (the main server's).
      const key = pathKey(p.path);
      const hasCandidate = inScope.length <= SMALL ? inScope.some((r) => pathKey(r.path) === key) : byPath(p.vhost).has(key);
      // A ProxyPassReverse for this path that names another URL is proxy-pass-reverse-mismatch's to explain.
      if (hasCandidate) continue;
      const bkey = balancerKey(p.target);
      const members = bkey !== null ? (index.balancers.get(bkey)?.members ?? []) : [];
      // The pre-2.2 idiom: one ProxyPassReverse per member URL instead of one for balancer://name.
      const viaMembers = members.length > 0 && inScope.some((r) => samePath(r.path, p.path) && members.some((m) => sameUrl(m.url, r.url) || urlStartsWith(m.url, r.url)));
      if (viaMembers) continue;
      const inLocation = p.location !== null;
      context.report({
        message: `ProxyPass ${inLocation ? `(in <${p.location!.name} ${p.path}>) ` : `${p.path} `}${p.target} has no matching ProxyPassReverse: redirects from the backend keep its address in their Location header`,
        span: p.directive.syntax.span,
        hint: inLocation ? `ProxyPassReverse ${p.target}` : `ProxyPassReverse ${p.path} ${p.target}`,
      });
    }
  },
);
