/**
 * Which modules a proxy target needs. mod_proxy only routes; a request is served by whichever scheme handler
 * accepts the URL in its canon/handler hooks, and with none loaded Apache starts fine and then answers
 * 500 AH01144 "No protocol handler was valid for the URL … (scheme 'x')" on every request. The table below is
 * what each module's canon handler accepts (modules/proxy/*.c), checked live on Apache 2.4.71.
 */
import { LBMETHOD_MODULES } from './params.js';
import { nameKey } from './names.js';

export interface ModuleRequirement {
  /** The module to enable (the one a hint names). */
  readonly module: string;
  /** Every module that satisfies the need on its own; `module` first. Usually just `[module]`. */
  readonly anyOf: readonly string[];
  /** Why, in Apache's terms, for the diagnostic's message. */
  readonly reason: string;
}

const need = (module: string, reason: string, alternatives: readonly string[] = []): ModuleRequirement => ({
  module,
  anyOf: [module, ...alternatives],
  reason,
});

const TLS_REASON = (scheme: string): string =>
  `${scheme}:// connects to the backend over TLS, which mod_ssl provides (without it mod_proxy_http declines the ` +
  `URL and Apache answers 500 AH01144); the virtual host also needs SSLProxyEngine On`;

/**
 * Scheme → handler modules. ws/wss: since 2.4.47 mod_proxy_http tunnels WebSocket itself (its
 * get_url_scheme() accepts ws: and wss:), and mod_proxy_wstunnel — with ProxyWebsocketFallbackToProxyHttp On,
 * the default — declines in favour of mod_proxy_http whenever that is loaded. Either module serves a ws://
 * target (checked: with only mod_proxy_wstunnel a plain GET gets 404, an Upgrade request is proxied), so the
 * hint prefers mod_proxy_http, which a reverse proxy has anyway. An http:// worker upgrades with
 * `upgrade=websocket`, which only mod_proxy_http reads.
 */
const SCHEMES: Readonly<Record<string, readonly ModuleRequirement[]>> = {
  http: [need('proxy_http', 'http:// targets are handled by mod_proxy_http')],
  https: [need('proxy_http', 'https:// targets are handled by mod_proxy_http'), need('ssl', TLS_REASON('https'))],
  ws: [need('proxy_http', 'ws:// targets are tunnelled by mod_proxy_http (2.4.47+) or mod_proxy_wstunnel', ['proxy_wstunnel'])],
  wss: [
    need('proxy_http', 'wss:// targets are tunnelled by mod_proxy_http (2.4.47+) or mod_proxy_wstunnel', ['proxy_wstunnel']),
    need('ssl', TLS_REASON('wss')),
  ],
  ajp: [need('proxy_ajp', 'ajp:// targets are handled by mod_proxy_ajp')],
  fcgi: [need('proxy_fcgi', 'fcgi:// targets are handled by mod_proxy_fcgi')],
  scgi: [need('proxy_scgi', 'scgi:// targets are handled by mod_proxy_scgi')],
  uwsgi: [need('proxy_uwsgi', 'uwsgi:// targets are handled by mod_proxy_uwsgi')],
  // mod_proxy_http2 takes h2 (TLS) and h2c (cleartext); its Depends pulls in mod_http2.
  h2: [need('proxy_http2', 'h2:// targets are handled by mod_proxy_http2'), need('ssl', TLS_REASON('h2'))],
  h2c: [need('proxy_http2', 'h2c:// targets are handled by mod_proxy_http2')],
  ftp: [need('proxy_ftp', 'ftp:// targets are handled by mod_proxy_ftp')],
  // mod_proxy_fdpass passes the client socket to a process on a Unix socket: `unix:/path|fd://`.
  fd: [need('proxy_fdpass', 'fd:// targets are handled by mod_proxy_fdpass')],
};

/** The schemes a proxy target may use, lower-case. */
export const PROXY_SCHEMES: readonly string[] = [...Object.keys(SCHEMES), 'balancer'].sort();

/**
 * Modules a balancer needs besides its members' own: mod_proxy_balancer for the scheme (without it, 500
 * "No protocol handler … (scheme 'balancer')"); mod_slotmem_shm, whose "shm" slotmem provider
 * mod_proxy_balancer looks up at start-up (AH01177, the server does not start); and the lbmethod provider —
 * byrequests unless `lbmethod=` says otherwise — or the server does not start either.
 */
export function modulesForBalancer(lbmethod = 'byrequests'): ModuleRequirement[] {
  // Provider names match exactly (ap_lookup_provider() hashes them): `lbmethod=ByRequests` is "unknown lbmethod".
  const method = lbmethod;
  const lb = Object.hasOwn(LBMETHOD_MODULES, method) ? LBMETHOD_MODULES[method] : undefined;
  const out = [
    need('proxy_balancer', 'balancer:// targets are handled by mod_proxy_balancer'),
    need('slotmem_shm', 'mod_proxy_balancer keeps member state in the "shm" slotmem provider of mod_slotmem_shm; without it Apache does not start'),
  ];
  if (lb) out.push(need(lb, `lbmethod ${method}${lbmethod === 'byrequests' ? ' (the default)' : ''} is provided by mod_${lb}; without it Apache does not start`));
  return out;
}

export interface ParsedProxyUrl {
  /** Lower-case scheme the handler sees: for `unix:/path|http://host/` that is `http`. */
  readonly scheme: string;
  /** The Unix socket path of a `unix:` URL. */
  readonly socket?: string;
}

/**
 * The scheme a ProxyPass/BalancerMember target is handled under. mod_proxy.c ap_proxy_de_socketfy(): a
 * `unix:/path|scheme://…` URL is served as the part after `|` (`unix:/path|http:` is short for
 * `…|http://localhost`); a `unix:` URL with no `|` or no scheme after it is refused at start-up. Null for
 * `!` and for text that is not a URL.
 */
export function proxyUrlScheme(url: string): ParsedProxyUrl | null {
  if (/^unix:/i.test(url)) {
    const bar = url.indexOf('|', 5);
    if (bar < 0) return null;
    const inner = proxyUrlScheme(url.slice(bar + 1));
    return inner && !/^unix:/i.test(url.slice(bar + 1)) ? { scheme: inner.scheme, socket: url.slice(5, bar) } : null;
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(url);
  return m ? { scheme: nameKey(m[1]!) } : null;
}

export interface ProxyUrlOptions {
  /** `lbmethod=` given for a balancer target (ProxyPass params or ProxySet). */
  readonly lbmethod?: string;
}

/**
 * The modules a proxy target needs, with the reason for each: mod_proxy itself, then the scheme's handler
 * (and mod_ssl for TLS schemes); for `balancer://` the balancer, its slotmem provider and lbmethod module — the
 * members' own schemes are each member URL's business. Unknown schemes give just mod_proxy: no Debian module
 * handles them, which is a separate diagnostic.
 */
export function modulesForProxyUrl(url: string, options: ProxyUrlOptions = {}): ModuleRequirement[] {
  const out = [need('proxy', 'ProxyPass and the reverse proxy itself are mod_proxy')];
  const parsed = proxyUrlScheme(url);
  if (!parsed) return out;
  if (parsed.scheme === 'balancer') return [...out, ...modulesForBalancer(options.lbmethod)];
  return [...out, ...(SCHEMES[parsed.scheme] ?? [])];
}

/** Whether any Debian module handles the scheme (`balancer` included). */
export function isKnownProxyScheme(scheme: string): boolean {
  return PROXY_SCHEMES.includes(nameKey(scheme));
}

/**
 * Proxy features tied to a module rather than a scheme: forward-proxy CONNECT (`AllowCONNECT`, HTTPS through
 * `ProxyRequests On`) is mod_proxy_connect; `hc*` worker keys, ProxyHCExpr and ProxyHCTemplate are
 * mod_proxy_hcheck; ProxyExpressEnable is mod_proxy_express; ProxyHTML* is mod_proxy_html.
 */
export const FEATURE_MODULES: Readonly<Record<string, ModuleRequirement>> = {
  connect: need('proxy_connect', 'the CONNECT method (tunnelling HTTPS through a forward proxy) is handled by mod_proxy_connect'),
  hcheck: need('proxy_hcheck', 'hc* worker parameters and health checks are mod_proxy_hcheck'),
  express: need('proxy_express', 'dynamic mass reverse proxying (ProxyExpress*) is mod_proxy_express'),
  html: need('proxy_html', 'rewriting links in proxied HTML (ProxyHTML*) is mod_proxy_html'),
};
