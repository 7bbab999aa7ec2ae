/**
 * ProxyPassReverse and ProxyPassReverseCookieDomain/Path (proxy_util.c ap_proxy_location_reverse_map and
 * ap_proxy_cookie_reverse_map). Reverse rules are tried in order and are not tied to a particular ProxyPass; for a
 * `balancer://` URL every member URL is a case-insensitive prefix. The result is made absolute from the URL the
 * client used (ap_construct_url: scheme, the Host it sent, its port when not the default).
 */
import type { ReverseRule } from '../model/types.js';
import { aliasMatch } from './routes.js';

export interface ReverseContext {
  /** `http` or `https`: the scheme the client used. */
  readonly scheme: string;
  /** `host[:port]` to build absolute URLs with (from the client's Host, else ServerName + local port). */
  readonly authority: string;
}

type UrlRule = Extract<ReverseRule, { kind: 'url' }>;

export interface ReverseTable {
  /** URL rules that apply to a request for `path`. */
  urlRules(path: string): readonly UrlRule[];
  readonly cookieDomains: readonly Extract<ReverseRule, { kind: 'cookie-domain' }>[];
  readonly cookiePaths: readonly Extract<ReverseRule, { kind: 'cookie-path' }>[];
}

export function buildReverseTable(rules: readonly ReverseRule[]): ReverseTable {
  const url = rules.filter((r): r is UrlRule => r.kind === 'url');
  const global = url.filter((r) => r.location === null);
  const scoped = url.filter((r) => r.location !== null);
  return {
    // A <Location>'s ProxyPassReverse lines merge after the server's (the per-dir merge appends).
    urlRules: (path) => (scoped.length === 0 ? global : [...global, ...scoped.filter((r) => aliasMatch(path, r.location!) > 0)]),
    cookieDomains: rules.filter((r): r is Extract<ReverseRule, { kind: 'cookie-domain' }> => r.kind === 'cookie-domain'),
    cookiePaths: rules.filter((r): r is Extract<ReverseRule, { kind: 'cookie-path' }> => r.kind === 'cookie-path'),
  };
}

const isUrl = (s: string): boolean => /^[A-Za-z][A-Za-z0-9+.-]*:\/\//.test(s);

function construct(u: string, ctx: ReverseContext): string {
  return isUrl(u) ? u : `${ctx.scheme}://${ctx.authority}${u}`;
}

/** Map one Location/Content-Location/URI/Destination value; unchanged when no rule matches. */
export function reverseMapUrl(
  value: string,
  rules: readonly UrlRule[],
  balancerMembers: (name: string) => readonly string[] | undefined,
  ctx: ReverseContext,
): string {
  for (const rule of rules) {
    const real = rule.url;
    const bal = /^balancer:\/\/([^/]*)/i.exec(real);
    if (bal) {
      const members = balancerMembers(bal[1]!.toLowerCase()) ?? [];
      for (const m of members) {
        if (value.length >= m.length && value.slice(0, m.length).toLowerCase() === m.toLowerCase()) {
          const rest = value.slice(m.length);
          // Edge case in httpd: a fake of "/" and a rest starting with "/" must not give "//".
          const u = rule.path === '/' && rest.startsWith('/') ? rule.path + rest.slice(1) : rule.path + rest;
          return construct(u, ctx);
        }
      }
      continue;
    }
    let part = value;
    if (real.startsWith('/')) {
      // A path-only reverse URL is compared with the path of the value.
      const scheme = value.indexOf('://');
      if (scheme >= 0) {
        const slash = value.indexOf('/', scheme + 3);
        if (slash >= 0) part = value.slice(slash);
      }
    }
    if (real.length > 0 && part.length >= real.length && part.slice(0, real.length).toLowerCase() === real.toLowerCase()) {
      return construct(rule.path + part.slice(real.length), ctx);
    }
  }
  return value;
}

/** Rewrite the `path=`/`domain=` attributes of one Set-Cookie value (never the cookie's own name=value). */
export function reverseMapCookie(value: string, table: ReverseTable): string {
  if (table.cookieDomains.length === 0 && table.cookiePaths.length === 0) return value;
  const parts = value.split(';');
  for (let i = 1; i < parts.length; i++) {
    const p = parts[i]!;
    const lead = /^\s*/.exec(p)![0];
    const body = p.slice(lead.length);
    const lower = body.toLowerCase();
    if (lower.startsWith('path=')) {
      const v = body.slice(5);
      const hit = table.cookiePaths.find((r) => v.startsWith(r.internal));
      if (hit) parts[i] = `${lead}${body.slice(0, 5)}${hit.public}`;
    } else if (lower.startsWith('domain=')) {
      const v = body.slice(7);
      const hit = table.cookieDomains.find((r) => v.toLowerCase().startsWith(r.internal.toLowerCase()));
      if (hit) parts[i] = `${lead}${body.slice(0, 7)}${hit.public}`;
    }
  }
  return parts.join(';');
}
