/**
 * Protocol upgrades (WebSocket) as mod_proxy_http 2.4.47+ does them (ap_proxy_worker_can_upgrade): a request with
 * `Upgrade: websocket` is tunnelled when its worker says `upgrade=websocket` (or `*`), or by default for `ws://` and
 * `wss://` targets; the tunnel opens only after the backend's 101 (CVE-2019-17567). Anything else is an ordinary
 * request with Upgrade stripped. The tunnel itself is http-proxy's `ws()`; apx sets the request line and headers
 * (the ProxyServer's `proxyReqWs` event fires synchronously, before the request is sent).
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type HttpProxy from 'http-proxy';
import type { HeaderPairs } from './headers.js';

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

interface PendingTunnel {
  readonly headers: HeaderPairs;
  readonly path: string;
  readonly onStatus: (status: number) => void;
}

const pending = new WeakMap<IncomingMessage, PendingTunnel>();

/** Install once per ProxyServer: applies apx's request line and headers to each WebSocket backend request. */
export function installTunnelHook(proxy: HttpProxy): void {
  proxy.on('proxyReqWs', (proxyReq: ClientRequest, req: IncomingMessage) => {
    const p = pending.get(req);
    if (!p) return;
    pending.delete(req);
    for (const name of proxyReq.getHeaderNames()) proxyReq.removeHeader(name);
    const grouped = new Map<string, { name: string; values: string[] }>();
    for (const [k, v] of p.headers) {
      const g = grouped.get(k.toLowerCase());
      if (g) g.values.push(v);
      else grouped.set(k.toLowerCase(), { name: k, values: [v] });
    }
    for (const { name, values } of grouped.values()) proxyReq.setHeader(name, values.length === 1 ? values[0]! : values);
    proxyReq.path = p.path;
    // A backend that declines the upgrade answers normally; http-proxy relays that answer as is.
    proxyReq.once('response', (res: IncomingMessage) => p.onStatus(res.statusCode ?? 0));
    // http-proxy pipes the two sockets but ends neither when the other closes without an error: tie them.
    proxyReq.once('upgrade', (_res: IncomingMessage, backend: Duplex) => {
      p.onStatus(101);
      const client = req.socket;
      const both = (): void => {
        client.destroy();
        backend.destroy();
      };
      client.once('close', both);
      backend.once('close', both);
    });
  });
}

export interface TunnelOptions {
  readonly proxy: HttpProxy;
  readonly req: IncomingMessage;
  readonly socket: Duplex;
  readonly head: Buffer;
  readonly scheme: string;
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
  /** Headers for the backend, Upgrade/Connection included. */
  readonly headers: HeaderPairs;
  /** `answered`: something (the 101, or the backend's refusal) was already written to the client. */
  readonly onError: (err: Error & { code?: string }, answered: boolean) => void;
  /** The backend's answer: 101, or the status of its refusal. */
  readonly onStatus: (status: number) => void;
}

export function tunnel(o: TunnelOptions): void {
  pending.set(o.req, { headers: o.headers, path: o.path, onStatus: o.onStatus });
  const written = (): number => (o.socket as Duplex & { bytesWritten?: number }).bytesWritten ?? 0;
  const before = written();
  const secure = o.scheme === 'https' || o.scheme === 'wss';
  o.proxy.ws(
    o.req,
    o.socket,
    o.head,
    {
      target: { protocol: secure ? 'https:' : 'http:', host: o.hostname, hostname: o.hostname, port: o.port },
      secure: false,
      ignorePath: true,
      prependPath: false,
    },
    (err: Error & { code?: string }) => {
      pending.delete(o.req);
      o.onError(err, written() > before);
    },
  );
}
