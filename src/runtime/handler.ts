/**
 * The per-request path: pick the server (vhost), canonicalise the path, route, build the backend request, forward
 * (with balancer failover), rewrite the response, log. Everything it consults was built at start-up.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { resolveBackendUrl, resolveMemberUrl, type BackendUrl } from './backend-url.js';
import type { ServerRuntime, Shared } from './context.js';
import { ERROR_CONTENT_TYPE, errorPage, type ErrorDetail } from './errors.js';
import { attempt, type AttemptOutcome, type BackendTarget } from './forward.js';
import {
  addResponseVia,
  applyHeaderOps,
  filterResponseHeaders,
  forwardRequestHeaders,
  getHeader,
  headerValues,
  maxForwards,
  pairsFromRaw,
  type ForwardContext,
  type HeaderPairs,
} from './headers.js';
import type { LogRecord } from './logformat.js';
import { writeAccess } from './logs.js';
import { reverseMapCookie, reverseMapUrl, type ReverseContext, type ReverseTable } from './reverse.js';
import type { RouteResult } from './routes.js';
import { encodePath, parseRequestTarget, queryIsUnsafe } from './uri.js';
import { etag, lookupStatic, openFile } from './static.js';
import { canUpgrade, tunnel } from './upgrade.js';
import type { Duplex } from 'node:stream';
import { BAD_HEADER, clientLabel, isTlsError, osError, routeLabel } from './error-text.js';
import { hostOnly, hostPort, selectServer, sniMismatch, stripV4Mapped, type ListenerContext } from './select.js';
import type { Worker } from './worker.js';
import { locationMatches, type AccessPolicy } from './manager/index.js';
import { checkRequestHead, DEFAULT_LIMITS } from './limits.js';
import { requestsOn } from './listeners.js';
import { REWRITE_ROUTE_INDEX, rewriteRoute, type RewriteInput } from './rewrite/route.js';

interface RequestState {
  readonly start: number;
  readonly startHr: bigint;
  readonly bytesOutStart: number;
  readonly bytesInStart: number;
  sr: ServerRuntime;
  path: string;
  query: string | null;
  filename: string;
  handler: string;
  bodyBytes: number;
  responseHeaders: HeaderPairs;
  env: Record<string, string>;
  clientHost: string | null;
  /** The client's request headers as sent (name case and order kept), read once from rawHeaders. */
  readonly clientHeaders: HeaderPairs;
  /** Requests served on this connection before this one (%k). */
  readonly keepAliveCount: number;
}

function newState(req: IncomingMessage, sr: ServerRuntime, clientHost: string | null, rawUrl: string, clientHeaders: HeaderPairs): RequestState {
  const socket = req.socket;
  // Counted by the server's listeners before the handler runs (listeners.ts countRequest).
  const before = Math.max(0, requestsOn(socket) - 1);
  const q = rawUrl.indexOf('?');
  return {
    keepAliveCount: before,
    start: Date.now(),
    startHr: process.hrtime.bigint(),
    bytesOutStart: socket.bytesWritten,
    bytesInStart: socket.bytesRead,
    sr,
    path: q >= 0 ? rawUrl.slice(0, q) : rawUrl,
    query: null,
    filename: '-',
    handler: '-',
    bodyBytes: 0,
    responseHeaders: [],
    env: {},
    clientHost,
    clientHeaders,
  };
}

/** What RequestHandler.arrival() works out for each request. */
interface Arrival {
  readonly rawUrl: string;
  readonly clientHeaders: HeaderPairs;
  readonly clientHost: string | null;
  readonly localIp: string;
  readonly sr: ServerRuntime;
  /** Why httpd would refuse the head (status and log line), or null. */
  readonly refused: ReturnType<typeof checkRequestHead>;
}

/** The authority of an absolute-form request-target (`GET http://host/…`), without userinfo; null for origin-form. */
function absoluteAuthority(rawUrl: string): string | null {
  if (rawUrl.charCodeAt(0) === 0x2f) return null;
  return /^[A-Za-z][A-Za-z0-9+.-]*:\/\/([^/?#]*)/.exec(rawUrl)?.[1]?.replace(/^[^@]*@/, '') ?? null;
}

export class RequestHandler {
  constructor(private readonly shared: Shared) {}

  /**
   * What both entry points work out first: the client's header pairs (read once from rawHeaders), the Host that picks
   * the vhost (an absolute-form target's authority replaces it, RFC 9112 §3.2.2, for vhost selection only), the local
   * address, the vhost, and httpd's verdict on the head — protocol.c/vhost.c's request-line, header and Host limits
   * (src/runtime/limits.ts), read with the limits of the address's default server, before Host picks a vhost.
   */
  private arrival(req: IncomingMessage, lctx: ListenerContext): Arrival {
    const rawUrl = req.url ?? '/';
    const clientHeaders = pairsFromRaw(req.rawHeaders);
    const clientHost = absoluteAuthority(rawUrl) ?? getHeader(clientHeaders, 'host') ?? null;
    const localIp = stripV4Mapped(req.socket.localAddress);
    const limits = selectServer(lctx, null, localIp).server.limits ?? DEFAULT_LIMITS;
    const refused = checkRequestHead({ method: req.method ?? 'GET', url: rawUrl, httpVersion: req.httpVersion, rawHeaders: req.rawHeaders }, limits);
    return { rawUrl, clientHeaders, clientHost, localIp, sr: selectServer(lctx, clientHost, localIp), refused };
  }

  handle(req: IncomingMessage, res: ServerResponse, lctx: ListenerContext): void {
    const socket = req.socket;
    const { rawUrl, clientHeaders, clientHost, localIp, sr, refused } = this.arrival(req, lctx);
    const state = newState(req, sr, clientHost, rawUrl, clientHeaders);
    const board = this.shared.status?.board;
    if (board) board.begin(sr.label, sr.name);
    res.once('close', () => {
      if (board) board.end(sr.label, sr.name, state.bodyBytes, Number(process.hrtime.bigint() - state.startHr) / 1e6);
      this.logAccess(req, { status: res.statusCode, connection: !res.writableFinished ? 'X' : res.shouldKeepAlive ? '+' : '-' }, lctx, state, localIp);
    });
    if (this.shared.closing) res.shouldKeepAlive = false;
    if (refused) {
      this.shared.errorLog.log({ module: 'core', level: 'error', client: clientLabel(req), message: refused.log });
      return this.sendError(req, res, state, refused.status, {});
    }
    const misdirected = sniMismatch(socket, lctx, sr, localIp);
    if (misdirected) {
      this.shared.errorLog.log({ module: 'ssl', level: 'error', client: clientLabel(req), message: misdirected });
      return this.sendError(req, res, state, 421, {});
    }
    try {
      void this.route(req, res, lctx, state, clientHeaders).catch((err: unknown) => this.internalError(req, res, state, err));
    } catch (err) {
      this.internalError(req, res, state, err);
    }
  }

  /**
   * An `Upgrade:` request: tunnel it when its route's worker may upgrade to the requested protocol, and return
   * true; false means "serve it as a plain request" (the caller does, with Upgrade stripped as hop-by-hop).
   */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, lctx: ListenerContext): boolean {
    const { rawUrl, clientHeaders, clientHost, localIp, sr, refused } = this.arrival(req, lctx);
    const requested = getHeader(clientHeaders, 'upgrade') ?? '';
    // mod_proxy_http checks neither the method nor the protocol here: the worker's upgrade= list decides (below).
    if (!requested.trim()) return false;
    // A head httpd would refuse is answered by handle() with its status, never tunnelled.
    if (refused) return false;
    const parsed = parseRequestTarget(rawUrl, sr.server.allowEncodedSlashes);
    if (!parsed.ok) return false;
    // mod_rewrite's [P] rules run before ProxyPass (src/runtime/rewrite); a refusal is answered by handle().
    const rewritten = sr.rewrite ? rewriteRoute(sr.rewrite, this.rewriteInput(req, lctx, sr, parsed, clientHost)) : null;
    if (rewritten?.kind === 'forbidden') return false;
    const routed = rewritten ? rewritten.routed : sr.routes.match({ path: parsed.path, rawPath: parsed.rawPath });
    if (routed.kind !== 'proxy') return false;
    const backend = resolveBackendUrl(routed.url, {
      query: rewritten ? rewritten.query : parsed.query,
      raw: routed.rawPath,
      keepEncodedSlashes: sr.server.allowEncodedSlashes === 'nodecode',
    });
    let worker: Worker | null = null;
    let target: BackendUrl = backend;
    if (backend.kind === 'direct') {
      worker = (routed.index === REWRITE_ROUTE_INDEX ? sr.rewriteWorker(backend.scheme, `${backend.hostname}:${backend.port}`) : sr.routeWorkers[routed.index]) ?? null;
    } else if (backend.kind === 'balancer') {
      const balancer = this.shared.balancers.get(backend.name);
      // Only members that may upgrade are candidates for a tunnel; otherwise serve it plainly.
      if (!balancer || !balancer.members.some((m) => canUpgrade(m.params.upgrade, m.scheme, requested))) return false;
      const cookies = headerValues(clientHeaders, 'cookie');
      worker = balancer.choose(`${backend.path}${backend.query !== null ? `?${backend.query}` : ''}`, cookies, Date.now()).worker;
      if (!worker) return false;
      target = resolveMemberUrl(worker.name, backend.path, backend.query);
    }
    if (!worker || target.kind !== 'direct' || !canUpgrade(worker.params.upgrade, target.scheme, requested)) return false;
    const incoming: HeaderPairs = clientHeaders.map(([k, v]) => [k, v]);
    applyHeaderOps(incoming, sr.requestOps);
    const headers = forwardRequestHeaders(incoming, {
      behaviour: sr.server.headers,
      clientIp: stripV4Mapped(req.socket.remoteAddress),
      backendHost: target.hostHeader,
      requestHost: clientHost,
      serverName: sr.name,
      serverPort: this.serverPort({ clientHost, sr }, lctx, req.socket.localPort),
      protocol: `HTTP/${req.httpVersion}`,
    });
    headers.push(['Connection', 'Upgrade'], ['Upgrade', requested]);
    const w = worker;
    const t = target;
    const state = newState(req, sr, clientHost, rawUrl, clientHeaders);
    state.path = parsed.path;
    state.query = parsed.query;
    state.handler = 'proxy-server';
    state.filename = `proxy:${t.scheme}://${t.hostHeader}${t.path}`;
    state.env['BALANCER_WORKER_NAME'] = w.name;
    let status = 0;
    w.busy++;
    this.shared.tunnels.add(socket);
    socket.once('close', () => {
      w.busy--;
      this.shared.tunnels.delete(socket);
      // The tunnel's access line is written when it ends, with the status the client got (101 when upgraded).
      this.logAccess(req, { status, connection: '-' }, lctx, state, localIp);
    });
    tunnel({
      req,
      socket,
      head,
      scheme: t.scheme,
      hostname: t.hostname,
      port: t.port,
      path: t.path,
      headers,
      timeouts: { client: sr.server.timeouts.timeout, backend: w.params.timeout },
      tls: w.tlsOptions,
      onStatus: (s) => {
        status = s;
      },
      onError: (err, answered) => {
        const code = err.code ?? 'EUNKNOWN';
        this.shared.errorLog.log({
          module: 'proxy_http',
          level: 'error',
          os: osError(code, err.message),
          client: clientLabel(req),
          message: `AH10228: WebSocket tunnel to ${t.hostname}:${t.port} for ${parsed.path} failed (route ${routeLabel(routed)}, backend ${w.name})`,
        });
        if (answered || !socket.writable) return void socket.destroy();
        status = code === 'ECONNREFUSED' || code === 'EHOSTUNREACH' || code === 'ECONNTIMEOUT' ? 503 : 502;
        const page = status === 503 ? errorPage(503) : errorPage(502, { proxyReason: 'Error reading from remote server' });
        const body = Buffer.from(page.body, 'latin1');
        socket.end(
          Buffer.concat([
            Buffer.from(`HTTP/1.1 ${status} ${page.statusMessage}\r\nContent-Length: ${body.length}\r\nConnection: close\r\nContent-Type: ${ERROR_CONTENT_TYPE}\r\n\r\n`, 'latin1'),
            body,
          ]),
        );
      },
    });
    return true;
  }

  private internalError(req: IncomingMessage, res: ServerResponse, state: RequestState, err: unknown): void {
    this.shared.errorLog.log({
      module: 'proxy',
      level: 'error',
      client: clientLabel(req),
      message: `apx internal error handling ${req.method} ${req.url}: ${err instanceof Error ? err.message : String(err)}`,
    });
    if (!res.headersSent) this.sendError(req, res, state, 500, {});
    else res.destroy();
  }

  private async route(req: IncomingMessage, res: ServerResponse, lctx: ListenerContext, state: RequestState, clientHeaders: HeaderPairs): Promise<void> {
    const sr = state.sr;
    const method = req.method ?? 'GET';
    if (req.url === '*' && method === 'OPTIONS') {
      // `OPTIONS *` asks about the server itself: httpd's core answers 200 with no body.
      res.writeHead(200, ['Content-Length', '0']);
      return void res.end();
    }
    const parsed = parseRequestTarget(req.url ?? '/', sr.server.allowEncodedSlashes);
    if (!parsed.ok) {
      this.shared.errorLog.log({ module: 'core', level: parsed.status === 400 ? 'error' : 'info', client: clientLabel(req), message: parsed.log });
      return this.sendError(req, res, state, parsed.status, {});
    }
    state.path = parsed.path;
    state.query = parsed.query;
    // mod_rewrite's translate-name hook runs before mod_proxy's: a RewriteRule [P] takes the request first.
    const rewritten = sr.rewrite ? rewriteRoute(sr.rewrite, this.rewriteInput(req, lctx, sr, parsed, state.clientHost)) : null;
    if (rewritten?.kind === 'forbidden') {
      this.shared.errorLog.log({ module: 'rewrite', level: 'error', client: clientLabel(req), message: rewritten.log });
      return this.sendError(req, res, state, 403, {});
    }
    const routed: RouteResult = rewritten ? rewritten.routed : sr.routes.match({ path: parsed.path, rawPath: parsed.rawPath });
    const query = rewritten ? rewritten.query : parsed.query;
    // `<Location …> SetHandler balancer-manager`: its Require lines guard the path whoever serves it (httpd's authz
    // runs before any handler), but a ProxyPass that takes the path wins over the handler — observed on httpd
    // 2.4.71, hence the manual's `ProxyPass /balancer-manager !`.
    const located = this.shared.manager ? sr.server.handlers.find((h) => h.handler === 'balancer-manager' && locationMatches(h.path, parsed.path)) : undefined;
    if (located) {
      if (!(await this.handlerAllows(req, state, this.shared.manager!.policy(located, `<Location ${located.path}>`)))) return this.sendError(req, res, state, 403, {});
      if (routed.kind !== 'proxy') return this.serveManager(req, res, lctx, state);
    }
    // `SetHandler server-status`: the same order as the manager's — Require first, and a ProxyPass wins.
    const statusAt = this.shared.status ? sr.server.handlers.find((h) => h.handler === 'server-status' && locationMatches(h.path, parsed.path)) : undefined;
    if (statusAt) {
      if (!(await this.handlerAllows(req, state, this.shared.status!.policy(statusAt, `<Location ${statusAt.path}>`)))) return this.sendError(req, res, state, 403, {});
      if (routed.kind !== 'proxy') return this.serveStatus(req, res, state);
    }
    if (routed.kind !== 'proxy') {
      // No ProxyPass takes it (or a `!` kept it local): httpd's default handler serves the DocumentRoot.
      state.handler = '-';
      if (sr.server.documentRoot) return this.serveStatic(req, res, state, lctx, sr.server.documentRoot);
      return this.sendError(req, res, state, 404, {});
    }
    state.handler = 'proxy-server';
    if (parsed.query !== null && queryIsUnsafe(parsed.query)) return this.sendError(req, res, state, 403, {});

    // mod_proxy.c proxy_handler: Max-Forwards.
    const mf = maxForwards(clientHeaders);
    if (mf.kind === 'invalid') {
      return this.proxyError(req, res, state, 400, `Max-Forwards value '${mf.raw}' could not be parsed`);
    }
    if (mf.kind === 'value' && mf.value === 0) {
      return this.proxyError(req, res, state, 400, 'Max-Forwards has reached zero - proxy loop?');
    }

    const backend: BackendUrl = resolveBackendUrl(routed.url, {
      query,
      raw: routed.rawPath,
      keepEncodedSlashes: sr.server.allowEncodedSlashes === 'nodecode',
    });
    state.filename = `proxy:${routed.url}${query !== null ? `?${query}` : ''}`;
    if (backend.kind === 'error') {
      this.shared.errorLog.log({ module: 'proxy', level: 'error', client: clientLabel(req), message: `AH00898: ${backend.reason} returned by ${parsed.path}` });
      return backend.proxyError ? this.proxyError(req, res, state, backend.status, backend.reason, false) : this.sendError(req, res, state, backend.status, {});
    }

    // RequestHeader runs in the fixups phase, before the proxy handler builds its request (on a copy: the
    // access log's %{…}i shows what the client sent).
    let incoming = clientHeaders;
    if (sr.requestOps.length) {
      incoming = clientHeaders.map(([k, v]) => [k, v]);
      applyHeaderOps(incoming, sr.requestOps);
    }
    const cl = getHeader(clientHeaders, 'content-length');
    const te = getHeader(clientHeaders, 'transfer-encoding');
    const hasBody = te !== undefined || (cl !== undefined && Number(cl) > 0);
    const protocol = `HTTP/${req.httpVersion}`;
    const serverPort = this.serverPort(state, lctx, req.socket.localPort);
    const clientIp = stripV4Mapped(req.socket.remoteAddress);

    /** What the backend is sent for one target: the headers, and the context the response's Via needs. */
    const forRequest = (backendHost: string): { headers: HeaderPairs; fctx: ForwardContext } => {
      const fctx: ForwardContext = { behaviour: sr.server.headers, clientIp, backendHost, requestHost: state.clientHost, serverName: sr.name, serverPort, protocol };
      const headers = forwardRequestHeaders(incoming, fctx);
      // mod_proxy_http re-frames the body: a length when the client gave one, else chunked.
      if (te !== undefined) headers.push(['Transfer-Encoding', 'chunked']);
      return { headers, fctx };
    };

    if (backend.kind === 'direct') {
      const worker = (routed.index === REWRITE_ROUTE_INDEX ? sr.rewriteWorker(backend.scheme, `${backend.hostname}:${backend.port}`) : sr.routeWorkers[routed.index]) ?? null;
      if (!worker) return this.sendError(req, res, state, 500, {});
      worker.tryRecover(Date.now());
      if (!worker.usable) {
        this.shared.errorLog.log({
          module: 'proxy',
          level: 'error',
          client: clientLabel(req),
          message: `AH00940: HTTP: disabled connection for (${backend.hostname}:${backend.port}) (its status is disabled or stopped)`,
        });
        return this.sendError(req, res, state, 503, {});
      }
      const target: BackendTarget = { scheme: backend.scheme, hostname: backend.hostname, port: backend.port, path: backend.path, socketPath: backend.socketPath };
      const { headers, fctx } = forRequest(backend.hostHeader);
      const outcome = await this.forwardOnce(req, res, state, lctx, worker, target, method, headers, hasBody, fctx);
      return this.finishOutcome(req, res, state, outcome, worker, target, routed, false);
    }

    // balancer://
    const balancer = this.shared.balancers.get(backend.name);
    if (!balancer) {
      this.shared.errorLog.log({ module: 'proxy', level: 'error', client: clientLabel(req), message: `AH01144: No protocol handler was valid for the URL ${parsed.path} (no balancer://${backend.name} is defined)` });
      return this.sendError(req, res, state, 500, {});
    }
    state.env['BALANCER_NAME'] = `balancer://${balancer.name}`;
    let attempts = 0;
    let resetRetries = 0;
    const balancerUrl = backend.query !== null ? `${backend.path}?${backend.query}` : backend.path;
    const forcedRecovery = (names: string[]): void =>
      this.shared.errorLog.log({ module: 'proxy_balancer', level: 'warn', message: `AH01165: balancer://${balancer.name}: Forcing recovery for worker (${names.join(', ')})` });
    for (;;) {
      // Only a sticky balancer reads the cookies (find_session_route).
      const cookies = balancer.stickySession ? headerValues(clientHeaders, 'cookie') : NO_COOKIES;
      const chosen = balancer.chooseWaiting(balancerUrl, cookies, forcedRecovery);
      const choice = chosen instanceof Promise ? await chosen : chosen;
      if (choice.route !== null) {
        state.env['BALANCER_SESSION_ROUTE'] = choice.route;
        state.env['BALANCER_SESSION_STICKY'] = choice.sticky ?? '';
      }
      if (choice.refused) {
        this.shared.errorLog.log({
          module: 'proxy_balancer',
          level: 'error',
          client: clientLabel(req),
          message: `AH01161: balancer://${balancer.name}: All workers are in error state for route (${choice.route})`,
        });
        return this.sendError(req, res, state, 503, {});
      }
      const worker = choice.worker;
      if (!worker) {
        this.shared.errorLog.log({
          module: 'proxy_balancer',
          level: 'error',
          client: clientLabel(req),
          message: `AH01167: balancer://${balancer.name}: All workers are in error state for route (${routeLabel(routed)})`,
        });
        return this.sendError(req, res, state, 503, {});
      }
      state.env['BALANCER_WORKER_NAME'] = worker.name;
      if (worker.route) state.env['BALANCER_WORKER_ROUTE'] = worker.route;
      const member = resolveMemberUrl(worker.name, backend.path, backend.query);
      if (member.kind !== 'direct') {
        const reason = member.kind === 'error' ? member.reason : `balancer member ${worker.name} is itself a balancer`;
        this.shared.errorLog.log({ module: 'proxy', level: 'error', client: clientLabel(req), message: `AH00898: ${reason} returned by ${parsed.path}` });
        return this.sendError(req, res, state, 500, {});
      }
      state.filename = `proxy:${worker.name}${backend.path}${backend.query !== null ? `?${backend.query}` : ''}`;
      const target: BackendTarget = { scheme: member.scheme, hostname: member.hostname, port: member.port, path: member.path, socketPath: member.socketPath };
      const { headers, fctx } = forRequest(member.hostHeader);
      const outcome = await this.forwardOnce(req, res, state, lctx, worker, target, method, headers, hasBody, fctx, balancer.model.failOnStatus);
      // A request body already sent (failonstatus) cannot be replayed to another member.
      const replayable = outcome.kind === 'connect-failed' && (outcome.code !== 'EFAILONSTATUS' || !hasBody);
      if (replayable && attempts < balancer.maxAttempts && !res.headersSent) {
        attempts++;
        if (outcome.code !== 'EFAILONSTATUS') this.logConnectFailure(req, worker, target, outcome, routed, true);
        continue;
      }
      // Deliberate difference (docs/deviations.md "balancer-reset-retry"): a member that drops the connection before
      // sending a byte of response — typically a backend being killed or restarted — makes httpd answer 502
      // (AH01102). For an idempotent request without a body nothing can have been half-done that a second try
      // would repeat harmfully, so apx tries another member instead, as nginx's `proxy_next_upstream error` does.
      // Counted apart from `maxattempts`: the retry may well meet the dying member again, refused this time, and
      // that connect failure must still fail over as usual.
      if (outcome.kind === 'read-failed' && resetRetries < balancer.members.length - 1 && !res.headersSent && isReplayableReset(outcome, method, hasBody)) {
        resetRetries++;
        this.shared.errorLog.log({
          module: 'proxy_http',
          level: 'warn',
          os: osError(outcome.code, outcome.message),
          client: clientLabel(req),
          message: `AH01102: error reading status line from remote server ${target.hostname}:${target.port} (route ${routeLabel(routed)}, backend ${worker.name}); retrying the ${method} on another member`,
        });
        continue;
      }
      return this.finishOutcome(req, res, state, outcome, worker, target, routed, true);
    }
  }

  private forwardOnce(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    lctx: ListenerContext,
    worker: Worker,
    target: BackendTarget,
    method: string,
    headers: HeaderPairs,
    hasBody: boolean,
    fctx: ForwardContext,
    failOnStatus: readonly number[] = [],
  ): Promise<AttemptOutcome> {
    worker.busy++;
    return new Promise((resolve) => {
      const finish = (outcome: AttemptOutcome): void => {
        worker.busy--;
        resolve(outcome);
      };
      const run = (retryOnReuse: boolean): void => {
        let failStatus = false;
        attempt(
          {
            proxy: this.shared.proxy,
            req,
            res,
            worker,
            target,
            method,
            headers,
            hasBody,
            connectTimeout: worker.params.connectionTimeout,
            onBodyBytes: (n) => {
              worker.transferred += n;
            },
            respond: (backendRes) => {
              if (failOnStatus.includes(backendRes.statusCode ?? 0)) {
                failStatus = true;
                backendRes.resume();
                return;
              }
              this.respond(req, res, state, lctx, backendRes, fctx, worker);
            },
          },
          (outcome) => {
            // bytraffic's measure, as mod_proxy counts it: the request head passed to the backend (transferred; the
            // body is counted as it streams) once connected.
            if (outcome.kind !== 'connect-failed' && outcome.kind !== 'dns-failed') worker.transferred += requestHeadBytes(method, target.path, headers, !worker.params.disableReuse);
            if (failStatus) {
              // failonstatus: the member goes into error and the client gets a 503 (mod_proxy_http ap_proxy_http_process_response).
              worker.markError(Date.now());
              return finish({ kind: 'connect-failed', code: 'EFAILONSTATUS', message: 'failonstatus' });
            }
            // A pooled connection the backend closed just as it was reused: retry once on a fresh one when no body
            // was sent (httpd checks the pooled connection before reusing it, to the same effect).
            if (retryOnReuse && outcome.kind === 'read-failed' && !outcome.timedOut && !outcome.bodySent && outcome.reused && !res.headersSent) {
              return run(false);
            }
            finish(outcome);
          },
        );
      };
      run(true);
    });
  }

  /**
   * AH00957/AH01114. Only a balancer member is put in error for `retry` seconds (AH00959): observed on httpd
   * 2.4.71, a direct ProxyPass worker is tried again by the next request.
   */
  private logConnectFailure(
    req: IncomingMessage,
    worker: Worker,
    target: BackendTarget,
    outcome: Extract<AttemptOutcome, { kind: 'connect-failed' }>,
    routed: RouteResult,
    balanced: boolean,
  ): void {
    const os = osError(outcome.code, outcome.message);
    const disabled = balanced && worker.markError(Date.now());
    this.shared.errorLog.log({
      module: 'proxy',
      level: 'error',
      os,
      message: `AH00957: ${target.scheme}: attempt to connect to ${target.hostname}:${target.port} (${worker.name}) failed`,
    });
    if (disabled) {
      this.shared.errorLog.log({
        module: 'proxy',
        level: 'error',
        message: `AH00959: ap_proxy_connect_backend disabling worker for (${target.hostname}:${target.port}) for ${worker.params.retry}s`,
      });
    }
    this.shared.errorLog.log({
      module: 'proxy_http',
      level: 'error',
      client: clientLabel(req),
      message: `AH01114: HTTP: failed to make connection to backend: ${target.hostname} (route ${routeLabel(routed)})`,
    });
  }

  private finishOutcome(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    outcome: AttemptOutcome,
    worker: Worker,
    target: BackendTarget,
    routed: RouteResult,
    balanced: boolean,
  ): void {
    switch (outcome.kind) {
      case 'response':
      case 'client-gone':
        return;
      case 'connect-failed':
        if (outcome.code !== 'EFAILONSTATUS') this.logConnectFailure(req, worker, target, outcome, routed, balanced);
        return this.sendError(req, res, state, 503, {});
      case 'dns-failed':
        this.shared.errorLog.log({ module: 'proxy', level: 'error', os: osError(outcome.code, outcome.message), client: clientLabel(req), message: `AH00898: DNS lookup failure for: ${target.hostname} returned by ${state.path}` });
        return this.proxyError(req, res, state, 500, `DNS lookup failure for: ${target.hostname}`, false);
      case 'read-failed': {
        if (isTlsError(outcome.code)) {
          // mod_ssl/mod_proxy_http: a failed handshake with an https backend (AH02039) is a 502 with this reason.
          this.shared.errorLog.log({
            module: 'proxy_http',
            level: 'error',
            os: osError(outcome.code, outcome.message),
            client: clientLabel(req),
            message: `AH02039: SSL handshake with remote server ${target.hostname}:${target.port} failed (route ${routeLabel(routed)}, backend ${worker.name})`,
          });
          return this.proxyError(req, res, state, 502, 'Error during SSL Handshake with remote server', true);
        }
        if (BAD_HEADER.has(outcome.code)) {
          // mod_proxy_http ap_proxy_read_headers: a malformed header line is a plain 502 Bad Gateway (AH01106).
          this.shared.errorLog.log({
            module: 'proxy_http',
            level: 'warn',
            client: clientLabel(req),
            message: `AH01106: bad HTTP/1.1 header returned by ${state.path} (${req.method}) (route ${routeLabel(routed)}, backend ${worker.name}: ${outcome.message})`,
          });
          return this.sendError(req, res, state, 502, {});
        }
        const os = outcome.timedOut ? '(70007)The timeout specified has expired' : osError(outcome.code, outcome.message);
        this.shared.errorLog.log({
          module: 'proxy_http',
          level: 'error',
          os,
          client: clientLabel(req),
          message: `AH01102: error reading status line from remote server ${target.hostname}:${target.port} (route ${routeLabel(routed)}, backend ${worker.name})`,
        });
        this.shared.errorLog.log({ module: 'proxy', level: 'error', client: clientLabel(req), message: `AH00898: Error reading from remote server returned by ${state.path}` });
        return this.proxyError(req, res, state, 502, 'Error reading from remote server', false);
      }
    }
  }

  /** What a RewriteCond/RewriteRule may read (%{HTTP:…}, %{REQUEST_URI}, %{SERVER_PORT} …). */
  private rewriteInput(req: IncomingMessage, lctx: ListenerContext, sr: ServerRuntime, parsed: { path: string; rawPath: string; query: string | null }, clientHost: string | null): RewriteInput {
    const port = this.serverPort({ clientHost, sr }, lctx, req.socket.localPort);
    return {
      req,
      path: parsed.path,
      rawPath: parsed.rawPath,
      query: parsed.query,
      scheme: lctx.scheme,
      serverName: clientHost ? hostOnly(clientHost) : sr.name,
      serverPort: port ?? (lctx.scheme === 'https' ? 443 : 80),
      remoteAddr: stripV4Mapped(req.socket.remoteAddress),
    };
  }

  /** A built-in handler's <Location> Require lines (balancer-manager, server-status): AH01630 when they deny. */
  private async handlerAllows(req: IncomingMessage, state: RequestState, policy: AccessPolicy): Promise<boolean> {
    const allowed = await policy.check({ clientIp: stripV4Mapped(req.socket.remoteAddress), localIp: stripV4Mapped(req.socket.localAddress) });
    if (!allowed) this.shared.errorLog.log({ module: 'authz_core', level: 'error', client: clientLabel(req), message: `AH01630: client denied by server configuration: ${state.path}` });
    return allowed;
  }

  /** The server-status page (src/runtime/status). */
  private serveStatus(req: IncomingMessage, res: ServerResponse, state: RequestState): void {
    state.handler = 'server-status';
    const out = this.shared.status!.handle({
      method: req.method ?? 'GET',
      query: state.query,
      serverName: state.clientHost ? hostOnly(state.clientHost) : state.sr.name,
      vhostName: state.sr.name,
    });
    this.sendHandlerPage(req, res, state, out);
  }

  /** A page a built-in handler (server-status, balancer-manager) produced, with the vhost's `Header` operations. */
  private sendHandlerPage(req: IncomingMessage, res: ServerResponse, state: RequestState, out: { readonly status: number; readonly headers: readonly (readonly [string, string])[]; readonly body: string }): void {
    if (out.status !== 200) return this.sendError(req, res, state, out.status, {}, out.headers.map(([k, v]) => [k, v]));
    const payload = Buffer.from(out.body, 'latin1');
    const headers: HeaderPairs = [...out.headers.map(([k, v]): [string, string] => [k, v]), ['Content-Length', String(payload.length)]];
    applyHeaderOps(headers, state.sr.successResponseOps, state.clientHeaders);
    if (this.shared.closing) headers.push(['Connection', 'close']);
    state.responseHeaders = headers;
    res.writeHead(200, flatten(headers));
    if (req.method === 'HEAD') return void res.end();
    state.bodyBytes = payload.length;
    res.end(payload);
  }

  private async serveManager(req: IncomingMessage, res: ServerResponse, lctx: ListenerContext, state: RequestState): Promise<void> {
    const manager = this.shared.manager!;
    state.handler = 'balancer-manager';
    // httpd reads at most 1024 bytes of the form; apx reads the body to its end so the connection stays usable.
    let body: string | null = null;
    if (req.method === 'POST') {
      const chunks: Buffer[] = [];
      let size = 0;
      for await (const c of req as AsyncIterable<Buffer>) {
        if (size < 1024) chunks.push(c);
        size += c.length;
      }
      body = Buffer.concat(chunks).subarray(0, 1024).toString('latin1');
    }
    const rctx = this.reverseContext(req, lctx, state);
    const out = manager.handle({
      // HEAD is a GET without the body (httpd's M_GET).
      method: req.method === 'HEAD' ? 'GET' : (req.method ?? 'GET'),
      path: state.path,
      query: state.query,
      body,
      referer: getHeader(state.clientHeaders, 'referer') ?? null,
      serverName: state.clientHost ? hostOnly(state.clientHost) : state.sr.name,
      origin: `${rctx.scheme}://${rctx.authority}`,
    });
    for (const l of out.log) this.shared.errorLog.log({ module: 'proxy_balancer', level: l.level, client: clientLabel(req), message: l.message });
    this.sendHandlerPage(req, res, state, out);
  }

  /** A DocumentRoot file (src/runtime/static.ts), with httpd's validators and conditional GET. */
  private async serveStatic(req: IncomingMessage, res: ServerResponse, state: RequestState, lctx: ListenerContext, root: string): Promise<void> {
    const mods = this.shared.model.source.modules;
    const found = await lookupStatic(root, state.path, { dir: mods.includes('dir'), mime: mods.includes('mime') });
    if (found.kind === 'status') return this.sendError(req, res, state, found.status, {});
    if (found.kind === 'redirect') {
      const rctx = this.reverseContext(req, lctx, state);
      const location = `${rctx.scheme}://${rctx.authority}${encodePath(found.path)}${state.query !== null ? `?${state.query}` : ''}`;
      return this.sendError(req, res, state, 301, { location }, [['Location', location]]);
    }
    const method = req.method ?? 'GET';
    if (method !== 'GET' && method !== 'HEAD' && method !== 'POST') return this.sendError(req, res, state, 405, {}, [['Allow', 'GET,POST,OPTIONS,HEAD']]);
    state.filename = found.file;
    const lastModified = new Date(Math.floor(found.mtimeMs / 1000) * 1000).toUTCString();
    const tag = etag(found.size, found.mtimeMs, state.start);
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const strong = tag.replace(/^W\//, '');
    const notModified = inm !== undefined ? inm.split(',').some((t) => t.trim().replace(/^W\//, '') === strong || t.trim() === '*') : ims !== undefined && Date.parse(ims) >= Math.floor(found.mtimeMs / 1000) * 1000;
    const headers: HeaderPairs = [
      ['Last-Modified', lastModified],
      ['ETag', tag],
    ];
    if (!notModified) {
      headers.push(['Content-Length', String(found.size)]);
      if (found.contentType) headers.push(['Content-Type', found.contentType]);
    }
    applyHeaderOps(headers, state.sr.successResponseOps, state.clientHeaders);
    if (this.shared.closing) headers.push(['Connection', 'close']);
    state.responseHeaders = headers;
    res.writeHead(notModified ? 304 : 200, flatten(headers));
    if (notModified || method === 'HEAD') return void res.end();
    const stream = openFile(found.file);
    stream.on('data', (c: Buffer | string) => {
      state.bodyBytes += c.length;
    });
    stream.on('error', () => res.destroy());
    stream.pipe(res);
  }

  /** Write the backend's response to the client, rewritten as mod_proxy_http does. */
  private respond(
    req: IncomingMessage,
    res: ServerResponse,
    state: RequestState,
    lctx: ListenerContext,
    backendRes: IncomingMessage,
    fctx: ForwardContext,
    worker: Worker,
  ): void {
    const sr = state.sr;
    const status = backendRes.statusCode ?? 502;
    const headers = filterResponseHeaders(pairsFromRaw(backendRes.rawHeaders), status);
    // ProxyPassReverse and friends: the rules and the server's own URL are only worked out for a header they rewrite.
    let rules: ReturnType<ReverseTable['urlRules']> | null = null;
    let rctx: ReverseContext | null = null;
    for (const pair of headers) {
      const k = pair[0].toLowerCase();
      if (k === 'location' || k === 'content-location' || k === 'uri' || k === 'destination') {
        rules ??= sr.reverse.urlRules(state.path);
        if (rules.length) pair[1] = reverseMapUrl(pair[1], rules, (n) => this.shared.memberUrls(n), (rctx ??= this.reverseContext(req, lctx, state)));
      } else if (k === 'set-cookie') pair[1] = reverseMapCookie(pair[1], sr.reverse);
    }
    addResponseVia(headers, fctx, `HTTP/${backendRes.httpVersion}`);
    if (sr.successResponseOps.length) applyHeaderOps(headers, sr.successResponseOps, state.clientHeaders);
    if (this.shared.closing) headers.push(['Connection', 'close']);
    state.responseHeaders = headers;
    const message = backendRes.statusMessage ?? '';
    res.writeHead(status, message, flatten(headers));
    // mod_proxy_http counts the status line (without CRLF) and the body as read from the backend:
    // `HTTP/x.y NNN reason`, without trailing blanks.
    worker.read += `HTTP/${backendRes.httpVersion} ${status} ${message}`.trimEnd().length;
    let aborted = false;
    const abort = (): void => {
      if (aborted || backendRes.complete) return;
      aborted = true;
      this.shared.errorLog.log({
        module: 'proxy_http',
        level: 'error',
        client: clientLabel(req),
        message: `AH01110: error reading response from ${worker.name} for ${state.path}: backend connection closed mid-body; client connection aborted`,
      });
      res.destroy();
    };
    // A backend that stops mid-body errors (aborted) and closes: the client's connection is cut, as httpd does.
    backendRes.on('error', abort);
    backendRes.on('close', abort);
    // The body, counted and copied with backpressure: what pipe() does for one destination, without its seven
    // listeners on each side (a measurable share of a small response, docs/performance.md). When the client has
    // gone, write() refuses and the body stays paused, as an unpiped source does.
    const resume = (): void => void backendRes.resume();
    backendRes.on('data', (c: Buffer) => {
      state.bodyBytes += c.length;
      worker.read += c.length;
      if (!res.write(c)) {
        backendRes.pause();
        if (!res.destroyed) res.once('drain', resume);
      }
    });
    backendRes.on('end', () => void res.end());
  }

  /**
   * ap_get_server_port (UseCanonicalName Off): the Host's port, else the server's; null when the scheme's default.
   * When `--listen` moved the listener, the server's port is the one it is really served on (a redirect to the
   * config's port would lead nowhere).
   */
  private serverPort(state: Pick<RequestState, 'clientHost' | 'sr'>, lctx: ListenerContext, localPort: number | undefined): number | null {
    const dflt = lctx.scheme === 'https' ? 443 : 80;
    const configured = state.sr.port !== null && state.sr.port === lctx.servesPort && localPort ? localPort : state.sr.port;
    const port = (state.clientHost ? hostPort(state.clientHost) : null) ?? configured ?? dflt;
    return port === dflt ? null : port;
  }

  /** ap_construct_url: scheme, the name the client asked for (else ServerName), ap_get_server_port. */
  private reverseContext(req: IncomingMessage, lctx: ListenerContext, state: RequestState): ReverseContext {
    const name = state.clientHost ? hostOnly(state.clientHost) : state.sr.name;
    const port = this.serverPort(state, lctx, req.socket.localPort);
    return { scheme: lctx.scheme, authority: port !== null ? `${name}:${port}` : name };
  }

  /** ap_proxyerror: a "Proxy Error" page with a Reason, logged as AH00898 unless the caller logged it already. */
  private proxyError(req: IncomingMessage, res: ServerResponse, state: RequestState, status: number, reason: string, log = true): void {
    if (log) this.shared.errorLog.log({ module: 'proxy', level: 'error', client: clientLabel(req), message: `AH00898: ${reason} returned by ${state.path}` });
    this.sendError(req, res, state, status, { proxyReason: reason });
  }


  /** An httpd-style error page; `Header always` operations apply to it. */
  sendError(req: IncomingMessage, res: ServerResponse, state: RequestState, status: number, detail: ErrorDetail, extra: HeaderPairs = []): void {
    if (res.headersSent || res.destroyed) {
      res.destroy();
      return;
    }
    const page = errorPage(status, { ...detail, method: req.method ?? 'GET' });
    const body = Buffer.from(page.body, 'latin1');
    const headers: HeaderPairs = [];
    headers.push(...extra);
    headers.push(['Content-Length', String(body.length)]);
    if (this.shared.closing || status >= 500 || status === 400) headers.push(['Connection', 'close']);
    headers.push(['Content-Type', ERROR_CONTENT_TYPE]);
    applyHeaderOps(headers, state.sr.errorResponseOps, state.clientHeaders);
    state.responseHeaders = headers;
    res.writeHead(status, page.statusMessage, flatten(headers));
    if (req.method === 'HEAD') res.end();
    else {
      state.bodyBytes = body.length;
      res.end(body);
    }
    // The client's unread body must not be parsed as the next request.
    if (!req.complete) req.resume();
  }


  private logAccess(
    req: IncomingMessage,
    res: { readonly status: number; readonly connection: LogRecord['connectionStatus'] },
    lctx: ListenerContext,
    state: RequestState,
    localIp: string,
  ): void {
    const sinks = state.sr.access;
    if (sinks.length === 0) return;
    const socket = req.socket;
    const durationUs = Number(process.hrtime.bigint() - state.startHr) / 1000;
    const record: LogRecord = {
      remoteIp: stripV4Mapped(socket.remoteAddress),
      remotePort: socket.remotePort ?? 0,
      localIp,
      localPort: socket.localPort ?? lctx.servesPort,
      requestLine: `${req.method} ${req.url} HTTP/${req.httpVersion}`,
      method: req.method ?? '',
      protocol: `HTTP/${req.httpVersion}`,
      path: state.path,
      query: state.query,
      status: res.status,
      start: state.start,
      durationUs,
      bytesBody: state.bodyBytes,
      bytesOut: Math.max(0, socket.bytesWritten - state.bytesOutStart),
      bytesIn: Math.max(0, socket.bytesRead - state.bytesInStart),
      requestHeaders: state.clientHeaders,
      responseHeaders: state.responseHeaders,
      serverName: state.sr.name,
      requestHostname: state.clientHost ? hostOnly(state.clientHost) : state.sr.name,
      filename: state.filename,
      handler: state.handler,
      keepAliveCount: state.keepAliveCount,
      connectionStatus: res.connection,
      env: state.env,
    };
    writeAccess(sinks, record);
  }
}

const NO_COOKIES: readonly string[] = [];

/** Header pairs as the flat [name, value, name, value …] list writeHead takes. */
function flatten(headers: HeaderPairs): string[] {
  const flat = new Array<string>(headers.length * 2);
  for (let i = 0; i < headers.length; i++) {
    flat[2 * i] = headers[i]![0];
    flat[2 * i + 1] = headers[i]![1];
  }
  return flat;
}

/** Bytes of an HTTP/1.1 request head as sent: request line, header lines, the blank line. */
function requestHeadBytes(method: string, path: string, headers: HeaderPairs, keepAlive: boolean): number {
  // Header text is latin1 (one byte per character): `METHOD PATH HTTP/1.1\r\n`, `Name: value\r\n` each, `\r\n`.
  let n = method.length + 1 + path.length + ' HTTP/1.1\r\n\r\n'.length;
  for (const [k, v] of headers) n += k.length + v.length + 4;
  // Node's agent adds the Connection header itself (httpd writes `Connection: Keep-Alive`, the same length).
  if (!headers.some(([k]) => k.toLowerCase() === 'connection')) n += (keepAlive ? 'Connection: keep-alive\r\n' : 'Connection: close\r\n').length;
  return n;
}

/** Methods RFC 9110 §9.2.2 calls idempotent and that carry no body here (see isReplayableReset). */
const IDEMPOTENT = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE', 'PUT', 'DELETE']);
/** The backend closed or reset the connection: not a timeout, not a malformed answer. */
const RESET_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED']);

/** A read failure another balancer member may answer instead: reset before any response, idempotent, no body. */
function isReplayableReset(outcome: Extract<AttemptOutcome, { kind: 'read-failed' }>, method: string, hasBody: boolean): boolean {
  return !outcome.timedOut && !outcome.bodySent && !hasBody && IDEMPOTENT.has(method) && RESET_CODES.has(outcome.code);
}
