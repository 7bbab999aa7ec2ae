/**
 * Which server (vhost) answers a request, as server/vhost.c decides: by the local address first (an exact IP before
 * `*`), then the Host against ServerName/ServerAlias, the first of the address as default — and mod_ssl's check
 * that Host and SNI agree on the TLS setup.
 */
import type { IncomingMessage } from 'node:http';
import type { Server } from '../model/types.js';
import type { ServerRuntime } from './context.js';

export interface ListenerContext {
  /** The vhosts answering on this socket, in config order (the first is the default). */
  readonly candidates: readonly ServerRuntime[];
  readonly main: ServerRuntime;
  readonly scheme: 'http' | 'https';
  /** The model listener port this socket serves. */
  readonly servesPort: number;
}

/** vhost.c: by address (exact IP before `*`), then Host against ServerName/ServerAlias; the first is the default. */
export function selectServer(ctx: ListenerContext, host: string | null, localIp: string): ServerRuntime {
  if (ctx.candidates.length === 0) return ctx.main;
  const list = byAddress(ctx, localIp);
  if (host) {
    const h = hostOnly(host).toLowerCase().replace(/\.$/, '');
    for (const s of list) if (s.matches(h)) return s;
  }
  return list[0]!;
}

/**
 * The vhosts an address selects (exact IP before `*`), worked out once per listener and local address: every
 * request asks, two or three times, and the answer only changes with the configuration (a new generation brings
 * new ListenerContexts).
 */
const addressLists = new WeakMap<ListenerContext, Map<string, readonly ServerRuntime[]>>();

function byAddress(ctx: ListenerContext, localIp: string): readonly ServerRuntime[] {
  let lists = addressLists.get(ctx);
  if (!lists) addressLists.set(ctx, (lists = new Map()));
  let list = lists.get(localIp);
  if (!list) {
    const exact = ctx.candidates.filter((s) => 'addresses' in s.server && s.server.addresses.some((a) => a.host === localIp));
    list = exact.length ? exact : ctx.candidates;
    // A listener on `*` sees as many local addresses as the host has; a bound keeps a hostile client from growing it.
    if (lists.size < 64) lists.set(localIp, list);
  }
  return list;
}

/**
 * mod_ssl ssl_hook_ReadReq: on a connection whose TLS handshake named a host (SNI), a request whose Host selects
 * another vhost with a different SSL setup is refused with 421 (AH02032) — its certificate and TLS parameters were
 * never negotiated. Returns the error-log message, or null when the request may proceed.
 */
export function sniMismatch(socket: IncomingMessage['socket'], lctx: ListenerContext, sr: ServerRuntime, localIp: string): string | null {
  const sni = (socket as { servername?: unknown }).servername;
  if (lctx.scheme !== 'https' || typeof sni !== 'string' || sni === '') return null;
  const bySni = selectServer(lctx, sni, localIp);
  if (bySni === sr || sameTls(bySni.server.tls, sr.server.tls)) return null;
  return `AH02032: Hostname ${sni} provided via SNI and hostname ${sr.name} provided via HTTP have no compatible SSL setup`;
}

/** mod_ssl ssl_server_compatible: same certificate and key, protocols, cipher lists and cipher-order preference. */
function sameTls(a: Server['tls'], b: Server['tls']): boolean {
  if (a === null || b === null) return a === b;
  return (
    a.certificateFile === b.certificateFile &&
    a.certificateKeyFile === b.certificateKeyFile &&
    a.protocol === b.protocol &&
    a.cipherSuite === b.cipherSuite &&
    (a.tls13CipherSuite ?? null) === (b.tls13CipherSuite ?? null) &&
    (a.honorCipherOrder ?? null) === (b.honorCipherOrder ?? null)
  );
}

/** `example.com` from `example.com:8080`, `[::1]` from `[::1]:80`. */
export function hostOnly(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  const c = host.indexOf(':');
  return c >= 0 ? host.slice(0, c) : host;
}

export function hostPort(host: string): number | null {
  const m = /:(\d+)$/.exec(host);
  return m && !host.endsWith(']') ? Number(m[1]) : null;
}

export const stripV4Mapped = (ip: string | undefined): string =>
  ip === undefined ? '' : ip.startsWith('::ffff:') ? ip.replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/, '') : ip;
