/**
 * src/runtime: the bundled reverse proxy, built from a ProxyModel only (it never sees the syntax tree).
 *
 * startProxy() decides everything it can up front — one socket per listener, per-server route and reverse tables,
 * workers and balancers with their lbmethod providers, compiled log formats — so a request only selects its
 * vhost, matches a route and forwards. See docs/runtime.md for the architecture and every deliberate difference
 * from Apache httpd.
 */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Server as NetServer } from 'node:net';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext, type Server as TlsServer } from 'node:tls';
import type { ProxyModel, Server } from '../model/types.js';
import { acceptInto, listenHandleOf } from './accept.js';
import { errorPage, ERROR_CONTENT_TYPE } from './errors.js';
import { clientErrorStatus, clientTimeouts, countRequest, limitRequestsPerConnection, planSockets, serverTimeoutOptions, type PlannedSocket } from './listeners.js';
import { ServerStatus } from './status/index.js';
import { Generation, samePlan } from './reload.js';
import { sameTlsOptions, serverTlsOptions, type NodeTlsOptions } from './tls-options.js';
import { attachSessionCache, sessionStoreForModel, wantsSessionCache, type SessionStore } from './tls-session-cache.js';
import { routeBySni, sniMatcher } from './tls-sni.js';

export { registerLbMethod, lbMethod, lbMethodNames, BalancerRuntime, type LbMethod } from './balancer.js';
export { compileLogFormat, type LogRecord } from './logformat.js';
export { StartupError } from './startup-error.js';
import { StartupError } from './startup-error.js';

/** `--listen [PORT=]HOST:PORT`: serve the model's listener on PORT (all of them when null) at host:listenPort. */
export interface ListenOverride {
  readonly port: number | null;
  readonly host: string;
  /** 0 picks a free port. */
  readonly listenPort: number;
}

export interface ServeOptions {
  readonly listen?: readonly ListenOverride[];
  /** Where access log lines go instead of the model's CustomLog targets (`--access-log -` → stdout); null = nowhere. */
  readonly accessLog?: NodeJS.WritableStream | null;
  /** Where error log lines go instead of the model's ErrorLog (default: stderr). */
  readonly errorLog?: NodeJS.WritableStream;
  /**
   * The 48 bytes that encrypt TLS session tickets (Node's `ticketKeys`), for every TLS socket and across reloads.
   * Processes serving the same sockets must share them, or a client resuming on another process gets a full
   * handshake: mod_ssl makes its keys once in the parent, before forking, so every child takes every ticket.
   * Default: random, made by this call. Additive.
   */
  readonly ticketKeys?: Buffer;
  /**
   * Where TLS sessions are kept when the config has an `SSLSessionCache` (stateful resumption; unused without one):
   * processes serving the same sockets pass one shared store, as httpd's children share shmcb. Default: a store in
   * this process, sized as the config says (sessionStoreFor). Additive.
   */
  readonly sessionStore?: SessionStore;
}

export interface BoundAddress {
  readonly host: string;
  readonly port: number;
  /** The model listener port this socket serves (80 for `*:80` served on 127.0.0.1:8000). */
  readonly servesPort: number;
  readonly url: string;
}

export interface RunningProxy {
  readonly addresses: readonly BoundAddress[];
  /** Stop accepting, let in-flight requests finish, then resolve. */
  close(): Promise<void>;
}

/** What startProxy() returns: a RunningProxy that can also reload its config in place. */
export interface ReloadableProxy extends RunningProxy {
  /**
   * Graceful reload (src/runtime/reload.ts): connections from now on use `model`; requests and WebSocket tunnels
   * in flight finish on the old one. Rejects, leaving the running config in place, when `model` cannot be served
   * (a route that does not compile, an unreadable certificate, listeners that moved). Additive.
   */
  reload(model: ProxyModel): Promise<void>;
  /**
   * The listening handle of each address, in `addresses` order (null once closed): what another process can send
   * back as a duplicate for acceptAlso(). Additive.
   */
  listenHandles(): readonly (object | null)[];
  /** Also accept the connections of address `index` on `handle`, a duplicate of its socket (src/runtime/accept.ts). */
  acceptAlso(index: number, handle: object): Promise<void>;
}

/** A listen failure in the user's terms (EADDRINUSE, EACCES), with the `--listen` hint. */
export class ListenError extends Error {
  override readonly name = 'ListenError';
  constructor(
    message: string,
    readonly code: string,
    readonly host: string,
    readonly port: number,
  ) {
    super(message);
  }
}

function listenMessage(code: string, host: string, port: number): string {
  const where = `${host.includes(':') ? `[${host}]` : host}:${port}`;
  if (code === 'EADDRINUSE') return `cannot listen on ${where}: the address is already in use; serve elsewhere with --listen 127.0.0.1:8000`;
  if (code === 'EACCES') return `cannot listen on ${where}: permission denied (ports below 1024 need root); serve elsewhere with --listen 127.0.0.1:8000`;
  if (code === 'EADDRNOTAVAIL') return `cannot listen on ${where}: no such local address; serve elsewhere with --listen 127.0.0.1:8000`;
  return `cannot listen on ${where} (${code}); serve elsewhere with --listen 127.0.0.1:8000`;
}

type SniCallback = (name: string, cb: (e: Error | null, ctx?: SecureContext) => void) => void;
/** What one TLS server of a socket is created with. */
type TlsServerOptions = NodeTlsOptions & { cert: Buffer; key: Buffer; SNICallback: SniCallback };
/** Name-based vhosts whose handshake settings differ from the socket's default ones (src/runtime/tls-sni.ts). */
interface SniGroup {
  /** Does an SNI name select one of the group's vhosts (ServerName/ServerAlias, wildcards as mod_ssl)? */
  readonly selects: (name: string) => boolean;
  readonly tls: TlsServerOptions;
}
type SocketTls = TlsServerOptions & { readonly groups: readonly SniGroup[] };

/**
 * TLS for a socket: the certificate of the first vhost on it with SSLEngine on, SNI for the others; the handshake
 * options (SSLProtocol, SSLCipherSuite, SSLHonorCipherOrder → src/runtime/tls-options.ts) of that first vhost, and
 * one group per other set of options among the name-based vhosts, served by routing on the ClientHello's SNI name as
 * mod_ssl's ssl_find_vhost switches them: the vhost's range when it has an SSLProtocol (own or inherited), else the
 * connection's; its cipher lists; its options OR-ed onto the connection's (SSL_set_options adds, never clears).
 */
function tlsOptions(servers: readonly Server[]): SocketTls | null {
  const withTls = servers.filter((s) => s.tls?.engine && s.tls.certificateFile && s.tls.certificateKeyFile);
  if (withTls.length === 0) return null;
  const read = (file: string, what: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      throw new StartupError(`cannot read ${what} ${file}: ${(err as Error).message}`, 'fix the SSLCertificateFile/SSLCertificateKeyFile paths, or serve plain HTTP with --listen');
    }
  };
  const load = (s: Server): { cert: Buffer; key: Buffer } => {
    const cert = read(s.tls!.certificateFile!, 'SSLCertificateFile');
    const chain = s.tls!.certificateChainFile ? read(s.tls!.certificateChainFile, 'SSLCertificateChainFile') : null;
    return { cert: chain ? Buffer.concat([cert, Buffer.from('\n'), chain]) : cert, key: read(s.tls!.certificateKeyFile!, 'SSLCertificateKeyFile') };
  };
  const matcherOf = (s: Server): ((name: string) => boolean) => sniMatcher(s.serverName, s.serverAliases);
  const handshake = (s: Server): NodeTlsOptions => {
    const m = serverTlsOptions(s.tls);
    if (!m.ok) throw new StartupError(`${s.serverName ?? '(no ServerName)'}: ${m.problem.message}`, m.problem.hint);
    return m.options;
  };
  const first = withTls[0]!;
  const options = handshake(first);
  const effective = withTls.map((s, i): NodeTlsOptions => {
    if (i === 0) return options;
    const own = handshake(s);
    const range = (s.tls?.protocol ?? null) !== null ? own : { ...own, minVersion: options.minVersion, maxVersion: options.maxVersion };
    // SSL_set_options never clears: the connection's options (the first vhost's) stay, the selected vhost's are added.
    return { ...range, honorCipherOrder: own.honorCipherOrder || options.honorCipherOrder, secureOptions: own.secureOptions | options.secureOptions };
  });
  const context = (s: Server, o: NodeTlsOptions): SecureContext => {
    try {
      return createSecureContext({ ...load(s), ...o });
    } catch (err) {
      if (err instanceof StartupError) throw err;
      // "ee key too small", a key that does not match the certificate …: mod_ssl stops too (AH02562/AH02565).
      const why = (err as Error).message.replace(/^error:[0-9A-F]+:[^:]*:[^:]*:/i, '');
      throw new StartupError(
        `${s.serverName ?? '(no ServerName)'}: cannot use SSLCertificateFile ${s.tls!.certificateFile} with SSLCertificateKeyFile ${s.tls!.certificateKeyFile}: ${why} (Apache does not start either)`,
        /too small|too weak/i.test(why) ? 'use an RSA key of 2048 bits or more, or an EC P-256 key (OpenSSL security level 2)' : 'check that the key belongs to the certificate and both are PEM',
      );
    }
  };
  // Certificates by SNI name (the same callback for every group: an SNI context only swaps certificate, key and
  // chain). The first vhost whose names match, in config order (ap_vhost_iterate_given_conn), decides both
  // certificate and settings.
  const vhosts = withTls.map((s, i) => ({ selects: matcherOf(s), settings: effective[i]!, ctx: context(s, effective[i]!) }));
  const SNICallback: SniCallback = (name, cb) => cb(null, vhosts.find((v) => v.selects(name))?.ctx);
  const groups: { settings: NodeTlsOptions; tls: TlsServerOptions; selects: (name: string) => boolean }[] = [];
  for (const [i, s] of withTls.entries()) {
    const o = effective[i]!;
    if (sameTlsOptions(o, options) || groups.some((g) => sameTlsOptions(g.settings, o))) continue;
    groups.push({ settings: o, tls: { ...load(s), ...o, SNICallback }, selects: (name) => sameTlsOptions(vhosts.find((v) => v.selects(name))?.settings ?? options, o) });
  }
  return { ...load(first), ...options, SNICallback, groups };
}

/** Node's TLS handshake timeout (tls.Server `handshakeTimeout` default), also the wait for a routed ClientHello. */
const HANDSHAKE_TIMEOUT_MS = 120_000;

export async function startProxy(model: ProxyModel, options: ServeOptions = {}): Promise<ReloadableProxy> {
  const plan = planSockets(model, options.listen);
  const tlsNow = socketTls(model, plan);
  const ticketKeys = options.ticketKeys ?? newTicketKeys();
  if (ticketKeys.length !== TICKET_KEYS_BYTES) throw new StartupError(`TLS session ticket keys must be ${TICKET_KEYS_BYTES} bytes, not ${ticketKeys.length}`, null);
  // SSLSessionCache is main-server only: every TLS vhost carries the same one. One store for every TLS server here.
  // Kept from start-up: a reload does not move sessions (httpd's graceful restart keeps shmcb too).
  const sessionStore = wantsSessionCache(model) ? (options.sessionStore ?? sessionStoreForModel(model)) : null;
  const schemes = plan.map((sock, i): 'http' | 'https' => (tlsNow[i] || sock.protocol === 'https' ? 'https' : 'http'));
  // SetHandler server-status: one board counts every request and connection (mod_status's scoreboard), across reloads.
  let status: ServerStatus | null = wantsStatus(model) ? new ServerStatus() : null;
  let current = Generation.build(model, plan, options, status, (i) => schemes[i]!);
  const generations = new Set<Generation>([current]);
  // A connection stays with the generation that served its first request (src/runtime/reload.ts).
  const bySocket = new WeakMap<Duplex, Generation>();
  const genOf = (socket: Duplex): Generation => {
    let g = bySocket.get(socket);
    if (!g) {
      g = current;
      bySocket.set(socket, g);
      g.adopt(socket);
    }
    return g;
  };
  const servers: HttpServer[] = [];
  /** TLS servers that never listen: they take the connections routed to an SNI group (src/runtime/tls-sni.ts). */
  const sniServers: HttpServer[] = [];
  /** More descriptors of the listening sockets (acceptAlso). */
  const acceptors: NetServer[] = [];
  const addresses: BoundAddress[] = [];
  const shutdown = async (): Promise<void> => {
    for (const g of generations) g.quiesce();
    // Not listening: close() only ends their idle connections and deadline checks (its callback says "not running").
    for (const s of sniServers) s.close(() => {});
    // A server's close() resolves once the connections *it* accepted have ended; those an acceptor took are
    // counted by the acceptor (closeIdleConnections still reaches them: the http server tracks every connection).
    await Promise.all([
      ...servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeIdleConnections();
          }),
      ),
      ...acceptors.splice(0).map((a) => new Promise<void>((resolve) => a.close(() => resolve()))),
    ]);
    await Promise.all([...generations].map((g) => g.retire()));
  };

  /** Per socket: start routing its connections by SNI name (idempotent). */
  const routeSni: (() => void)[] = [];
  try {
    for (const [i, sock] of plan.entries()) {
      const tls = tlsNow[i] ?? null;
      const scheme = schemes[i]!;
      // SNI follows the current generation's certificates (a reload may change them).
      const onRequest = (req: IncomingMessage, res: ServerResponse): void => {
        const g = genOf(req.socket);
        g.handler.handle(req, res, g.contexts[i]!);
      };
      const timeouts = serverTimeoutOptions(clientTimeouts(model));
      const server = createServer(tls ? { ...tls, SNICallback: (name, cb) => (tlsNow[i] ?? tls).SNICallback(name, cb) } : null, ticketKeys, timeouts, onRequest);
      // Before any connection: Node arms the new-session callback of a connection only if a listener exists then.
      if (tls && sessionStore) attachSessionCache(server as unknown as TlsServer, sessionStore, tls.sessionTimeout);
      wireServer(server, i, genOf, () => current);
      servers.push(server);
      // One TLS server per SNI group, made when a connection first needs it; a reload brings new groups.
      const bySettings = new WeakMap<SniGroup, HttpServer>();
      routeSni[i] = () =>
        routeBySni(
          server as unknown as TlsServer,
          (name) => {
            const group = name === null ? undefined : tlsNow[i]?.groups.find((x) => x.selects(name));
            if (!group) return server as unknown as TlsServer;
            let h = bySettings.get(group);
            if (!h) {
              h = createServer({ ...group.tls, groups: [] }, ticketKeys, timeouts, onRequest);
              if (sessionStore) attachSessionCache(h as unknown as TlsServer, sessionStore, group.tls.sessionTimeout);
              wireServer(h, i, genOf, () => current);
              // http.Server starts its deadline checks (headersTimeout/requestTimeout: RequestReadTimeout's 408) on
              // 'listening'; this one never listens, its connections come from `server`. close() stops them.
              h.emit('listening');
              bySettings.set(group, h);
              sniServers.push(h);
            }
            return h as unknown as TlsServer;
          },
          HANDSHAKE_TIMEOUT_MS,
        );
      if (tls && tls.groups.length > 0) routeSni[i]!();
      const bound = await listen(server, sock, model.listenBacklog ?? HTTPD_LISTEN_BACKLOG);
      const shown = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
      addresses.push({ host: bound.host, port: bound.port, servesPort: sock.servesPorts[0]!, url: `${scheme}://${shown}:${bound.port}` });
    }
  } catch (err) {
    await shutdown();
    throw err;
  }

  current.start();
  let closed: Promise<void> | null = null;
  return {
    addresses,
    close: () => (closed ??= shutdown()),
    listenHandles: () => servers.map((s) => listenHandleOf(s)),
    async acceptAlso(index: number, handle: object): Promise<void> {
      const server = servers[index];
      if (!server || closed) throw new StartupError('apx is stopping; no new listening descriptor is taken', null);
      acceptors.push(await acceptInto(server, handle));
    },
    async reload(next: ProxyModel): Promise<void> {
      if (closed) throw new StartupError('apx is stopping; the new config was not loaded', null);
      const nextPlan = planSockets(next, options.listen);
      if (!samePlan(plan, nextPlan)) {
        throw new StartupError('the new config listens on other addresses or ports; a reload keeps the sockets it has', 'restart apx serve to move its listeners');
      }
      const nextTls = socketTls(next, nextPlan);
      const nextSchemes = nextPlan.map((sock, i): 'http' | 'https' => (nextTls[i] || sock.protocol === 'https' ? 'https' : 'http'));
      const moved = nextSchemes.findIndex((sc, i) => sc !== schemes[i]);
      if (moved >= 0) {
        throw new StartupError(`the new config turns TLS ${nextSchemes[moved] === 'https' ? 'on' : 'off'} on ${addresses[moved]?.url ?? 'a listener'}; a reload keeps each socket's protocol`, 'restart apx serve to change it');
      }
      status ??= wantsStatus(next) ? new ServerStatus() : null;
      const gen = Generation.build(next, nextPlan, options, status, (i) => nextSchemes[i]!);
      // Certificates: new handshakes use the new ones.
      for (const [i, t] of nextTls.entries()) {
        if (!t) continue;
        tlsNow[i] = t;
        const { SNICallback: _sni, groups, ...context } = t;
        (servers[i] as unknown as { setSecureContext(o: Omit<TlsServerOptions, 'SNICallback'>): void }).setSecureContext(context);
        if (groups.length > 0) routeSni[i]?.();
      }
      if (status) status.board.generation++;
      const old = current;
      current = gen;
      generations.add(gen);
      gen.start();
      old.drain();
      void old.done.then(() => generations.delete(old));
    },
  };
}

/** The TLS options of each planned socket (null for plain HTTP); throws when `Listen … https` has no certificate. */
function socketTls(model: ProxyModel, plan: readonly PlannedSocket[]): (ReturnType<typeof tlsOptions>)[] {
  return plan.map((sock) => {
    const tls = tlsOptions(sock.virtualHosts.map((i) => model.virtualHosts[i]!));
    if (!tls && sock.protocol === 'https') {
      throw new StartupError(
        `Listen ${sock.servesPorts.join(',')} https: no virtual host on it has SSLEngine on with SSLCertificateFile and SSLCertificateKeyFile`,
        'add the certificate lines to the vhost, or drop `https` from Listen',
      );
    }
    return tls;
  });
}

function wantsStatus(model: ProxyModel): boolean {
  return [model.mainServer, ...model.virtualHosts].some((s) => s.handlers.some((h) => h.handler === 'server-status'));
}

/** Node's session ticket keys: 16 bytes of name, 16 of HMAC secret, 16 of AES key. */
const TICKET_KEYS_BYTES = 48;

/** Fresh TLS session ticket keys (ServeOptions.ticketKeys), for a caller that shares them among processes. */
export function newTicketKeys(): Buffer {
  return randomBytes(TICKET_KEYS_BYTES);
}

function createServer(
  tls: ReturnType<typeof tlsOptions>,
  ticketKeys: Buffer,
  timeouts: ReturnType<typeof serverTimeoutOptions>,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): HttpServer {
  // httpd's defaults: LimitRequestFieldSize 8190 × LimitRequestFields 100; HTTP/1.0 requests without Host are valid
  // (the first vhost answers them). RequestReadTimeout / KeepAliveTimeout: listeners.ts serverTimeoutOptions.
  const opts = { maxHeaderSize: 8190 * 100, requireHostHeader: false, ...timeouts };
  const server = tls ? (createHttpsServer({ ...opts, ...withoutGroups(tls), ticketKeys }, onRequest) as unknown as HttpServer) : createHttpServer(opts, onRequest);
  // A client that shuts its write side right after the request (`nc -N`, shutdown(SHUT_WR)) still gets its
  // answer from httpd, which only sees the end of input when it reads for the next request. Node's default drops
  // the pending requests at the client's FIN; with httpAllowHalfOpen it answers them, then ends the connection.
  (server as HttpServer & { httpAllowHalfOpen: boolean }).httpAllowHalfOpen = true;
  // KeepAlive / MaxKeepAliveRequests: close each connection after its last request, as httpd does.
  limitRequestsPerConnection(server, timeouts.maxRequestsPerSocket);
  return server;
}

/** A socket's TLS options as Node's TLS server takes them: the per-SNI groups are apx's, not Node's. */
function withoutGroups({ groups: _groups, ...own }: NonNullable<ReturnType<typeof tlsOptions>>): TlsServerOptions {
  return own;
}

/** Answer on a raw socket with an httpd error page (CONNECT, unparsable requests). */
function rawError(socket: Duplex, status: number, method: string, extra: string[] = []): void {
  const page = errorPage(status, { method });
  const body = Buffer.from(page.body, 'latin1');
  const head = [`HTTP/1.1 ${status} ${page.statusMessage}`, ...extra, `Content-Length: ${body.length}`, 'Connection: close', `Content-Type: ${ERROR_CONTENT_TYPE}`, '', ''].join('\r\n');
  if (socket.writable) socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  else socket.destroy();
}

function wireServer(server: HttpServer, index: number, genOf: (socket: Duplex) => Generation, current: () => Generation): void {
  server.on('connection', (socket: Duplex) => {
    const status = current().shared.status;
    if (status) socket.once('close', status.board.connection());
  });
  // ProxyRequests Off: CONNECT is refused as httpd's core does (405, Allow lists the methods it would take).
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {});
    current().shared.errorLog.log({ module: 'proxy', level: 'info', message: `CONNECT ${req.url} refused: apx is not a forward proxy` });
    rawError(socket, 405, 'CONNECT', ['Allow: POST,OPTIONS,HEAD,GET,TRACE']);
  });
  // A WebSocket upgrade on a route that allows it is tunnelled (src/runtime/upgrade.ts). Any other Upgrade request
  // is served as a plain one (Upgrade is hop-by-hop and stripped), as mod_proxy_http does for a route without
  // `upgrade=`; Node hands such requests to 'upgrade', so give them an ordinary response object.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    // Node skips the 'request' listeners (and their count) for these.
    countRequest(req.socket);
    const g = genOf(req.socket);
    const lctx = g.contexts[index]!;
    if (g.handler.handleUpgrade(req, socket, head, lctx)) return;
    if (head.length) socket.unshift(head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as unknown as import('node:net').Socket);
    res.on('finish', () => {
      res.detachSocket(socket as unknown as import('node:net').Socket);
      socket.end();
      // What Node's own resOnFinish does for the responses it makes: 'close' follows. Detached, the socket's close no
      // longer reaches the response, and the access log line and server-status's busy count wait for this event.
      process.nextTick(() => res.emit('close'));
    });
    g.handler.handle(req, res, lctx);
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    socket.on('error', () => {});
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    // httpd 2.4.71 answers 400 to a method it cannot parse or does not know (`G(T`, `FOO`), as to other bad heads.
    // A head not read in time is mod_reqtimeout's 408 (nothing at all when the client sent nothing); anything else
    // Node could not parse is 400.
    const status = clientErrorStatus(err, (socket as import('node:net').Socket).bytesRead ?? 0);
    if (status === null) return void socket.destroy();
    rawError(socket, status, 'GET');
  });
}

/** httpd's DEFAULT_LISTENBACKLOG (also Node's): the accept queue when the config has no `ListenBacklog`. */
const HTTPD_LISTEN_BACKLOG = 511;

function listen(server: HttpServer, sock: PlannedSocket, backlog: number): Promise<{ host: string; port: number }> {
  return new Promise((resolve, reject) => {
    const onError = (err: NodeJS.ErrnoException): void => {
      const host = sock.host ?? '0.0.0.0';
      const code = err.code ?? 'EUNKNOWN';
      reject(new ListenError(listenMessage(code, host, sock.port), code, host, sock.port));
    };
    server.once('error', onError);
    const done = (): void => {
      server.removeListener('error', onError);
      const a = server.address();
      const port = typeof a === 'object' && a ? a.port : sock.port;
      const host = sock.host ?? (typeof a === 'object' && a ? a.address : '0.0.0.0');
      resolve({ host: host === '::' ? '0.0.0.0' : host, port });
    };
    // The kernel caps it at net.core.somaxconn, as it does httpd's.
    if (sock.host === null) server.listen({ port: sock.port, backlog }, done);
    else server.listen({ port: sock.port, host: sock.host, backlog }, done);
  });
}
