/**
 * A RewriteRule [P] outcome as the route the proxy handler follows: httpd sets r->filename to `proxy:URL` in
 * mod_rewrite's translate-name hook, and mod_proxy then handles it as if a ProxyPass had mapped it. The route is
 * labelled with the RewriteRule's pattern and span for the error log; its index is -1 (no ProxyPass worker: the
 * server's rewriteWorker() supplies one).
 */
import type { IncomingMessage } from 'node:http';
import type { Route } from '../../model/types.js';
import type { RouteResult } from '../routes.js';
import type { RewriteEngine, RewriteRequest } from './index.js';

export const REWRITE_ROUTE_INDEX = -1;

export type Rewritten =
  | { readonly kind: 'proxy'; readonly routed: Extract<RouteResult, { kind: 'proxy' }>; readonly query: string | null }
  | { readonly kind: 'forbidden'; readonly log: string };

export interface RewriteInput {
  readonly req: IncomingMessage;
  readonly path: string;
  readonly rawPath: string;
  readonly query: string | null;
  readonly scheme: 'http' | 'https';
  readonly serverName: string;
  readonly serverPort: number;
  readonly remoteAddr: string;
}

export function rewriteRoute(engine: RewriteEngine, input: RewriteInput): Rewritten | null {
  const raw = input.req.rawHeaders;
  const request: RewriteRequest = {
    path: input.path,
    rawPath: input.rawPath,
    query: input.query,
    method: input.req.method ?? 'GET',
    scheme: input.scheme,
    serverName: input.serverName,
    serverPort: input.serverPort,
    remoteAddr: input.remoteAddr,
    protocol: `HTTP/${input.req.httpVersion}`,
    header(name) {
      const want = name.toLowerCase();
      const values: string[] = [];
      for (let i = 0; i < raw.length; i += 2) if (raw[i]!.toLowerCase() === want) values.push(raw[i + 1]!);
      return values.length ? values.join(', ') : undefined;
    },
  };
  const out = engine.apply(request);
  if (!out) return null;
  if (out.kind === 'forbidden') return { kind: 'forbidden', log: out.log };
  const route: Route = {
    match: { kind: 'regex', pattern: `${out.rule.negate ? '!' : ''}${out.rule.pattern}`, caseInsensitive: out.rule.flags.nocase },
    exclude: false,
    // The substitution as written, so the error log's route label shows the rule.
    target: { url: out.rule.substitution, scheme: /^([^:]*)/.exec(out.rule.substitution)![1]!.toLowerCase(), host: '', port: null, path: '', balancer: null, unixSocket: null },
    origin: { directive: 'ProxyPassMatch', location: null, locationIsRegex: false, inherited: false },
    flags: { nocanon: false, noquery: false, interpolate: false, mapping: null },
    worker: null,
    span: out.rule.span,
  };
  return { kind: 'proxy', routed: { kind: 'proxy', route, index: REWRITE_ROUTE_INDEX, url: out.url, rawPath: false }, query: out.query };
}
