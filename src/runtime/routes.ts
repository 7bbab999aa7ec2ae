/**
 * ProxyPass / ProxyPassMatch routing, compiled once per server (modules/proxy/mod_proxy.c proxy_trans and
 * ap_proxy_trans_match): routes are consulted in model order (already <Location> rules first, then the main
 * server's, then the vhost's own) and the first match wins; a `!` route that matches stops the search and leaves
 * the request local.
 */
import type { Route } from '../model/types.js';
import { StartupError } from './startup-error.js';

/** The outcome of routing one request. */
export type RouteResult =
  | { readonly kind: 'none' }
  | { readonly kind: 'excluded'; readonly route: Route }
  /** `url` is httpd's r->filename without `proxy:`: the target with the rest of the path, not yet canonicalised. */
  | { readonly kind: 'proxy'; readonly route: Route; readonly index: number; readonly url: string; readonly rawPath: boolean };

/**
 * mod_proxy.c alias_match: prefix match in which any run of `/` in the pattern matches any non-empty run in the
 * path, ending on a segment boundary (`/app` takes `/app` and `/app/x`, never `/apple`; `/app/` never takes
 * `/app`). Returns how many characters of `uri` matched (0 = no match).
 */
export function aliasMatch(uri: string, alias: string): number {
  let a = 0;
  let u = 0;
  while (a < alias.length && u < uri.length) {
    if (alias[a] === '/') {
      if (uri[u] !== '/') return 0;
      while (alias[a] === '/') a++;
      while (uri[u] === '/') u++;
    } else if (uri[u++] !== alias[a++]) return 0;
  }
  if (u === uri.length && a !== alias.length) return 0;
  if (alias.length > 0 && alias[a - 1] !== '/' && u < uri.length && uri[u] !== '/') return 0;
  return u;
}

/** ap_pregsub: `$0`…`$9` (and `&` is not special in mod_proxy's use) replaced by the captures; `\$` escapes. */
export function substitute(template: string, m: RegExpExecArray): string {
  return template.replace(/\\([$\\])|\$(\d)/g, (_all, esc: string | undefined, d: string | undefined) => {
    if (esc) return esc;
    return m[Number(d)] ?? '';
  });
}

/** PCRE patterns run as JavaScript RegExps; the common subset is the same, the rest is refused at start-up. */
function compileRegex(route: Route): RegExp {
  const m = route.match as Extract<Route['match'], { kind: 'regex' }>;
  try {
    return new RegExp(m.pattern, m.caseInsensitive ? 'i' : '');
  } catch (err) {
    const where = route.span ? ` (${route.span.file}:${route.span.line})` : '';
    throw new StartupError(
      `${route.origin.directive} ${m.pattern}${where}: apx cannot run this regular expression: ${(err as Error).message}`,
      'rewrite it without PCRE-only syntax (possessive quantifiers, \\Q…\\E, recursion, (?i) inside the pattern)',
    );
  }
}

interface CompiledRoute {
  readonly route: Route;
  readonly index: number;
  readonly regex: RegExp | null;
  readonly prefix: string;
  /** The target as written, `!` for exclusions. */
  readonly real: string;
}

export interface RequestPath {
  /** Decoded normalised path (r->uri). */
  readonly path: string;
  /** The path as sent by the client (r->unparsed_uri without the query). */
  readonly rawPath: string;
}

export class RouteTable {
  private readonly compiled: readonly CompiledRoute[];

  constructor(routes: readonly Route[]) {
    this.compiled = routes.map((route, index) => {
      const regex = route.match.kind === 'regex' ? compileRegex(route) : null;
      const prefix = route.match.kind === 'prefix' ? route.match.path : '';
      return { route, index, regex, prefix, real: route.exclude || !route.target ? '!' : route.target.url };
    });
  }

  get size(): number {
    return this.compiled.length;
  }

  match(req: RequestPath): RouteResult {
    for (const c of this.compiled) {
      const nocanon = c.route.flags.nocanon;
      if (c.regex) {
        const m = c.regex.exec(req.path);
        if (!m) continue;
        if (c.real === '!') return { kind: 'excluded', route: c.route };
        // nocanon: substitute from the raw path when the pattern still matches it, else fall back to r->uri.
        let use = req.path;
        let mm: RegExpExecArray = m;
        let raw = false;
        if (nocanon) {
          const m2 = c.regex.exec(req.rawPath);
          if (m2) {
            use = req.rawPath;
            mm = m2;
            raw = true;
          }
        }
        const found = substitute(c.real, mm);
        // "ProxyPassMatch \.gif balancer://foo" works "as expected": no substitution means the whole path is appended.
        const url = found !== c.real ? found : c.real + use;
        return { kind: 'proxy', route: c.route, index: c.index, url, rawPath: raw };
      }
      const len = aliasMatch(req.path, c.prefix);
      if (len === 0) continue;
      if (c.real === '!') return { kind: 'excluded', route: c.route };
      if (nocanon) {
        const rawLen = aliasMatch(req.rawPath, c.prefix);
        if (rawLen !== 0 && rawLen === len) {
          return { kind: 'proxy', route: c.route, index: c.index, url: c.real + req.rawPath.slice(rawLen), rawPath: true };
        }
      }
      return { kind: 'proxy', route: c.route, index: c.index, url: c.real + req.path.slice(len), rawPath: false };
    }
    return { kind: 'none' };
  }
}
