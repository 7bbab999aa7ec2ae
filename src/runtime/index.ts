/**
 * src/runtime: the bundled reverse proxy, built from a ProxyModel only (it never sees the syntax tree).
 *
 * startProxy() decides everything it can up front — one socket per listener, per-server route and reverse tables,
 * workers and balancers with their lbmethod providers, compiled log formats — so a request only selects its
 * vhost, matches a route and forwards. See docs/runtime.md for the architecture and every deliberate difference
 * from Apache httpd.
 */
import { readFileSync } from 'node:fs';
import { createServer as createHttpServer, ServerResponse, type IncomingMessage, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { createSecureContext, type SecureContext } from 'node:tls';
import httpProxy from 'http-proxy';
import type { ProxyModel, Server } from '../model/types.js';
import { buildBalancers, ServerRuntime, type Shared } from './context.js';
import { errorPage, ERROR_CONTENT_TYPE } from './errors.js';
import { RequestHandler, type ListenerContext } from './handler.js';
import { planSockets, type PlannedSocket } from './listeners.js';
import { ErrorLog } from './logs.js';
import { installTunnelHook } from './upgrade.js';
import { BalancerManager } from './manager/index.js';
import { HealthChecker } from './hcheck/index.js';
import type { Worker } from './worker.js';

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

/** TLS for a socket: the certificate of the first vhost on it with SSLEngine on, SNI for the others. */
function tlsOptions(servers: readonly Server[]): { cert: Buffer; key: Buffer; SNICallback: (name: string, cb: (e: Error | null, ctx?: SecureContext) => void) => void } | null {
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
  const first = load(withTls[0]!);
  const contexts = withTls.map((s) => ({ names: [s.serverName, ...s.serverAliases].filter((n): n is string => !!n).map((n) => n.toLowerCase()), ctx: createSecureContext(load(s)) }));
  return {
    ...first,
    SNICallback: (name, cb) => {
      const hit = contexts.find((c) => c.names.includes(name.toLowerCase()));
      cb(null, hit?.ctx);
    },
  };
}

export async function startProxy(model: ProxyModel, options: ServeOptions = {}): Promise<RunningProxy> {
  const errorLog = new ErrorLog(options.errorLog ?? process.stderr, model.mainServer.logs.logLevel);
  const proxy = httpProxy.createProxyServer({});
  // Errors reach the per-request callback; this listener only keeps a stray one from crashing the process.
  proxy.on('error', () => {});
  installTunnelHook(proxy);
  const balancers = buildBalancers(model);
  const servers: HttpServer[] = [];
  const shared: Shared = {
    model,
    proxy,
    errorLog,
    balancers,
    memberUrls: (name) => balancers.get(name)?.members.map((m) => m.name),
    logFiles: new Map(),
    tunnels: new Set(),
    closing: false,
  };
  if (model.mainServer.forwardProxy || model.virtualHosts.some((v) => v.forwardProxy)) {
    errorLog.log({ module: 'proxy', level: 'warn', message: 'ProxyRequests On is not supported: apx never acts as a forward (open) proxy; requests are routed by ProxyPass only' });
  }
  // mod_proxy_hcheck: probes run on unref'd timers from start-up until close().
  const health = new HealthChecker(model, balancers, (e) =>
    errorLog.log({
      module: 'proxy_hcheck',
      level: e.healthy ? 'info' : 'warn',
      message: e.healthy ? `AH03251: balancer://${e.balancer.name} ${e.worker.name} passes its health check again (${e.detail}): back in rotation` : `AH03250: balancer://${e.balancer.name} ${e.worker.name} fails its health check (${e.detail}): out of rotation`,
    }),
  );
  // SetHandler balancer-manager: one manager over every balancer (httpd: BalancerInherit On, the default).
  const handlers = [model.mainServer, ...model.virtualHosts].flatMap((s) => s.handlers.filter((h) => h.handler === 'balancer-manager'));
  if (handlers.length) {
    shared.manager = new BalancerManager(balancers, model, health.active ? health : null);
    for (const h of handlers) for (const w of shared.manager.policy(h, `<Location ${h.path}>`).warnings) errorLog.log({ module: 'authz_core', level: 'warn', message: w });
  }
  const plan = planSockets(model, options.listen);
  const workers = new Map<string, Worker>();
  const handler = new RequestHandler(shared);

  const addresses: BoundAddress[] = [];
  const shutdown = async (): Promise<void> => {
    shared.closing = true;
    health.stop();
    for (const t of shared.tunnels) t.destroy();
    await Promise.all(
      servers.map(
        (s) =>
          new Promise<void>((resolve) => {
            if (!s.listening) return resolve();
            s.close(() => resolve());
            s.closeIdleConnections();
          }),
      ),
    );
    proxy.close();
    for (const w of workers.values()) w.destroy();
    for (const b of balancers.values()) b.destroy();
    await Promise.all([...shared.logFiles.values()].map((f) => new Promise<void>((resolve) => f.end(() => resolve()))));
  };

  try {
    // Built inside the try: a route that cannot be compiled must not leave log files open.
    const main = new ServerRuntime(model.mainServer, 'main server', shared, workers, options.accessLog);
    const vhosts = model.virtualHosts.map((v) => new ServerRuntime(v, v.id, shared, workers, options.accessLog, model.mainServer.serverName));
    for (const sock of plan) {
      const candidates = sock.virtualHosts.map((i) => vhosts[i]!);
      const tls = tlsOptions(sock.virtualHosts.map((i) => model.virtualHosts[i]!));
      const scheme = tls || sock.protocol === 'https' ? 'https' : 'http';
      if (scheme === 'https' && !tls) {
        throw new StartupError(
          `Listen ${sock.servesPorts.join(',')} https: no virtual host on it has SSLEngine on with SSLCertificateFile and SSLCertificateKeyFile`,
          'add the certificate lines to the vhost, or drop `https` from Listen',
        );
      }
      const lctx: ListenerContext = { candidates, main, scheme, servesPort: sock.servesPorts[0]! };
      const server = createServer(tls, (req, res) => handler.handle(req, res, lctx));
      wireServer(server, handler, lctx, shared);
      servers.push(server);
      const bound = await listen(server, sock);
      const shown = bound.host.includes(':') ? `[${bound.host}]` : bound.host;
      addresses.push({ host: bound.host, port: bound.port, servesPort: sock.servesPorts[0]!, url: `${scheme}://${shown}:${bound.port}` });
    }
  } catch (err) {
    await shutdown();
    throw err;
  }

  health.start();
  let closed: Promise<void> | null = null;
  return {
    addresses,
    close: () => (closed ??= shutdown()),
  };
}

function createServer(
  tls: ReturnType<typeof tlsOptions>,
  onRequest: (req: IncomingMessage, res: ServerResponse) => void,
): HttpServer {
  // httpd's defaults: LimitRequestFieldSize 8190 × LimitRequestFields 100, KeepAliveTimeout 5; HTTP/1.0 requests
  // without Host are valid (the first vhost answers them).
  const opts = { maxHeaderSize: 8190 * 100, requireHostHeader: false, keepAliveTimeout: 5000, requestTimeout: 0 };
  return tls ? (createHttpsServer({ ...opts, ...tls }, onRequest) as unknown as HttpServer) : createHttpServer(opts, onRequest);
}

/** Answer on a raw socket with an httpd error page (CONNECT, unparsable requests). */
function rawError(socket: Duplex, status: number, method: string, extra: string[] = []): void {
  const page = errorPage(status, { method });
  const body = Buffer.from(page.body, 'latin1');
  const head = [`HTTP/1.1 ${status} ${page.statusMessage}`, ...extra, `Content-Length: ${body.length}`, 'Connection: close', `Content-Type: ${ERROR_CONTENT_TYPE}`, '', ''].join('\r\n');
  if (socket.writable) socket.end(Buffer.concat([Buffer.from(head, 'latin1'), body]));
  else socket.destroy();
}

function wireServer(server: HttpServer, handler: RequestHandler, lctx: ListenerContext, shared: Shared): void {
  // ProxyRequests Off: CONNECT is refused as httpd's core does (405, Allow lists the methods it would take).
  server.on('connect', (req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => {});
    shared.errorLog.log({ module: 'proxy', level: 'info', message: `CONNECT ${req.url} refused: apx is not a forward proxy` });
    rawError(socket, 405, 'CONNECT', ['Allow: POST,OPTIONS,HEAD,GET,TRACE']);
  });
  // A WebSocket upgrade on a route that allows it is tunnelled (src/runtime/upgrade.ts). Any other Upgrade request
  // is served as a plain one (Upgrade is hop-by-hop and stripped), as mod_proxy_http does for a route without
  // `upgrade=`; Node hands such requests to 'upgrade', so give them an ordinary response object.
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => {});
    if (handler.handleUpgrade(req, socket, head, lctx)) return;
    if (head.length) socket.unshift(head);
    const res = new ServerResponse(req);
    res.shouldKeepAlive = false;
    res.assignSocket(socket as unknown as import('node:net').Socket);
    res.on('finish', () => {
      res.detachSocket(socket as unknown as import('node:net').Socket);
      socket.end();
    });
    handler.handle(req, res, lctx);
  });
  server.on('clientError', (err: Error & { code?: string }, socket: Duplex) => {
    socket.on('error', () => {});
    if (err.code === 'ECONNRESET' || !socket.writable) return void socket.destroy();
    const status = err.code === 'HPE_HEADER_OVERFLOW' ? 400 : err.code === 'HPE_INVALID_METHOD' ? 501 : 400;
    rawError(socket, status, 'GET');
  });
}

function listen(server: HttpServer, sock: PlannedSocket): Promise<{ host: string; port: number }> {
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
    if (sock.host === null) server.listen(sock.port, done);
    else server.listen(sock.port, sock.host, done);
  });
}
