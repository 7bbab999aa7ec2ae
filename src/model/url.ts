/**
 * Proxy target URLs the way mod_proxy reads them (proxy_util.c ap_proxy_define_worker_ex, mod_proxy.c
 * ap_proxy_de_socketfy): `scheme://[user[:pass]@]host[:port][/path]`, `unix:/socket|scheme://host/path` (with
 * `unix:/socket|scheme:` short for `…|scheme://localhost`), and `balancer://name[/path]`. A URL without a host is
 * refused at start-up ("URL must be absolute!").
 */
import { nameKey } from '../syntax/names.js';
import type { Target } from './types.js';

/** apr_uri_port_of_scheme() plus mod_proxy's own table (proxy_util.c ap_proxy_port_of_scheme). */
const DEFAULT_PORTS: Readonly<Record<string, number>> = {
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
  h2c: 80,
  h2: 443,
  ajp: 8009,
  fcgi: 8000,
  scgi: 4000,
  uwsgi: 3031,
  ftp: 21,
};

export function defaultPort(scheme: string): number | null {
  const key = nameKey(scheme);
  return Object.hasOwn(DEFAULT_PORTS, key) ? DEFAULT_PORTS[key]! : null;
}

export type TargetResult = { ok: true; target: Target } | { ok: false; message: string };

/** `scheme://authority/path` with the userinfo, host and port split out. */
const URL_RE = /^([A-Za-z][A-Za-z0-9+.-]*):\/\/([^/?#]*)(.*)$/s;

export function parseTarget(url: string): TargetResult {
  if (/^unix:/i.test(url)) return parseUnix(url);
  const m = URL_RE.exec(url);
  if (!m) return { ok: false, message: `"${url}" is not an absolute URL (scheme://host[:port]/path)` };
  const scheme = nameKey(m[1]!);
  const authority = m[2]!;
  const path = m[3]!;
  const hostPort = authority.includes('@') ? authority.slice(authority.lastIndexOf('@') + 1) : authority;
  const hp = splitHostPort(hostPort);
  if (hp === null) return { ok: false, message: `"${url}" has an invalid port` };
  if (scheme === 'balancer') {
    if (hp.host === '') return { ok: false, message: `"${url}" names no balancer (balancer://name/)` };
    // Balancer names compare case-insensitively: ap_proxy_get_balancer() lower-cases the URL first.
    return { ok: true, target: { url, scheme, host: hp.host, port: null, path, balancer: nameKey(hp.host), unixSocket: null } };
  }
  if (hp.host === '') return { ok: false, message: `"${url}" has no host: mod_proxy says "URL must be absolute!"` };
  return { ok: true, target: { url, scheme, host: nameKey(hp.host), port: hp.port ?? defaultPort(scheme), path, balancer: null, unixSocket: null } };
}

function parseUnix(url: string): TargetResult {
  const bar = url.indexOf('|', 5);
  if (bar < 0) return { ok: false, message: `"${url}" is an invalid "unix:" URL: it needs |scheme://… after the socket path` };
  const socket = url.slice(5, bar);
  let inner = url.slice(bar + 1);
  const colon = inner.indexOf(':');
  if (colon < 0) return { ok: false, message: `"${url}" is an invalid "unix:" URL: no scheme after |` };
  if (colon === inner.length - 1) inner = `${inner}//localhost`;
  const m = URL_RE.exec(inner);
  if (!m || /^unix$/i.test(m[1]!)) return { ok: false, message: `"${url}" is an invalid "unix:" URL` };
  const scheme = nameKey(m[1]!);
  const hp = splitHostPort(m[2]!.slice(m[2]!.lastIndexOf('@') + 1));
  // The host of a unix-socket URL only names the worker; the connection goes to the socket.
  return { ok: true, target: { url, scheme, host: nameKey(hp?.host || 'localhost'), port: null, path: m[3]!, balancer: null, unixSocket: socket.replace(/^\/\/(?=\/)/, '') } };
}

function splitHostPort(s: string): { host: string; port: number | null } | null {
  let host = s;
  let portText: string | null = null;
  if (s.startsWith('[')) {
    const end = s.indexOf(']');
    if (end < 0) return null;
    host = s.slice(0, end + 1);
    const rest = s.slice(end + 1);
    if (rest.startsWith(':')) portText = rest.slice(1);
    else if (rest !== '') return null;
  } else {
    const colon = s.lastIndexOf(':');
    if (colon >= 0) {
      host = s.slice(0, colon);
      portText = s.slice(colon + 1);
    }
  }
  if (portText === null || portText === '') return { host, port: null };
  // A `$1` in the port of a ProxyPassMatch URL is substituted per request (proxy_util.c keeps it in the path).
  if (!/^\d+$/.test(portText)) return /^\$\d/.test(portText) ? { host, port: null } : null;
  const port = Number(portText);
  return port > 65535 ? null : { host, port };
}
