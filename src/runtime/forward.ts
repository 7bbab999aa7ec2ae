/**
 * One attempt at forwarding a request to one worker, on http-proxy. http-proxy creates the backend request,
 * pipes the body and routes errors; apx does the rest itself, as the package's defaults differ from Apache's:
 *
 * - the ClientRequest is captured synchronously (http-proxy pipes `options.buffer` into it right after creating
 *   it), so the request line and every header are set before anything is written: exact path, Apache's Host and
 *   X-Forwarded-* (never http-proxy's `xfwd`/`changeOrigin`), hop-by-hop headers already stripped — which also
 *   avoids the throws outside the 'error' event on client `Trailer`/invalid headers (http-proxy #1647, #1679);
 * - the client's body only starts flowing once the backend connection is up, so a refused connection leaves the
 *   body unread and the same request can fail over to another balancer member (mod_proxy's retry loop);
 * - the connect timeout is apx's own timer (worker `connectiontimeout`), the read timeout the worker's agent's
 *   socket timeout (`timeout`), both caught here, so a timeout is told apart from a backend that closed ("socket
 *   hang up" is all http-proxy reports for both);
 * - the response is handled here (selfHandleResponse) to rewrite headers as mod_proxy_http does.
 */
import type { ClientRequest, IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type HttpProxy from 'http-proxy';
import type { HeaderPairs } from './headers.js';
import type { Worker } from './worker.js';

export interface BackendTarget {
  readonly scheme: string;
  readonly hostname: string;
  readonly port: number;
  readonly path: string;
  readonly socketPath: string | null;
}

export type AttemptOutcome =
  /** The backend answered; `respond` was called with its response. */
  | { readonly kind: 'response' }
  /** No connection could be made: the worker goes into error and a balancer may try another member. */
  | { readonly kind: 'connect-failed'; readonly code: string; readonly message: string }
  /** DNS failed for the backend host (httpd: 500 "DNS lookup failure for: host"). */
  | { readonly kind: 'dns-failed'; readonly code: string; readonly message: string }
  /** Connected, but no (valid) response: timeout, closed, garbage. httpd: 502 "Error reading from remote server". */
  | {
      readonly kind: 'read-failed';
      readonly timedOut: boolean;
      readonly code: string;
      readonly message: string;
      readonly bodySent: boolean;
      /** The request went out on a pooled connection (which the backend may have closed meanwhile). */
      readonly reused: boolean;
    }
  /** The client went away. */
  | { readonly kind: 'client-gone' };

export interface AttemptOptions {
  readonly proxy: HttpProxy;
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly worker: Worker;
  readonly target: BackendTarget;
  readonly method: string;
  readonly headers: HeaderPairs;
  /** Whether the client request has a body to stream (Content-Length > 0 or Transfer-Encoding). */
  readonly hasBody: boolean;
  /** Seconds. (The read timeout is the worker's agent's: worker.ts.) */
  readonly connectTimeout: number;
  /** Called once with the backend response; it writes the client response. */
  respond(backendRes: IncomingMessage, proxyReq: ClientRequest): void;
  /** Bytes of request body sent to the backend. */
  onBodyBytes(n: number): void;
}

const CONNECT_ERRORS = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'EADDRNOTAVAIL', 'ECONNTIMEOUT', 'ENOENT', 'EACCES', 'EPERM']);
const DNS_ERRORS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_FAIL', 'EAI_NONAME']);

/** One attempt; `done` is called once, with how it ended (after `respond`, when the backend answered). */
export function attempt(o: AttemptOptions, done: (outcome: AttemptOutcome) => void): void {
  const secure = o.target.scheme === 'https' || o.target.scheme === 'wss';
  let settled = false;
  let connected = false;
  let timedOut = false;
  let responded = false;
  let bodySent = false;
  let proxyReq: ClientRequest | null = null;
  let connectTimer: NodeJS.Timeout | null = null;
  const settle = (outcome: AttemptOutcome): void => {
    if (connectTimer) clearTimeout(connectTimer);
    if (settled) return;
    settled = true;
    done(outcome);
  };
  const startBody = (): void => {
    if (connected) return;
    connected = true;
    if (connectTimer) clearTimeout(connectTimer);
    if (!proxyReq) return;
    if (!o.hasBody) proxyReq.end();
    else {
      bodySent = true;
      o.req.on('data', (c: Buffer) => o.onBodyBytes(c.length));
      o.req.pipe(proxyReq);
    }
  };

  const setup = (preq: ClientRequest): void => {
    proxyReq = preq;
    for (const name of preq.getHeaderNames()) preq.removeHeader(name);
    setHeaders(preq, o.headers);
    // The request-target exactly as mod_proxy built it; http-proxy's urlJoin would collapse `//`.
    preq.path = o.target.path;
    preq.method = o.method;
    // The worker's `timeout=` is its agent's socket timeout (worker.ts), which the ClientRequest reports as 'timeout'.
    preq.once('timeout', () => {
      timedOut = true;
      preq.destroy(Object.assign(new Error('The timeout specified has expired'), { code: 'ETIMEDOUT' }));
    });
    preq.on('socket', (socket: Socket) => {
      if (!socket.connecting) {
        startBody();
        return;
      }
      connectTimer = setTimeout(() => {
        preq.destroy(Object.assign(new Error('Connection timed out'), { code: 'ECONNTIMEOUT' }));
      }, o.connectTimeout * 1000);
      socket.once(secure ? 'secureConnect' : 'connect', startBody);
    });
    preq.on('response', (backendRes: IncomingMessage) => {
      if (settled) {
        backendRes.resume();
        return;
      }
      responded = true;
      o.respond(backendRes, preq);
      settle({ kind: 'response' });
    });
  };

  // http-proxy's `buffer` option is piped into the new ClientRequest right after it is created: the one place
  // apx gets hold of it before anything is written. The client's body is piped later, by startBody().
  const capture = {
    pipe<T>(dest: T): T {
      setup(dest as unknown as ClientRequest);
      return dest;
    },
  };

  const onError = (err: Error & { code?: string }): void => {
    if (settled || responded) return;
    const code = err.code ?? 'EUNKNOWN';
    if (o.req.destroyed && !o.res.writable) {
      proxyReq?.destroy();
      return settle({ kind: 'client-gone' });
    }
    if (DNS_ERRORS.has(code)) return settle({ kind: 'dns-failed', code, message: err.message });
    if (!connected && (CONNECT_ERRORS.has(code) || code === 'ECONNRESET')) {
      return settle({ kind: 'connect-failed', code, message: err.message });
    }
    settle({ kind: 'read-failed', timedOut, code, message: err.message, bodySent, reused: proxyReq?.reusedSocket === true });
  };

  // http-proxy hands req.headers to the ClientRequest constructor, which throws on an invalid value (#1679) and
  // writes the head at once when it sees `Expect` — before apx could set its own headers. apx builds every header
  // from rawHeaders, so the constructor gets none.
  o.req.headers = {};
  try {
    o.proxy.web(
      o.req,
      o.res,
      {
        target: {
          protocol: secure ? 'https:' : 'http:',
          host: o.target.hostname,
          hostname: o.target.hostname,
          port: o.target.port,
          ...(o.target.socketPath ? { socketPath: o.target.socketPath } : {}),
        },
        agent: o.worker.agent,
        selfHandleResponse: true,
        ignorePath: true,
        prependPath: false,
        // The path is apx's own (set in setup()); `toProxy` spares http-proxy a url.parse() of the client's URL that
        // ignorePath then throws away.
        toProxy: true,
        // http-proxy turns `secure` into the request's rejectUnauthorized, which wins over the agent's.
        secure: o.worker.verifyTls,
        buffer: capture as unknown as import('node:stream').Stream,
      },
      onError,
    );
  } catch (err) {
    onError(err as Error & { code?: string });
  }
}

/**
 * Set the backend request's headers in order. Node keeps one entry per name, so a name sent more than once
 * (Cookie, Via, Accept…) is set once with all its values — still one line each on the wire.
 */
function setHeaders(preq: ClientRequest, headers: HeaderPairs): void {
  const grouped = new Map<string, { name: string; values: string[] }>();
  for (const [k, v] of headers) {
    const key = k.toLowerCase();
    const g = grouped.get(key);
    if (g) g.values.push(v);
    else grouped.set(key, { name: k, values: [v] });
  }
  for (const { name, values } of grouped.values()) preq.setHeader(name, values.length === 1 ? values[0]! : values);
}
