/**
 * From the URL a route produced (`http://b:8080/x/y`, `balancer://c/x`, `unix:/s|http://h/x`) to where the request
 * goes: mod_proxy_http's canon handler (proxy_http_canon → ap_proxy_canon_netloc + ap_proxy_canonenc) and
 * mod_proxy_balancer's canon. A port that is not all digits makes the whole netloc a host name, which then fails
 * DNS: httpd answers 500 "DNS lookup failure for: b:8080x" (`ProxyPass /app2/ http://b:8080` + `/app2/x`).
 */
import { encodePath } from './uri.js';

export type BackendUrl =
  | {
      readonly kind: 'direct';
      readonly scheme: string;
      /** Host name (IPv6 without brackets). */
      readonly hostname: string;
      readonly port: number;
      /** host[:port] as the Host header carries it (port only when not the scheme's default). */
      readonly hostHeader: string;
      /** Encoded path + `?query`: the backend request-target. */
      readonly path: string;
      readonly socketPath: string | null;
    }
  | {
      readonly kind: 'balancer';
      readonly name: string;
      /** Encoded path, appended to the chosen member's URL (mod_proxy_balancer.c rewrite_url: no slash trimming). */
      readonly path: string;
      /** The client's query, sent on (null: none). */
      readonly query: string | null;
    }
  /** httpd refuses: status and the Reason text of its Proxy Error page. */
  | { readonly kind: 'error'; readonly status: number; readonly reason: string; readonly proxyError: boolean };

const DEFAULT_PORTS: Readonly<Record<string, number>> = { http: 80, https: 443, ws: 80, wss: 443, h2c: 80, h2: 443 };

export function defaultPort(scheme: string): number | null {
  return DEFAULT_PORTS[scheme] ?? null;
}

/** Schemes apx forwards; others are httpd's "No protocol handler was valid" 500 (fcgi, ajp… are not built in). */
const FORWARDED = new Set(['http', 'https', 'ws', 'wss']);

/**
 * No `noquery` here: in httpd that flag only sets the "proxy-noquery" note, which mod_proxy_fcgi reads to keep the
 * query out of SCRIPT_FILENAME. proxy_http_canon and the balancer's canon append r->args regardless, so an http(s)://
 * or balancer:// backend gets the query (checked on 2.4.71: `/nq/x?secret=1` arrives as `/nq/x?secret=1`).
 */
export interface ResolveOptions {
  /** The client's query (without `?`), null when none: always sent on. */
  readonly query: string | null;
  /** The path part is the client's raw path (nocanon): do not re-encode it. */
  readonly raw: boolean;
  /** AllowEncodedSlashes NoDecode: `%2F` left in the path stays encoded. */
  readonly keepEncodedSlashes: boolean;
}

export function resolveBackendUrl(url: string, opts: ResolveOptions): BackendUrl {
  let socketPath: string | null = null;
  let u = url;
  const unix = /^unix:([^|]*)\|(.*)$/i.exec(u);
  if (unix) {
    socketPath = unix[1]!;
    u = unix[2]!;
  }
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/]*)(\/.*)?$/s.exec(u);
  if (!m) return { kind: 'error', status: 500, reason: `No protocol handler was valid for the URL ${url}`, proxyError: false };
  const scheme = m[1]!.toLowerCase();
  const netloc = m[2]!;
  const rest = (m[3] ?? '/').slice(1);
  const encoded = opts.raw ? rest : encodePath(rest, opts.keepEncodedSlashes);
  const query = opts.query;
  const path = `/${encoded}${query !== null ? `?${query}` : ''}`;
  if (scheme === 'balancer') return { kind: 'balancer', name: netloc.toLowerCase(), path: `/${encoded}`, query };
  if (!FORWARDED.has(scheme)) {
    return { kind: 'error', status: 500, reason: `No protocol handler was valid for the URL ${url}`, proxyError: false };
  }
  const hostPort = netloc.replace(/^[^@]*@/, '');
  let hostname = hostPort;
  let port = defaultPort(scheme) ?? 80;
  let portWritten = false;
  const v6 = /^\[([^\]]*)\](?::(.*))?$/.exec(hostPort);
  if (v6) {
    hostname = v6[1]!;
    if (v6[2] !== undefined) {
      if (!/^\d+$/.test(v6[2])) return dnsFailure(hostPort);
      port = Number(v6[2]);
      portWritten = true;
    }
  } else {
    const colon = hostPort.lastIndexOf(':');
    if (colon >= 0) {
      const p = hostPort.slice(colon + 1);
      // ap_proxy_canon_netloc: a port that is not all digits stays part of the host name.
      if (/^\d+$/.test(p)) {
        hostname = hostPort.slice(0, colon);
        port = Number(p);
        portWritten = true;
      } else if (p !== '') return dnsFailure(hostPort);
      else hostname = hostPort.slice(0, colon);
    }
  }
  if (hostname === '' || port > 65535) return dnsFailure(hostPort);
  const shownHost = v6 ? `[${hostname}]` : hostname;
  const hostHeader = portWritten && port !== defaultPort(scheme) ? `${shownHost}:${port}` : shownHost;
  return { kind: 'direct', scheme, hostname, port, hostHeader, path, socketPath };
}

function dnsFailure(host: string): BackendUrl {
  return { kind: 'error', status: 500, reason: `DNS lookup failure for: ${host}`, proxyError: true };
}


/** A balancer member's URL split once: where its requests go, and the path its URL carries (often none). */
interface MemberBase {
  readonly target: Extract<BackendUrl, { kind: 'direct' }>;
  readonly pathPrefix: string;
}

const memberBases = new Map<string, MemberBase | null>();

/**
 * mod_proxy_balancer's rewrite_url: the member's URL with the request's path appended, then canonicalised as a
 * nocanon URL — exactly `resolveBackendUrl(member + path, { query, raw: true })`, but the member's part (scheme,
 * host, port, Host header) is parsed once per member rather than once per request.
 */
export function resolveMemberUrl(member: string, path: string, query: string | null): BackendUrl {
  let base = memberBases.get(member);
  if (base === undefined) {
    base = splitMember(member);
    // Member URLs come from the configuration; the bound only guards against a pathological one.
    if (memberBases.size < 4096) memberBases.set(member, base);
  }
  if (base === null) return resolveBackendUrl(member + path, { query, raw: true, keepEncodedSlashes: false });
  const full = base.pathPrefix + path;
  return { ...base.target, path: query !== null ? `${full}?${query}` : full };
}

function splitMember(member: string): MemberBase | null {
  const bar = /^unix:/i.test(member) ? member.indexOf('|') : -1;
  const scheme = member.indexOf('://', bar + 1);
  if (scheme < 0) return null;
  const slash = member.indexOf('/', scheme + 3);
  const origin = slash < 0 ? member : member.slice(0, slash);
  const target = resolveBackendUrl(origin, { query: null, raw: true, keepEncodedSlashes: false });
  return target.kind === 'direct' ? { target, pathPrefix: slash < 0 ? '' : member.slice(slash) } : null;
}
