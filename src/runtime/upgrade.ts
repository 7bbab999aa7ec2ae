/**
 * Protocol upgrades (WebSocket and others) as mod_proxy_http 2.4.47+ does them. A request with an `Upgrade:`
 * header is tunnelled when its worker may upgrade to that protocol (ap_proxy_worker_can_upgrade: the worker's
 * `upgrade=` list, `*` for any, else `websocket` for `ws://`/`wss://` targets; handler.ts decides). The request
 * goes to the backend with `Connection: Upgrade` and the client's `Upgrade`; the tunnel opens only after the
 * backend's 101 (CVE-2019-17567), and any other answer is relayed as an ordinary response.
 *
 * The tunnel is apx's own (node:http's 'upgrade' event and two pipes) rather than http-proxy's `ws()`, which
 * destroys every upgrade request that is not `GET` + `Upgrade: websocket` — httpd forwards any method and, with
 * `upgrade=*`, any protocol — and has no timeouts. Once open it behaves as ap_proxy_tunnel_run()
 * (modules/proxy/proxy_util.c), see joinTunnel().
 */
import { request as httpRequest, type ClientRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { isIP, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { filterResponseHeaders, getHeader, pairsFromRaw, type HeaderPairs } from './headers.js';

/** ap_proxy_worker_can_upgrade: the worker's `upgrade=` list, else the scheme's default. */
export function canUpgrade(workerUpgrade: string | null, scheme: string, requested: string): boolean {
  const want = requested.trim().toLowerCase();
  if (!want) return false;
  if (workerUpgrade !== null && workerUpgrade !== '') {
    return workerUpgrade
      .split(/[\s,]+/)
      .map((t) => t.toLowerCase())
      .some((t) => t === '*' || t === 'any' || t === want);
  }
  return (scheme === 'ws' || scheme === 'wss') && want === 'websocket';
}

export interface TunnelTimeouts {
  /** Seconds: `Timeout` of the server (virtual host) that took the request. */
  readonly client: number;
  /** Seconds: the worker's `timeout=` (the model resolves ProxyTimeout and Timeout into it). */
  readonly backend: number;
}

export interface TunnelOptions {
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly scheme: string;
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
  /** Headers for the backend, Upgrade/Connection included. */
  readonly headers: HeaderPairs;
  readonly timeouts: TunnelTimeouts;
  /** TLS options for wss/https backends (the worker's: SSLProxyVerify and friends); null = no verification. */
  readonly tls: Readonly<Record<string, unknown>> | null;
  /** `answered`: something (the 101, or the backend's refusal) was already written to the client. */
  readonly onError: (err: Error & { code?: string }, answered: boolean) => void;
  /** The backend's answer: 101, or the status of its refusal. */
  readonly onStatus: (status: number) => void;
}

/** http-proxy's setupSocket, which the tunnel used to get: no idle timer of Node's own, no Nagle delay. */
function setupSocket(s: Duplex): void {
  const sock = s as Partial<Socket>;
  sock.setTimeout?.(0);
  sock.setNoDelay?.(true);
  sock.setKeepAlive?.(true, 0);
}

function headText(statusLine: string, headers: HeaderPairs): string {
  return `${statusLine}\r\n${headers.map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
}

export function tunnel(o: TunnelOptions): void {
  const client = o.socket;
  const secure = o.scheme === 'https' || o.scheme === 'wss';
  setupSocket(client);
  const flat = o.headers.flatMap(([k, v]) => [k, v]);
  const preq: ClientRequest = (secure ? httpsRequest : httpRequest)({
    host: o.hostname,
    port: o.port,
    method: o.req.method ?? 'GET',
    path: o.path,
    headers: flat,
    setHost: false,
    // A tunnel never goes back to a pool.
    agent: false,
    ...(secure ? { rejectUnauthorized: false, ...o.tls, ...(isIP(o.hostname) ? {} : { servername: o.hostname }) } : {}),
  });
  let upgraded = false;
  let answered = false;
  /** onError was called: report one failure per request. */
  let failed = false;
  // A client that leaves before the backend answers takes the backend request with it.
  const onClientGone = (): void => void (upgraded || preq.destroy());
  client.once('close', onClientGone);

  // mod_proxy_http reads the backend's answer with the backend connection's timeout (the worker's timeout=, else
  // ProxyTimeout, else Timeout); running out is a 502 like any backend read timeout.
  if (o.timeouts.backend > 0) {
    preq.setTimeout(o.timeouts.backend * 1000, () => {
      preq.destroy(Object.assign(new Error('The timeout specified has expired'), { code: 'ETIMEDOUT' }));
    });
  }

  // mod_proxy_http: a 101 must name the protocol the client asked for, else 502 "Unexpected Upgrade: …".
  const requested = getHeader(o.headers, 'upgrade') ?? '';
  const unexpected = (offered: string | null): void => {
    failed = true;
    preq.destroy();
    o.onError(Object.assign(new Error(`Unexpected Upgrade: ${offered ?? 'n/a'} (expecting ${requested || 'n/a'})`), { code: 'EPROTO' }), false);
  };

  preq.on('error', (err: Error & { code?: string }) => {
    // After the 101 a socket error is the tunnel ending (joinTunnel closes the other side after its pending
    // bytes); httpd logs a failed tunnel read only at debug level (proxy_util.c proxy_transfer, AH03308).
    if (upgraded || failed) return;
    failed = true;
    o.onError(err, answered);
  });

  // The backend declined the upgrade: relay its answer as an ordinary response (hop-by-hop fields dropped, the
  // body re-framed by Content-Length or the connection's end), then close the client connection.
  preq.on('response', (res: IncomingMessage) => {
    // A 101 without an Upgrade field (node:http only treats a 101 that names a protocol as an upgrade).
    if (res.statusCode === 101) return unexpected(null);
    o.onStatus(res.statusCode ?? 0);
    answered = true;
    const headers = filterResponseHeaders(pairsFromRaw(res.rawHeaders), res.statusCode ?? 0);
    headers.push(['Connection', 'close']);
    client.write(headText(`HTTP/1.1 ${res.statusCode} ${res.statusMessage ?? ''}`, headers));
    res.pipe(client);
    res.on('error', () => client.destroy());
  });

  preq.on('upgrade', (res: IncomingMessage, backend: Socket, backendHead: Buffer) => {
    backend.on('error', () => {});
    const offered = getHeader(pairsFromRaw(res.rawHeaders), 'upgrade');
    if (!offered || offered.trim().toLowerCase() !== requested.trim().toLowerCase()) {
      backend.destroy();
      return unexpected(offered ?? null);
    }
    upgraded = true;
    answered = true;
    client.removeListener('close', onClientGone);
    o.onStatus(101);
    setupSocket(backend);
    // Keep writing to the backend after it ended its side (node:http's client sockets would end ours with it):
    // httpd forwards the half-close and goes on relaying the other direction.
    backend.allowHalfOpen = true;
    // The 101 as ap_send_interim_response sends it: the backend's fields without hop-by-hop ones, then
    // `Connection: Upgrade` and the backend's `Upgrade`.
    const head = filterResponseHeaders(pairsFromRaw(res.rawHeaders), 101).filter(([k]) => !/^(connection|upgrade)$/i.test(k));
    head.push(['Connection', 'Upgrade'], ['Upgrade', offered]);
    client.write(headText('HTTP/1.1 101 Switching Protocols', head));
    // Bytes that arrived with the heads belong to the tunnel: the backend's to the client, the client's to the backend.
    if (backendHead.length) client.write(backendHead);
    if (o.head.length) backend.write(o.head);
    joinTunnel(client, backend, Math.max(o.timeouts.client, o.timeouts.backend));
  });

  preq.end();
}

/**
 * Relay bytes both ways as ap_proxy_tunnel_run() does:
 * - Backpressure: a side is read only while the other side's output is not pending (pipe() pauses the source when
 *   the destination's buffer is full, as the tunnel's AP_PROXY_TRANSFER_YIELD_PENDING stops reading), so neither
 *   direction buffers more than a socket's high-water mark in apx.
 * - Half-close: one side's end is forwarded as an end on the other after the pending bytes (pipe() does), and a
 *   side that is gone (closed, reset) has the other ended after its pending bytes are written, never cut: what
 *   the backend sent before dying still reaches the client.
 * - Idle timeout: the tunnel ends, both connections closed without a WebSocket close frame (peers see 1006), when
 *   nothing moved either way for `idleSeconds`. mod_proxy_http sets the tunnel's poll timeout to the larger of the
 *   client connection's timeout (`Timeout` of the server that took the request) and the backend's (the worker's
 *   `timeout=`, else `ProxyTimeout`, else `Timeout`). Stalled writes count as idle, as a poll without events does.
 */
function joinTunnel(client: Duplex, backend: Duplex, idleSeconds: number): void {
  const sockets = [client, backend];
  const timer = idleSeconds > 0 ? setTimeout(() => sockets.forEach((s) => s.destroy()), idleSeconds * 1000) : null;
  const touch = (): void => void timer?.refresh();
  let open = 2;
  for (const s of sockets) {
    const other = s === client ? backend : client;
    s.pipe(other);
    s.on('data', touch);
    s.on('drain', touch);
    s.once('close', () => {
      if (!other.destroyed && !other.writableEnded) other.end();
      if (--open === 0 && timer) clearTimeout(timer);
    });
  }
}
