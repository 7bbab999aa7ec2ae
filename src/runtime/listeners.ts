/**
 * Which sockets to open: one per model listener (`Listen`), or where `--listen` overrides say. A model with no
 * Listen (a lone vhost file compiled without ports.conf) listens on its vhosts' ports.
 */
import { completeModel } from '../model/legacy.js';
import { DEFAULT_KEEP_ALIVE, DEFAULT_KEEP_ALIVE_TIMEOUT_MS, DEFAULT_MAX_KEEP_ALIVE_REQUESTS, DEFAULT_REQUEST_READ_TIMEOUT } from '../model/client-timeouts.js';
import type { IncomingMessage, Server as HttpServer, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { ProxyModel, ReadTimeoutStage, Server } from '../model/types.js';
import type { ListenOverride } from './index.js';
import { StartupError } from './startup-error.js';

export interface PlannedSocket {
  /** Address to bind; null for all addresses. */
  readonly host: string | null;
  readonly port: number;
  /** The model listener ports served here (vhost candidates come from these listeners, in this order). */
  readonly servesPorts: readonly number[];
  /** Indices into model.virtualHosts, in config order, deduplicated. */
  readonly virtualHosts: readonly number[];
  readonly protocol: string | null;
}

interface ModelListener {
  host: string | null;
  port: number;
  protocol: string | null;
  virtualHosts: number[];
}

function modelListeners(model: ProxyModel): ModelListener[] {
  if (model.listeners.length) {
    return model.listeners.map((l) => ({
      host: l.host,
      port: l.port,
      protocol: l.protocol,
      virtualHosts: l.virtualHosts.length ? [...l.virtualHosts] : vhostsForPort(model, l.port, l.host),
    }));
  }
  const ports = new Set<number>();
  for (const v of model.virtualHosts) for (const a of v.addresses) if (a.port !== null) ports.add(a.port);
  if (ports.size === 0) ports.add(80);
  return [...ports].map((port) => ({ host: null, port, protocol: null, virtualHosts: vhostsForPort(model, port, null) }));
}

/** vhosts whose addresses take this port (a `*` port takes any) and this address (or any). */
function vhostsForPort(model: ProxyModel, port: number, host: string | null): number[] {
  const out: number[] = [];
  model.virtualHosts.forEach((v, i) => {
    if (v.addresses.some((a) => (a.port === null || a.port === port) && (host === null || a.host === null || a.host === host))) out.push(i);
  });
  return out;
}

export function planSockets(model: ProxyModel, overrides: readonly ListenOverride[] | undefined): PlannedSocket[] {
  const listeners = modelListeners(model);
  if (!overrides || overrides.length === 0) {
    return listeners.map((l) => ({ host: l.host, port: l.port, servesPorts: [l.port], virtualHosts: l.virtualHosts, protocol: l.protocol }));
  }
  const out: PlannedSocket[] = [];
  for (const o of overrides) {
    const chosen = o.port === null ? listeners : listeners.filter((l) => l.port === o.port);
    if (chosen.length === 0) {
      const known = listeners.map((l) => l.port).join(', ');
      throw new StartupError(
        `--listen ${o.port}=${o.host}:${o.listenPort}: the config does not listen on port ${o.port} (it listens on ${known || 'no port'})`,
        known ? `map one of its ports, e.g. --listen ${listeners[0]!.port}=${o.host}:${o.listenPort}` : null,
      );
    }
    if (o.listenPort === 0 && chosen.length > 1) {
      // Port 0: each listener gets its own free port.
      for (const l of chosen) out.push({ host: o.host, port: 0, servesPorts: [l.port], virtualHosts: l.virtualHosts, protocol: l.protocol });
      continue;
    }
    const vh: number[] = [];
    for (const l of chosen) for (const i of l.virtualHosts) if (!vh.includes(i)) vh.push(i);
    out.push({ host: o.host, port: o.listenPort, servesPorts: chosen.map((l) => l.port), virtualHosts: vh, protocol: chosen[0]!.protocol });
  }
  return out;
}

/**
 * `--listen …:0` made concrete: each port-0 override replaced by the ports its sockets were given (`bound`, in plan
 * order, as startProxy reports them). The cluster primary hands these to replacement workers: node:cluster binds
 * a fresh port for port 0 once every worker holding the old socket has died, and a replacement must serve the
 * address that was printed, not a new one.
 */
export function pinListenPorts(model: ProxyModel, overrides: readonly ListenOverride[], bound: readonly { readonly port: number; readonly servesPort: number }[]): ListenOverride[] {
  const out: ListenOverride[] = [];
  let next = 0;
  for (const o of overrides) {
    const count = planSockets(model, [o]).length;
    const mine = bound.slice(next, next + count);
    next += count;
    if (o.listenPort !== 0 || mine.length !== count) out.push(o);
    else if (count === 1) out.push({ ...o, listenPort: mine[0]!.port });
    else for (const a of mine) out.push({ port: a.servesPort, host: o.host, listenPort: a.port });
  }
  return out;
}

// ──────────── slow clients: RequestReadTimeout, KeepAliveTimeout; KeepAlive, MaxKeepAliveRequests ────────────

/** One stage of mod_reqtimeout's `RequestReadTimeout`: `header=20-40,MinRate=500` → {20, 40, 500}. Seconds, bytes/s. */
export type ReadTimeout = ReadTimeoutStage;

export interface ClientTimeouts {
  /** null: `header=0`, no limit. */
  readonly header: ReadTimeout | null;
  readonly body: ReadTimeout | null;
  /** `KeepAliveTimeout`, in milliseconds. */
  readonly keepAliveMs: number;
  /** `KeepAlive`: false closes every connection after its first response. */
  readonly keepAlive: boolean;
  /** `MaxKeepAliveRequests` as httpd reads it: 0 unlimited, negative keeps no connection alive. */
  readonly maxKeepAliveRequests: number;
}

/**
 * httpd 2.4's defaults when mod_reqtimeout is loaded (Debian enables it): `header=20-40,MinRate=500
 * body=20,MinRate=500` (mod_reqtimeout.c MRT_DEFAULT_*), and core's `KeepAliveTimeout 5`, `KeepAlive On`,
 * `MaxKeepAliveRequests 100`.
 */
export const APACHE_CLIENT_TIMEOUTS: ClientTimeouts = {
  header: DEFAULT_REQUEST_READ_TIMEOUT.header,
  body: DEFAULT_REQUEST_READ_TIMEOUT.body,
  keepAliveMs: DEFAULT_KEEP_ALIVE_TIMEOUT_MS,
  keepAlive: DEFAULT_KEEP_ALIVE,
  maxKeepAliveRequests: DEFAULT_MAX_KEEP_ALIVE_REQUESTS,
};

/**
 * The client timeouts a model asks for, from the servers' typed fields (`requestReadTimeout`,
 * `keepAliveTimeoutMs`, `keepAlive`, `maxKeepAliveRequests`). httpd takes them from the server a connection arrived on
 * (the keep-alive limits even from the name-based vhost each request selects); apx builds one set per
 * process, so each value is the one the *last* server in config order sets for itself — a <VirtualHost> whose
 * value differs from the main server's (it wrote its own), else the main server's — stage by stage, as the
 * runtime did when it read the last directive in config order (docs/deviations.md). A server without
 * mod_reqtimeout (`requestReadTimeout: null`) keeps httpd's Debian defaults: apx never serves without read deadlines.
 */
export function clientTimeouts(model: ProxyModel): ClientTimeouts {
  const m = completeModel(model);
  const main = m.mainServer;
  const last = <T>(get: (s: Server) => T | undefined, fallback: T): T => {
    const base = get(main);
    let value = base === undefined ? fallback : base;
    for (const v of m.virtualHosts) {
      const own = get(v);
      if (own !== undefined && JSON.stringify(own) !== JSON.stringify(base)) value = own;
    }
    return value;
  };
  const stage = (k: 'header' | 'body') => (s: Server): ReadTimeout | null | undefined => (s.requestReadTimeout == null ? undefined : s.requestReadTimeout[k]);
  return {
    header: last(stage('header'), APACHE_CLIENT_TIMEOUTS.header),
    body: last(stage('body'), APACHE_CLIENT_TIMEOUTS.body),
    keepAliveMs: last((s) => s.keepAliveTimeoutMs, APACHE_CLIENT_TIMEOUTS.keepAliveMs),
    keepAlive: last((s) => s.keepAlive, APACHE_CLIENT_TIMEOUTS.keepAlive),
    maxKeepAliveRequests: last((s) => s.maxKeepAliveRequests, APACHE_CLIENT_TIMEOUTS.maxKeepAliveRequests),
  };
}

/**
 * Node's server options for these timeouts. Node has fixed deadlines, not mod_reqtimeout's rate-based
 * extension: the header deadline is the *initial* header timeout (a slowloris trickling bytes gets no more time;
 * a real client sends its head in one packet). A body with `MinRate` has no fixed deadline in httpd (a large
 * upload at a good rate may take minutes), so no `requestTimeout` then; a body without `MinRate` is a fixed
 * deadline after the head. Node checks its deadlines every `connectionsCheckingInterval` (30 s by default, far
 * coarser than the timeouts): a tenth of the header timeout, between 50 ms and 1 s. `maxRequestsPerSocket`: see
 * requestsPerConnection — Node's http.Server takes it as a property, not as a constructor option (Node 20 ignores
 * it there): limitRequestsPerConnection applies it.
 */
export function serverTimeoutOptions(t: ClientTimeouts): {
  headersTimeout: number;
  requestTimeout: number;
  keepAliveTimeout: number;
  connectionsCheckingInterval: number;
  maxRequestsPerSocket: number;
} {
  // header=0: Node's own ceiling (60 s) stays; 0 there would make headersTimeout > requestTimeout invalid.
  const headersTimeout = t.header ? t.header.initial * 1000 : 60_000;
  const requestTimeout = t.body && t.body.minRate === null ? headersTimeout + (t.body.max ?? t.body.initial) * 1000 : 0;
  return {
    headersTimeout,
    requestTimeout,
    keepAliveTimeout: t.keepAliveMs,
    connectionsCheckingInterval: Math.max(50, Math.min(1000, Math.floor(headersTimeout / 10))),
    maxRequestsPerSocket: requestsPerConnection(t),
  };
}

/**
 * How many requests one client connection carries, as Node's `server.maxRequestsPerSocket` counts them (0:
 * unlimited; the response to the last one says `Connection: close` and the connection ends after it).
 * httpd (http_protocol.c ap_set_keepalive) keeps a connection open after a response while `KeepAlive` is on,
 * `KeepAliveTimeout` is above 0, and `MaxKeepAliveRequests` is 0 or above the number of responses it already kept
 * the connection open for. So `MaxKeepAliveRequests N` answers N + 1 requests (the N+1th with `Connection: close`),
 * `KeepAlive Off`, `KeepAliveTimeout 0` or a negative N answer one. (Node's `keepAliveTimeout: 0` would mean "no
 * idle timeout"; with one request per connection it never applies.)
 */
export function requestsPerConnection(t: Pick<ClientTimeouts, 'keepAlive' | 'keepAliveMs' | 'maxKeepAliveRequests'>): number {
  if (!t.keepAlive || t.keepAliveMs <= 0 || t.maxKeepAliveRequests < 0) return 1;
  return t.maxKeepAliveRequests === 0 ? 0 : t.maxKeepAliveRequests + 1;
}

/**
 * Make `server` close each client connection after `max` requests (0: never), as httpd does: the last response says
 * `Connection: close` and the connection ends once it is sent; requests the client pipelined behind it are left
 * unanswered (httpd stops reading, and a client retries them on a new connection).
 * Node's `maxRequestsPerSocket` alone does half of it: it writes `Connection: close` on the max-th response but
 * keeps the connection open (documented: "will not actually close the connection") and answers every later request
 * on it with 503. So it is set — it keeps the requests past the limit from reaching the proxy at all ('dropRequest',
 * before 'request') — and the max-th response is also marked not to keep the connection alive, which makes Node end
 * the connection once it is written and never send the 503s queued behind it (resOnFinish: a `_last` response
 * closes the socket instead of starting the next queued one). Call once per server, before it gets connections.
 */
export function limitRequestsPerConnection(server: HttpServer, max: number): void {
  server.maxRequestsPerSocket = max;
  // Before apx's own 'request' listener: the count (and the flag) must be there before the handler runs.
  server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
    const n = countRequest(req.socket);
    if (max > 0 && n >= max) res.shouldKeepAlive = false;
  });
}

const REQUESTS = Symbol('apx.requestsOnConnection');
type Counted = { [REQUESTS]?: number };

/**
 * Count a request on its client connection — once per request, before any handler: the 'request' listener above,
 * and the server's 'upgrade' listener for requests Node hands there — and return how many the connection has
 * carried, this one included. The one counter behind MaxKeepAliveRequests and the access log's %k.
 */
export function countRequest(socket: Duplex): number {
  const s = socket as Duplex & Counted;
  return (s[REQUESTS] = (s[REQUESTS] ?? 0) + 1);
}

/** Requests counted on this connection so far, the current one included (0 before the first). */
export function requestsOn(socket: Duplex): number {
  return (socket as Duplex & Counted)[REQUESTS] ?? 0;
}

/**
 * The answer to a `clientError`: **408** when a read deadline passed (Node's ERR_HTTP_REQUEST_TIMEOUT) on a
 * connection that sent part of a request, as mod_reqtimeout answers (observed on httpd 2.4.71 with
 * `RequestReadTimeout header=1`: `408 Request Timeout`, "Server timeout waiting for the HTTP request from the
 * client."); **null** — close without a word — when it sent nothing at all, as httpd does for an idle new
 * connection; 400 for a head Node could not parse.
 */
export function clientErrorStatus(err: { readonly code?: string }, bytesRead: number): 400 | 408 | null {
  if (err.code !== 'ERR_HTTP_REQUEST_TIMEOUT') return 400;
  return bytesRead > 0 ? 408 : null;
}
