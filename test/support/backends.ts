/**
 * Backends and clients for tests that put a proxy (real Apache, apx serve, nginx…) in front of something.
 *
 * `startEchoBackend` answers with JSON describing exactly what reached it, so a differential test can compare what
 * two proxies forwarded: the request line as sent, every header line in order, and the body's length and hash.
 */
import { createHash } from 'node:crypto';
import {
  createServer,
  request as httpRequest,
  type IncomingMessage,
  type OutgoingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';
import { connect, createServer as createNetServer, type Socket } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { LOOPBACK } from './ports.js';

export type HeaderPairs = [name: string, value: string][];

/** What the echo backend received, and the JSON body it answers with (unless told to answer something else). */
export interface ReceivedRequest {
  backend: string;
  method: string;
  /** The request-target exactly as on the request line (Node does not normalise it). */
  url: string;
  httpVersion: string;
  /** Header lines in order, names in the case they were sent. */
  headers: HeaderPairs;
  trailers: HeaderPairs;
  bodyLength: number;
  bodySha256: string;
  /** The body as UTF-8 when it is at most 4 KiB, else null. */
  body: string | null;
  /** Numbers the backend's TCP connections from 1, to see whether a proxy reused a connection. */
  connection: number;
}

/** How the backend misbehaves instead of answering normally. */
export type Fault =
  /** Close the connection after reading the request, without a byte of answer. */
  | 'close'
  /** TCP RST after reading the request. */
  | 'reset'
  /** Send the status line and headers with a Content-Length, half the body, then RST. */
  | 'reset-mid-body'
  /** Send `raw` (or a line that is not HTTP) verbatim, then close. */
  | { raw: string | Buffer };

export interface EchoBackendOptions {
  /** Reported as `backend` in the JSON; default 'echo'. */
  name?: string;
  status?: number;
  /** Answer this instead of the JSON echo (`"Hello world!"`); a function gets the request as received. */
  body?: string | Buffer | ((req: ReceivedRequest) => string | Buffer);
  /** Extra response headers (`Location`, `Set-Cookie` as an array or as repeated pairs). */
  headers?: Readonly<Record<string, string | readonly string[]>> | HeaderPairs;
  /** Wait this long before sending the status line (backend timeout tests). */
  delayMs?: number;
  /** Wait this long between the headers and the body. */
  bodyDelayMs?: number;
  /** How the body is framed: Content-Length (default), chunked, or ended by closing the connection. */
  framing?: 'content-length' | 'chunked' | 'close';
  fault?: Fault;
  /** Called for each request instead of all of the above; the request is still recorded. */
  handler?: (req: IncomingMessage, res: ServerResponse, received: ReceivedRequest) => void;
}

export interface Backend {
  readonly name: string;
  readonly port: number;
  /** `http://127.0.0.1:<port>` (no trailing slash). */
  readonly url: string;
  /** `127.0.0.1:<port>`: the Host header a proxy with ProxyPreserveHost Off sends. */
  readonly hostPort: string;
  /** Every request received, in order of completion. */
  readonly requests: ReceivedRequest[];
  /** Number of TCP connections accepted so far. */
  connections(): number;
  /** Change the behaviour for later requests. */
  set(opts: Partial<EchoBackendOptions>): void;
  close(): Promise<void>;
}

function pairs(raw: readonly string[]): HeaderPairs {
  const out: HeaderPairs = [];
  for (let i = 0; i + 1 < raw.length; i += 2) out.push([raw[i]!, raw[i + 1]!]);
  return out;
}

/** First value of a header in pairs, by case-insensitive name (HTTP field names are case-insensitive). */
export function headerValue(headers: HeaderPairs, name: string): string | undefined {
  const n = name.toLowerCase();
  return headers.find(([k]) => k.toLowerCase() === n)?.[1];
}

/** Every value of a header in pairs, in order. */
export function headerValues(headers: HeaderPairs, name: string): string[] {
  const n = name.toLowerCase();
  return headers.filter(([k]) => k.toLowerCase() === n).map(([, v]) => v);
}

function headerList(h: EchoBackendOptions['headers']): HeaderPairs {
  if (!h) return [];
  if (Array.isArray(h)) return h as HeaderPairs;
  return Object.entries(h as Record<string, string | readonly string[]>).flatMap(([k, v]) =>
    typeof v === 'string' ? [[k, v] as [string, string]] : v.map((x) => [k, x] as [string, string]),
  );
}

/** An HTTP/1.1 backend on 127.0.0.1 that reports what it received; see EchoBackendOptions for its other tricks. */
export async function startEchoBackend(options: EchoBackendOptions = {}): Promise<Backend> {
  let opts: EchoBackendOptions = { ...options };
  const name = opts.name ?? 'echo';
  const requests: ReceivedRequest[] = [];
  let connectionCount = 0;
  const connIds = new WeakMap<Socket, number>();
  const sockets = new Set<Socket>();

  const server: Server = createServer(
    {
      // Record what a proxy sends even when it is not what Node would accept from a browser.
      insecureHTTPParser: true,
      requireHostHeader: false,
      maxHeaderSize: 256 * 1024,
    },
    (req, res) => {
      const hash = createHash('sha256');
      const chunks: Buffer[] = [];
      let length = 0;
      req.on('data', (c: Buffer) => {
        hash.update(c);
        length += c.length;
        if (length <= 4096) chunks.push(c);
      });
      req.on('end', () => {
        const received: ReceivedRequest = {
          backend: name,
          method: req.method ?? '',
          url: req.url ?? '',
          httpVersion: req.httpVersion,
          headers: pairs(req.rawHeaders),
          trailers: pairs(req.rawTrailers),
          bodyLength: length,
          bodySha256: hash.digest('hex'),
          body: length <= 4096 ? Buffer.concat(chunks).toString('utf8') : null,
          connection: connIds.get(req.socket) ?? 0,
        };
        requests.push(received);
        void respond(req, res, received, opts).catch(() => req.socket.destroy());
      });
    },
  );
  // Longer than any proxy's idle pool timeout, so a reused backend connection is never closed under a request
  // (Node's default of 5 s races Apache's connection reuse and turns into sporadic 502s).
  server.keepAliveTimeout = 120_000;
  server.headersTimeout = 130_000;
  server.requestTimeout = 0;
  server.on('connection', (s: Socket) => {
    connIds.set(s, ++connectionCount);
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  server.on('clientError', (_err, socket: Socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
    else socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, LOOPBACK, () => resolve());
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    name,
    port,
    url: `http://${LOOPBACK}:${port}`,
    hostPort: `${LOOPBACK}:${port}`,
    requests,
    connections: () => connectionCount,
    set: (more) => {
      opts = { ...opts, ...more };
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

/** Wait `ms`, or less if the connection closes first: a long delay must not hold the process open after close(). */
function pause(socket: Socket, ms: number): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      socket.removeListener('close', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    socket.once('close', done);
  });
}

async function respond(req: IncomingMessage, res: ServerResponse, received: ReceivedRequest, opts: EchoBackendOptions): Promise<void> {
  const socket = req.socket;
  if (opts.delayMs) await pause(socket, opts.delayMs);
  if (socket.destroyed) return;
  if (opts.handler) return opts.handler(req, res, received);
  const fault = opts.fault;
  if (fault === 'close') return void socket.destroy();
  if (fault === 'reset') return void socket.resetAndDestroy();
  if (typeof fault === 'object') {
    socket.end(fault.raw);
    return;
  }
  const body =
    opts.body === undefined
      ? Buffer.from(JSON.stringify(received))
      : Buffer.from(typeof opts.body === 'function' ? opts.body(received) : opts.body);
  const extra = headerList(opts.headers);
  const flat: string[] = [];
  if (!extra.some(([k]) => k.toLowerCase() === 'content-type')) {
    flat.push('Content-Type', opts.body === undefined ? 'application/json' : 'text/plain');
  }
  for (const [k, v] of extra) flat.push(k, v);
  const framing = fault === 'reset-mid-body' ? 'content-length' : (opts.framing ?? 'content-length');
  if (framing === 'content-length') flat.push('Content-Length', String(body.length));
  else if (framing === 'chunked') flat.push('Transfer-Encoding', 'chunked');
  else {
    // No length and no chunking: the body ends when the connection does (RFC 9112 §6.3, last rule).
    res.useChunkedEncodingByDefault = false;
    res.shouldKeepAlive = false;
    flat.push('Connection', 'close');
  }
  // The array form keeps header order and repeated names exactly as given.
  res.writeHead(opts.status ?? 200, flat as unknown as OutgoingHttpHeaders);
  if (fault === 'reset-mid-body') {
    res.write(body.subarray(0, Math.floor(body.length / 2)));
    await sleep(20);
    return void socket.resetAndDestroy();
  }
  if (opts.bodyDelayMs) {
    res.flushHeaders();
    await pause(socket, opts.bodyDelayMs);
    if (socket.destroyed) return;
  }
  if (framing === 'chunked') {
    // Two chunks, so a proxy that re-frames the body has something to join.
    const half = Math.ceil(body.length / 2);
    res.write(body.subarray(0, half));
    res.end(body.subarray(half));
  } else res.end(body);
}

/** A backend answering `text` to everything, like the tutorial's "Hello world!" demo servers. */
export function startTextBackend(text: string, opts: Omit<EchoBackendOptions, 'body'> = {}): Promise<Backend> {
  return startEchoBackend({ name: text, ...opts, body: text });
}

/** A listener no config names: it counts and drops every connection, so a test can check nothing reached it. */
export interface Trap {
  readonly port: number;
  /** Connections it has seen. */
  readonly hits: number;
  close(): Promise<void>;
}

export async function startTrap(): Promise<Trap> {
  let hits = 0;
  const server = createNetServer((s) => {
    hits++;
    s.destroy();
  });
  await new Promise<void>((r) => server.listen(0, LOOPBACK, r));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    get hits() {
      return hits;
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

// ───────────────────────────────────────────── clients ─────────────────────────────────────────────

export interface HttpResponse {
  /** 0 when the server closed the connection without a parseable status line (raw requests only). */
  status: number;
  statusMessage: string;
  httpVersion: string;
  /** Header lines in order as received. */
  headers: HeaderPairs;
  /** First value of a header, case-insensitive. */
  header(name: string): string | undefined;
  body: Buffer;
  text: string;
  json<T = ReceivedRequest>(): T;
  /** Raw requests: the bytes received, unparsed. */
  raw?: Buffer;
  /** Raw requests: 1xx interim responses before the final one. */
  interim?: { status: number; headers: HeaderPairs }[];
}

export interface RequestOptions {
  method?: string;
  /** An object, or pairs to send repeated headers in order. */
  headers?: Readonly<Record<string, string | readonly string[]>> | HeaderPairs;
  body?: string | Buffer;
  /** Send the body chunked (no Content-Length) even when it is known. */
  chunked?: boolean;
  /** Send these exact bytes over a raw socket instead (the URL gives only host and port). */
  rawRequest?: string | Buffer;
  timeoutMs?: number;
}

function finish(partial: Omit<HttpResponse, 'header' | 'text' | 'json'>): HttpResponse {
  const text = partial.body.toString('utf8');
  return {
    ...partial,
    text,
    header: (n) => headerValue(partial.headers, n),
    json: <T>() => JSON.parse(text) as T,
  };
}

/**
 * One request with node:http and no agent (a fresh connection, closed after), or raw bytes with `rawRequest`.
 * The path is sent as written in `url` (dot-segments and escapes kept); node:http still refuses spaces and
 * control characters in it, which is what `rawRequest` is for. node:http adds `Connection: close` (no agent) and
 * a Host from the URL unless `headers` has one.
 */
export function request(url: string, opts: RequestOptions = {}): Promise<HttpResponse> {
  if (opts.rawRequest !== undefined) return rawRequest(url, opts.rawRequest, { timeoutMs: opts.timeoutMs });
  const u = new URL(url);
  // The path as written: WHATWG URL parsing would resolve `/../` and re-encode, and tests send such paths on purpose.
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*([^#]*)/i.exec(url)?.[1] || '/';
  const flat: string[] = [];
  // With headers given as an array node:http adds no Host of its own, so add it here unless the caller set one.
  if (!headerList(opts.headers).some(([k]) => k.toLowerCase() === 'host')) flat.push('Host', u.host);
  for (const [k, v] of headerList(opts.headers)) flat.push(k, v);
  const hasLength = headerList(opts.headers).some(([k]) => /^(content-length|transfer-encoding)$/i.test(k));
  if (opts.body !== undefined && !opts.chunked && !hasLength) flat.push('Content-Length', String(Buffer.byteLength(opts.body)));
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: u.hostname,
        port: u.port || 80,
        path,
        method: opts.method ?? 'GET',
        agent: false,
        headers: flat as unknown as OutgoingHttpHeaders,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () =>
          resolve(
            finish({
              status: res.statusCode ?? 0,
              statusMessage: res.statusMessage ?? '',
              httpVersion: res.httpVersion,
              headers: pairs(res.rawHeaders),
              body: Buffer.concat(chunks),
            }),
          ),
        );
      },
    );
    req.setTimeout(opts.timeoutMs ?? 30_000, () => req.destroy(new Error(`request to ${url} timed out`)));
    req.on('error', reject);
    if (opts.body !== undefined) req.write(opts.body);
    req.end();
  });
}

/**
 * Send exactly `bytes` to the host and port of `url` (the path is ignored: it is in the bytes) and parse the reply:
 * interim 1xx responses, then one final response framed by Content-Length, chunked encoding or connection close
 * (no body for HEAD, 204 and 304). For absolute-form targets, `%2F`, bad request lines and other things node:http
 * refuses to send.
 */
export function rawRequest(url: string, bytes: string | Buffer, opts: { timeoutMs?: number } = {}): Promise<HttpResponse> {
  const u = new URL(url);
  const head = Buffer.from(bytes).subarray(0, 16).toString('latin1');
  const isHead = /^HEAD\s/i.test(head);
  return new Promise((resolve, reject) => {
    const sock = connect({ host: u.hostname, port: Number(u.port || 80) });
    let buf = Buffer.alloc(0);
    let settled = false;
    const settle = (eof: boolean): void => {
      if (settled) return;
      const parsed = parseResponse(buf, isHead, eof);
      if (!parsed) {
        if (!eof) return;
        settled = true;
        sock.destroy();
        return resolve(finish({ status: 0, statusMessage: '', httpVersion: '', headers: [], body: Buffer.alloc(0), raw: buf, interim: [] }));
      }
      settled = true;
      sock.destroy();
      resolve(finish({ ...parsed, raw: buf }));
    };
    sock.setTimeout(opts.timeoutMs ?? 30_000, () => {
      if (settled) return;
      settled = true;
      sock.destroy();
      reject(new Error(`raw request to ${u.host} timed out; received so far:\n${buf.toString('latin1')}`));
    });
    sock.on('connect', () => sock.write(bytes));
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      settle(false);
    });
    sock.on('end', () => settle(true));
    sock.on('close', () => settle(true));
    sock.on('error', (e: NodeJS.ErrnoException) => {
      // A reset after a complete reply (or instead of one) is an answer, not a client failure.
      if (e.code === 'ECONNRESET' || e.code === 'EPIPE') return settle(true);
      if (!settled) {
        settled = true;
        reject(e);
      }
    });
  });
}

type Parsed = Omit<HttpResponse, 'header' | 'text' | 'json' | 'raw'>;

/**
 * Parse one HTTP/1.x response from `buf`; null while incomplete. With `eof`, a close-delimited (or truncated)
 * body is what arrived.
 */
export function parseResponse(buf: Buffer, isHead: boolean, eof: boolean): Parsed | null {
  const interim: { status: number; headers: HeaderPairs }[] = [];
  let pos = 0;
  for (;;) {
    const end = buf.indexOf('\r\n\r\n', pos);
    if (end < 0) return null;
    const lines = buf.subarray(pos, end).toString('latin1').split('\r\n');
    const m = /^(HTTP\/\d(?:\.\d)?)\s+(\d{3})(?:\s(.*))?$/.exec(lines[0]!);
    if (!m) return eof ? { status: 0, statusMessage: '', httpVersion: '', headers: [], body: buf.subarray(pos), interim } : null;
    const headers: HeaderPairs = lines.slice(1).map((l) => {
      const i = l.indexOf(':');
      return i < 0 ? [l, ''] : [l.slice(0, i), l.slice(i + 1).trim()];
    });
    const status = Number(m[2]);
    pos = end + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      interim.push({ status, headers });
      continue;
    }
    const base = { status, statusMessage: m[3] ?? '', httpVersion: m[1]!.slice(5), headers, interim };
    if (isHead || status === 204 || status === 304 || status === 101) return { ...base, body: Buffer.alloc(0) };
    const te = headerValue(headers, 'transfer-encoding');
    if (te && /chunked/i.test(te)) {
      const body: Buffer[] = [];
      let p = pos;
      for (;;) {
        const le = buf.indexOf('\r\n', p);
        if (le < 0) return eof ? { ...base, body: Buffer.concat(body) } : null;
        const size = parseInt(buf.subarray(p, le).toString('latin1').split(';')[0]!.trim(), 16);
        if (Number.isNaN(size)) return { ...base, body: Buffer.concat(body) };
        if (size === 0) {
          // trailers end with an empty line
          const tEnd = buf.indexOf('\r\n\r\n', le);
          if (tEnd < 0 && buf.indexOf('\r\n', le + 2) !== le + 2 && !eof) return null;
          return { ...base, body: Buffer.concat(body) };
        }
        if (buf.length < le + 2 + size + 2) return eof ? { ...base, body: Buffer.concat([...body, buf.subarray(le + 2)]) } : null;
        body.push(buf.subarray(le + 2, le + 2 + size));
        p = le + 2 + size + 2;
      }
    }
    const cl = headerValue(headers, 'content-length');
    if (cl !== undefined && /^\d+$/.test(cl.trim())) {
      const n = Number(cl.trim());
      if (buf.length - pos < n) return eof ? { ...base, body: buf.subarray(pos) } : null;
      return { ...base, body: buf.subarray(pos, pos + n) };
    }
    return eof ? { ...base, body: buf.subarray(pos) } : null;
  }
}
